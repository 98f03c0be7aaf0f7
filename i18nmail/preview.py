"""The preview server: every email in every locale, in a browser, live.

A translator saves ``messages.po`` (or a designer saves a template) and the
next page load shows the result: the server runs a :class:`~i18nmail.Mailer`
with ``auto_reload=True``, so nothing needs compiling or restarting. Sentences
that fell back to another language are highlighted (preview only; real output
is never marked).

Pages (GET and HEAD only):

``/``
    a matrix of scenarios x locales: each catalog's completion and each
    email's status (ok, fallback, error), every cell a link.
``/email?scenario=ID&locale=TAG[&view=both|phone|desktop][&compare=1]``
    subject, preheader, the HTML at phone (375 px) and desktop width in
    sandboxed iframes, the plain text, the fallbacks and the sample context;
    one click to another locale or scenario; ``compare=1`` puts the English
    original beside it.
``/raw?scenario=ID&locale=TAG``
    the email HTML alone, under a Content-Security-Policy that forbids
    scripts, forms, frames and everything else but inline style and images.

Built on the standard library's ``http.server`` (no extra dependency, nothing
to configure) and safe by default (RELIABILITY.md item 38): it listens on
127.0.0.1; a ``Host`` header naming another machine gets 400 (DNS rebinding);
``scenario`` and ``locale`` are looked up in the known lists, never used to
build a path, and anything else gets a 4xx page with the value escaped;
every response carries a CSP, ``X-Content-Type-Options: nosniff`` and
``Referrer-Policy: no-referrer``; a broken template or catalog shows an error
page naming the file and line, and the server keeps running.

This module is the application (:class:`PreviewApp`: routing, the index and
email pages, ``serve`` and the ``preview`` command); the page templates and
style sheet live in :mod:`i18nmail.preview_pages`, the HTTP server in
:mod:`i18nmail.preview_server`.

>>> import urllib.request
>>> from i18nmail import Mailer
>>> server = serve(Mailer(auto_reload=True))          # port 0: any free port
>>> with urllib.request.urlopen(server.url + "email?scenario=refund_approved&locale=en") as page:
...     page.status, page.headers["X-Content-Type-Options"]
(200, 'nosniff')
>>> server.shutdown()
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import socket
import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import click
from babel.core import get_global
from babel.messages.pofile import read_po

from .exceptions import I18nMailError, did_you_mean, safe_repr
from .formatting import utc_now
from .message import RenderedEmail
from .negotiation import bcp47
from .preview_pages import CSS, FALLBACK_STYLE, PAGE_ENV
from .preview_server import DEFAULT_HOST, DEFAULT_PORT, SECURITY_HEADERS, PreviewServer, Response
from .pseudo import PSEUDO_LOCALE
from .render import Mailer

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "SECURITY_HEADERS",
    "PreviewApp",
    "PreviewServer",
    "Response",
    "preview_command",
    "serve",
]

log = logging.getLogger("i18nmail.preview")

#: Longest request target (path + query) accepted; longer gets 414.
MAX_TARGET = 2048
#: At most this many query parameters.
MAX_PARAMS = 8
PHONE_WIDTH = 375
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})

#: The preview pages themselves: no script at all, styles from /preview.css.
PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
#: The email HTML (RELIABILITY.md item 38), also sandboxed when opened directly.
EMAIL_CSP = ("default-src 'none'; img-src data: https:; style-src 'unsafe-inline'; "
             "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox")
_LOCALE_PARAM = re.compile(r"(?P<base>[a-z]{2,3}(?:-[A-Z][a-z]{3})?)(?:-(?P<region>[A-Z]{2}))?")
_VIEWS = ("both", "phone", "desktop")


class _BadRequest(Exception):
    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def _json_default(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _territories() -> frozenset[str]:
    zones: Mapping[str, Any] = get_global("territory_currencies")
    return frozenset(code for code in zones
                     if re.fullmatch(r"[A-Z]{2}", code) and code not in {"EU", "EZ", "QO", "UN", "ZZ"})


def _fingerprint(roots: Iterable[Path], *, by_folder: bool = False) -> Any:
    """(path, mtime, size) of every file under *roots*; per top folder if *by_folder*.

    Used as a cache key: when it changes, the files changed. Over 20 000
    files, a fresh object is returned so nothing is ever served stale.
    """
    found: dict[str, list[tuple[str, int, int]]] = {}
    count = 0
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            top = os.path.relpath(folder, root).split(os.sep)[0]
            for name in files:
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                found.setdefault(top, []).append((path, st.st_mtime_ns, st.st_size))
                count += 1
                if count > 20_000:
                    return None if by_folder else object()
    if by_folder:
        return {top: tuple(sorted(items)) for top, items in found.items()}
    return tuple(sorted(item for items in found.values() for item in items))


# -- the application ---------------------------------------------------------------


class PreviewApp:
    """Turns a request (method, target, Host header) into a :class:`Response`.

    Independent of any socket, so it is easy to test; :class:`PreviewServer`
    feeds it. ``allowed_hosts`` are the names a ``Host`` header may carry
    (any port); ``allow_ip_hosts`` also accepts any IP literal, which a DNS
    rebinding page cannot send. ``now`` fixes the moment emails are
    rendered at (default: the current time).
    """

    def __init__(
        self,
        mailer: Mailer,
        *,
        allowed_hosts: Collection[str] = LOOPBACK_NAMES,
        allow_ip_hosts: bool = False,
        now: Callable[[], datetime] | None = None,
        only: Sequence[str] | None = None,
    ) -> None:
        self.mailer = mailer
        #: The locales to show (the shop's markets); ``None``: every locale.
        self.only = None if only is None else [bcp47(mailer.negotiate(t).catalogs[0]) if
                                                mailer.negotiate(t).catalogs else "en" for t in only]
        self.allowed_hosts = frozenset(h.lower().strip("[]") for h in allowed_hosts)
        self.allow_ip_hosts = allow_ip_hosts
        self.now = now
        self._territories = _territories()
        self._lock = threading.Lock()
        self._cells: dict[tuple[str, str], tuple[object, str, str]] = {}
        self._pot: tuple[object, frozenset[tuple[str | None, str]]] | None = None

    # -- request handling ------------------------------------------------------------

    def handle(self, method: str, target: str, hosts: list[str] | None) -> Response:
        """Answer one request; never raises, never shows a traceback."""
        try:
            if method not in ("GET", "HEAD"):
                raise _BadRequest(405, "Method not allowed", f"{method[:20]!r} is not supported; use GET.")
            if len(target) > MAX_TARGET:
                raise _BadRequest(414, "URI too long", f"Request targets are limited to {MAX_TARGET} characters.")
            self._check_host(hosts)
            if not target.startswith("/") or target.startswith("//"):
                raise _BadRequest(400, "Bad request", "The request target must be a path such as /email.")
            path, _, query = target.partition("?")
            path = path.partition("#")[0]
            if path == "/":
                self._params(query, ())
                return self._html(200, self.index_page())
            if path == "/email":
                return self._html(200, self.email_page(self._params(query, ("scenario", "locale", "view", "compare"))))
            if path == "/raw":
                return self.raw_email(self._params(query, ("scenario", "locale")))
            if path == "/favicon.ico":  # browsers ask for it; say "nothing" rather than 404
                return Response(204, b"", headers={"Content-Security-Policy": PAGE_CSP})
            if path == "/preview.css":
                self._params(query, ())
                return Response(200, CSS.encode(), "text/css; charset=utf-8", {"Content-Security-Policy": PAGE_CSP})
            raise _BadRequest(404, "Not found", f"There is no page {safe_repr(path, 80)}.")
        except _BadRequest as exc:
            return self.error(exc.status, exc.title, exc.message)
        except I18nMailError as exc:
            # A broken template, declaration or sample file: name it, keep serving.
            log.warning("preview: %s", safe_repr(str(exc), 500))
            return self.error(500, "Cannot render", str(exc))
        except Exception:
            log.exception("preview: unexpected error for %s", safe_repr(target))
            return self.error(500, "Internal error", "The preview failed unexpectedly; see the server log.")

    def error(self, status: int, title: str, message: str) -> Response:
        """An error page; *message* is escaped."""
        body = PAGE_ENV.get_template("error").render(status=status, title=title, message=message)
        headers = {"Allow": "GET, HEAD"} if status == 405 else {}
        return Response(status, body.encode(), headers={"Content-Security-Policy": PAGE_CSP, **headers})

    def _html(self, status: int, body: str) -> Response:
        return Response(status, body.encode(), headers={"Content-Security-Policy": PAGE_CSP, "X-Frame-Options": "DENY"})

    def _check_host(self, hosts: list[str] | None) -> None:
        if not hosts or len(hosts) != 1:
            raise _BadRequest(400, "Bad request", "Exactly one Host header is required.")
        value = hosts[0].strip().lower()
        match = re.fullmatch(r"(?:\[(?P<v6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9.-]+))(?::\d{1,5})?", value)
        name = match and (match.group("v6") or match.group("name"))
        if not name:
            raise _BadRequest(400, "Bad request", "Malformed Host header.")
        if name in self.allowed_hosts:
            return
        if self.allow_ip_hosts:
            try:
                ipaddress.ip_address(name)
                return
            except ValueError:
                pass
        raise _BadRequest(400, "Bad request",
                          f"Host {safe_repr(name, 80)} is not served here (DNS rebinding protection); "
                          f"use http://127.0.0.1 or http://localhost.")

    @staticmethod
    def _params(query: str, allowed: Iterable[str]) -> dict[str, str]:
        allowed = tuple(allowed)
        if not query:
            return {}
        try:
            pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True, encoding="utf-8",
                              errors="strict", max_num_fields=MAX_PARAMS)
        except (ValueError, UnicodeDecodeError):
            raise _BadRequest(400, "Bad request", "The query string is malformed.") from None
        params: dict[str, str] = {}
        for key, value in pairs:
            if key not in allowed:
                raise _BadRequest(400, "Bad request", f"Unknown parameter {safe_repr(key, 60)}."
                                  + (f" Known: {', '.join(allowed)}." if allowed else ""))
            if key in params:
                raise _BadRequest(400, "Bad request", f"Parameter {key!r} given twice.")
            params[key] = value
        return params

    # -- lookups against the known lists --------------------------------------------------

    def locales(self) -> list[str]:
        """The locales the preview offers: every catalog, plus the pseudo-locale if on."""
        tags = self.mailer.locales()
        if self.only is not None:
            return [t for t in tags if t in self.only]
        if getattr(self.mailer, "pseudo", False):
            tags.append(bcp47(PSEUDO_LOCALE))
        return tags

    def _scenario(self, params: Mapping[str, str]) -> Any:
        value = params.get("scenario")
        if value is None:
            raise _BadRequest(400, "Bad request", "The scenario parameter is required.")
        known = {s.id: s for s in self.mailer.scenarios()}
        if value not in known:
            raise _BadRequest(404, "Unknown scenario",
                              f"No scenario {safe_repr(value, 80)}.{did_you_mean(value[:80], known)}")
        return known[value]

    def _locale(self, params: Mapping[str, str]) -> str:
        """A known locale tag, or a known one plus a CLDR region (``sv-FI``)."""
        value = params.get("locale", self.mailer.negotiate(self.mailer.shop.default_locale).tag)
        known = self.locales()
        if value in known:
            return value
        match = _LOCALE_PARAM.fullmatch(value) if len(value) <= 16 else None
        if match and match.group("region") and match.group("base") in known and match.group("region") in self._territories:
            chosen = self.mailer.negotiate(value)
            if chosen.tag == value and not chosen.fallbacks:
                return value
        raise _BadRequest(404, "Unknown locale",
                          f"No catalog for locale {safe_repr(value, 80)}.{did_you_mean(value[:80], known)}"
                          f" Known: {', '.join(known)}.")

    def _render(self, scenario: Any, locale: str, *, mark: bool) -> tuple[RenderedEmail, dict[str, Any]]:
        match = self.mailer.negotiate(locale)
        now = self.now() if self.now is not None else utc_now()
        # The sample's relative dates and the render share one now.
        context = scenario.sample(match.catalogs[0] if match.catalogs else "en", now=now)
        email = self.mailer.render(scenario.id, locale=locale, context=context, now=now, mark_fallbacks=mark)
        return email, context

    @staticmethod
    def _url(path: str, **params: str) -> str:
        return path + ("?" + urlencode(params) if params else "")

    # -- pages ----------------------------------------------------------------------

    def index_page(self) -> str:
        """The scenarios x locales matrix."""
        scenarios = self.mailer.scenarios()
        locales = self.locales()
        templates = _fingerprint(self.mailer.template_roots)
        catalogs = {root: _fingerprint([root], by_folder=True) for root in self.mailer.catalog_roots}
        default = self.mailer.negotiate(self.mailer.shop.default_locale).tag
        with self._lock:  # concurrent index loads share one pass over the matrix
            stamps = {tag: (templates, self._catalog_stamp(tag, catalogs)) for tag in locales}
            rows = []
            for s in scenarios:
                cells = []
                for tag in locales:
                    status, detail = self._cell(s, tag, stamps[tag])
                    cells.append({"status": status.split()[0], "label": status, "detail": detail, "locale": tag,
                                  "url": self._url("/email", scenario=s.id, locale=tag)})
                rows.append({"id": s.id, "description": s.description, "cells": cells,
                             "url": self._url("/email", scenario=s.id, locale=default)})
            header = [{"tag": tag, "completion": self._completion(tag),
                       "url": self._url("/email", scenario=scenarios[0].id, locale=tag) if scenarios else "/"}
                      for tag in locales]
        problems = [str(e) for e in self.mailer.catalogs.errors()]
        return PAGE_ENV.get_template("index").render(rows=rows, locales=header, problems=problems)

    def _catalog_stamp(self, tag: str, catalogs: Mapping[Path, Any]) -> object:
        """What a render in *tag* reads from the catalog folders, as a cache key."""
        if any(catalogs[root] is None for root in self.mailer.catalog_roots):
            return object()  # too many files to track: never cached
        ids = self.mailer.negotiate(tag).catalogs
        return tuple(catalogs[root].get(i) for root in self.mailer.catalog_roots for i in ids)

    def _cell(self, scenario: Any, tag: str, stamp: object) -> tuple[str, str]:
        """One matrix cell's status, re-rendered only when its files changed."""
        cached = self._cells.get((scenario.id, tag))
        if cached is not None and cached[0] == stamp:
            return cached[1], cached[2]
        try:
            email, _ = self._render(scenario, tag, mark=False)
        except I18nMailError as exc:
            status, detail = "error", str(exc)
        else:
            # An assumed customer country or estimated bank days concern the
            # sample data, not the translation: listed, but the cell stays "ok".
            count = len([f for f in email.fallbacks if f.kind not in {"country", "calendar"}])
            status = f"fallback ({count})" if count else "ok"
            detail = "; ".join(str(f) for f in email.fallbacks[:5]) or "every sentence translated"
        self._cells[(scenario.id, tag)] = (stamp, status, detail)
        return status, detail

    def _completion(self, tag: str) -> str:
        match = self.mailer.negotiate(tag)
        if not match.catalogs:
            return "source"
        keys = self._pot_keys()
        if not keys:
            return ""
        catalogs, _ = self.mailer.catalogs.chain(match.catalogs[:1])
        done = sum(1 for key in keys if any(key in c.messages for c in catalogs))
        return f"{done}/{len(keys)} ({100 * done // len(keys)}%)"

    def _pot_keys(self) -> frozenset[tuple[str | None, str]]:
        for root in self.mailer.catalog_roots:
            pot = Path(root) / "messages.pot"
            try:
                st = pot.stat()
            except OSError:
                continue
            stamp = (str(pot), st.st_mtime_ns, st.st_size)
            if self._pot is None or self._pot[0] != stamp:
                try:
                    with pot.open("rb") as handle:
                        catalog = read_po(handle)
                except Exception:  # noqa: BLE001 - a broken .pot only hides the percentages
                    log.warning("preview: cannot read %s", pot)
                    return frozenset()
                keys = frozenset((m.context or None, m.id[0] if isinstance(m.id, (list, tuple)) else m.id)
                                 for m in catalog if m.id)
                self._pot = (stamp, keys)
            return self._pot[1]
        return frozenset()

    def email_page(self, params: Mapping[str, str]) -> str:
        """One scenario in one locale, with everything a translator needs."""
        scenario = self._scenario(params)
        locale = self._locale(params)
        view = params.get("view", "both")
        if view not in _VIEWS:
            raise _BadRequest(400, "Bad request", f"view must be one of {', '.join(_VIEWS)}.")
        compare = params.get("compare", "0")
        if compare not in ("0", "1"):
            raise _BadRequest(400, "Bad request", "compare must be 0 or 1.")
        email, context = self._render(scenario, locale, mark=True)
        keep = {"view": view, "compare": compare}
        raw = self._url("/raw", scenario=scenario.id, locale=locale)
        frames = []
        if view in ("both", "phone"):
            frames.append({"kind": "phone", "caption": f"Phone ({PHONE_WIDTH} px)", "url": raw})
        if view in ("both", "desktop"):
            frames.append({"kind": "desktop", "caption": "Desktop (640 px)", "url": raw})
        if compare == "1":
            frames.append({"kind": "desktop source", "caption": "English original",
                           "url": self._url("/raw", scenario=scenario.id, locale="en")})
        views = [{"label": label, "current": v == view,
                  "url": self._url("/email", scenario=scenario.id, locale=locale, view=v, compare=compare)}
                 for v, label in (("both", "Phone and desktop"), ("phone", "Phone"), ("desktop", "Desktop"))]
        views.append({"label": "Hide English" if compare == "1" else "Compare with English", "current": False,
                      "url": self._url("/email", scenario=scenario.id, locale=locale, view=view,
                                       compare="0" if compare == "1" else "1")})
        return PAGE_ENV.get_template("email").render(
            scenario=scenario,
            locale=locale,
            email=email,
            frames=frames,
            compare=compare == "1",
            views=views,
            problems=[f.detail for f in email.fallbacks if f.kind == "catalog"],
            context_json=json.dumps(context, ensure_ascii=False, indent=2, default=_json_default),
            scenarios=[{"id": s.id, "current": s.id == scenario.id,
                        "url": self._url("/email", scenario=s.id, locale=locale, **keep)}
                       for s in self.mailer.scenarios()],
            locales=[{"tag": tag, "current": tag == locale,
                      "url": self._url("/email", scenario=scenario.id, locale=tag, **keep)}
                     for tag in self.locales()],
        )

    def raw_email(self, params: Mapping[str, str]) -> Response:
        """The email HTML, fallbacks highlighted, under :data:`EMAIL_CSP`."""
        scenario = self._scenario(params)
        locale = self._locale(params)
        email, _ = self._render(scenario, locale, mark=True)
        html = email.html
        head = re.search(r"</head\s*>", html, re.IGNORECASE)
        html = html[:head.start()] + FALLBACK_STYLE + html[head.start():] if head else FALLBACK_STYLE + html
        return Response(200, html.encode(), headers={"Content-Security-Policy": EMAIL_CSP,
                                                      "X-Frame-Options": "SAMEORIGIN"})


def _app_for(mailer: Mailer, host: str, now: Callable[[], datetime] | None,
             only: Sequence[str] | None = None) -> PreviewApp:
    bound = host.lower().strip("[]")
    if bound in LOOPBACK_NAMES or bound.startswith("127."):
        return PreviewApp(mailer, allowed_hosts=LOOPBACK_NAMES | {bound}, now=now, only=only)
    # Listening beyond loopback (the user asked for it): the machine's own
    # names and IP literals are fine, other names are DNS rebinding.
    names = LOOPBACK_NAMES | {bound, socket.gethostname().lower()}
    return PreviewApp(mailer, allowed_hosts=names, allow_ip_hosts=True, now=now, only=only)


def serve(
    mailer: Mailer,
    host: str = DEFAULT_HOST,
    port: int = 0,
    *,
    now: Callable[[], datetime] | None = None,
) -> PreviewServer:
    """Start a preview server for *mailer* in a background thread.

    ``port=0`` picks a free port; read it from ``server.url``. Call
    ``server.shutdown()`` when done. Give the mailer ``auto_reload=True`` for
    live edits.
    """
    return PreviewServer(_app_for(mailer, host, now), host, port).start()


# -- command line ------------------------------------------------------------------


@click.command("preview")
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="Address to listen on. Anything but loopback exposes the preview to your network.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--locale", "-l", "locales", multiple=True, metavar="LOCALE",
              help="Only this locale (repeatable); default: the shop's locales, else every locale.")
@click.pass_context
def preview_command(ctx: click.Context, host: str, port: int, locales: tuple[str, ...]) -> None:
    """Serve every email in every locale to a browser, re-read on each page load.

    The shop is read from --shop FILE or ./pyproject.toml ([tool.i18nmail.shop]).
    """
    settings = ctx.obj
    try:
        mailer = settings.mailer(auto_reload=True)
        chosen = list(locales) or list(mailer.shop.locales)
        server = PreviewServer(_app_for(mailer, host, None, chosen or None), host, port)
    except I18nMailError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        hint = "; try another --port, or --port 0 for any free one" if port else ""
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}{hint}") from None
    if not logging.getLogger().handlers and not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    if server.app.allow_ip_hosts:
        click.echo(f"warning: listening on {host}: anyone on your network can read the preview", err=True)
    click.echo(f"i18nmail preview: {server.url}  (Ctrl+C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.server_close()
