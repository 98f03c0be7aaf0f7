"""A start-up check of everything a :class:`~i18nmail.render.Mailer` will render.

``Mailer.validate()`` (and ``i18nmail validate``) finds, before the first
customer does, what would otherwise surface one render at a time:

* every ``.j2`` file of every template layer is compiled (syntax errors with
  file and line);
* every catalog of every layer is loaded (syntax, encoding, ``Plural-Forms``);
* every scenario is rendered in every locale with its sample data, and every
  fallback a strict render would refuse (a sentence from another language, a
  catalog that did not load, a guessed currency) is a problem, pointing at the
  catalog entry (or catalog file) to fix; template errors point at the
  template file and line of the layer that serves it.

One run reports everything; the report is data (:class:`Problem` rows),
ordered by file and line.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import polib

from .exceptions import ContextError, RenderError, TemplateError
from .formatting import utc_now
from .negotiation import Fallback

if TYPE_CHECKING:
    from .render import Mailer

__all__ = ["Problem", "ValidationReport", "validate_mailer"]

_PATH_IN_DETAIL = re.compile(r"^(?P<path>[^:\s][^:]*\.(?:po|mo)): ")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing that would go wrong in production: where, and what."""

    path: str
    line: int
    code: str
    message: str
    scenario: str = ""
    locale: str = ""

    def to_text(self) -> str:
        """``path:line: code: message [scenario, locale]``."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        about = ", ".join(x for x in (self.scenario, self.locale) if x)
        return f"{where}: {self.code}: {self.message}" + (f" [{about}]" if about else "")


@dataclass(frozen=True)
class ValidationReport:
    """Every problem found; ``ok`` when there are none."""

    problems: tuple[Problem, ...]
    templates: int
    catalogs: int
    renders: int

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line: what was checked and how many problems."""
        return (f"{len(self.problems)} problem(s); {self.templates} templates compiled, "
                f"{self.catalogs} catalogs loaded, {self.renders} emails rendered")

    def to_text(self) -> str:
        """One line per problem, then the summary."""
        return "".join(p.to_text() + "\n" for p in self.problems) + self.summary() + "\n"

    def to_json(self) -> str:
        """The problems and counts as JSON."""
        return json.dumps({"ok": self.ok, "problems": [asdict(p) for p in self.problems],
                           "templates": self.templates, "catalogs": self.catalogs,
                           "renders": self.renders}, ensure_ascii=False, indent=2) + "\n"


def _compile_templates(mailer: Mailer) -> tuple[list[Problem], int]:
    problems: list[Problem] = []
    count = 0
    env = mailer._text_env
    for root in mailer.template_roots:
        for folder, _dirs, files in os.walk(root):
            for filename in sorted(files):
                if not filename.endswith(".j2"):
                    continue
                path = Path(folder) / filename
                name = path.relative_to(root).as_posix()
                count += 1
                try:
                    env.compile(path.read_text("utf-8"), name, str(path))
                except jinja2.TemplateSyntaxError as exc:
                    problems.append(Problem(str(path), exc.lineno or 0, "template-syntax",
                                            exc.message or "syntax error"))
                except (OSError, UnicodeDecodeError) as exc:
                    problems.append(Problem(str(path), 0, "template-unreadable", str(exc)))
    return problems, count


class _EntryLines:
    """Line numbers of catalog entries, read with polib once per file."""

    def __init__(self) -> None:
        self._files: dict[str, polib.POFile | None] = {}

    def line(self, path: str, message: str | None) -> int:
        if not message or not path.endswith(".po"):
            return 0
        entry = self._entry(path, message)
        return int(entry.linenum) if entry is not None else 0

    def _entry(self, path: str, message: str) -> polib.POEntry | None:
        if path not in self._files:
            try:
                self._files[path] = polib.pofile(path)
            except (OSError, ValueError, UnicodeDecodeError):
                self._files[path] = None
        po = self._files[path]
        if po is None:
            return None
        context, sep, msgid = message.partition("|")
        if not sep:
            context, msgid = "", message
        return po.find(msgid, msgctxt=context or False)

    def reference(self, pots: Iterable[Path], message: str | None) -> str:
        """Where a message is used (``file:line`` of its first ``#:`` reference), or ``""``."""
        if not message:
            return ""
        for pot in pots:
            entry = self._entry(str(pot), message) if pot.is_file() else None
            if entry is not None and entry.occurrences:
                name, line = entry.occurrences[0]
                return f"{name}:{line}"
        return ""


def _shop_catalog(mailer: Mailer, locale: str | None) -> str:
    """Where a missing translation for *locale* belongs: the top layer's catalog."""
    top = mailer.catalog_roots[0]
    if not locale:
        return str(top / "messages.pot")
    return str(top / locale / "LC_MESSAGES" / "messages.po")


def _fallback_problem(mailer: Mailer, item: Fallback, lines: _EntryLines, scenario: str,
                      locale: str) -> Problem:
    if item.kind == "message":
        found = _PATH_IN_DETAIL.search(item.detail.split("translation rejected (", 1)[-1])
        path = found.group("path") if found else _shop_catalog(mailer, item.locale)
        if path.endswith(".mo") and Path(path).with_suffix(".po").is_file():
            path = str(Path(path).with_suffix(".po"))
        used = lines.reference([root / "messages.pot" for root in mailer.catalog_roots], item.message)
        return Problem(path, lines.line(path, item.message), "message-fallback",
                       f"{item.message!r}: {item.detail}" + (f" (used at {used})" if used else ""),
                       scenario, locale)
    if item.kind == "currency":
        path = next((s.path for s in mailer.scenarios() if s.id == scenario), scenario)
        return Problem(path, 0, "currency-guessed", item.detail, scenario, locale)
    return Problem(_shop_catalog(mailer, item.locale), 0, f"{item.kind}-fallback", item.detail,
                   scenario, locale)


def _target_locales(mailer: Mailer, locales: Iterable[str] | None) -> list[str]:
    if locales is not None:
        chosen = list(locales)
    elif mailer.shop.locales:
        chosen = list(mailer.shop.locales)
    else:
        chosen = mailer.locales()
    return sorted(dict.fromkeys(chosen))


def validate_mailer(mailer: Mailer, locales: Iterable[str] | None = None, *,
                    now: datetime | None = None) -> ValidationReport:
    """The work of :meth:`Mailer.validate`; see the module docstring."""
    from .render import STRICT_KINDS

    moment = now or utc_now()
    problems, template_count = _compile_templates(mailer)
    if mailer.strict:
        for line in mailer.shop.placeholder_settings():
            problems.append(Problem("Shop", 0, "shop-placeholder", line))
    available = sorted(mailer.catalogs.available())
    for ident in available:
        mailer.catalogs.chain([ident])
    for error in mailer.catalogs.errors():
        problems.append(Problem(error.path, error.lineno or 0, "catalog-load", error.reason))
    catalog_count = sum(1 for root in mailer.catalog_roots for ident in available
                        for ext in (".po", ".mo")
                        if (root / ident / "LC_MESSAGES" / f"messages{ext}").is_file())
    lines = _EntryLines()
    renders = 0
    broken = {p.path for p in problems if p.code == "template-syntax"}
    for scenario in mailer.scenarios():
        for locale in _target_locales(mailer, locales):
            match = mailer.negotiate(locale)
            sample = scenario.sample(match.catalogs[0] if match.catalogs else "en")
            renders += 1
            try:
                email = mailer.render(scenario.id, locale=locale, context=sample, now=moment)
            except TemplateError as exc:
                if exc.path in broken:
                    continue  # already reported once, from the compile pass
                problems.append(Problem(exc.path or scenario.path, exc.lineno or 0, "template-error",
                                        _reason(exc), scenario.id, locale))
                continue
            except ContextError as exc:
                problems.append(Problem(scenario.path, 0, "sample-data", str(exc), scenario.id, locale))
                continue
            except RenderError as exc:
                # A strict mailer raises for the fallbacks; list them like a lax one.
                fallbacks = getattr(exc, "fallbacks", None)
                if fallbacks is None:
                    problems.append(Problem(scenario.path, 0, "render-error", str(exc), scenario.id, locale))
                    continue
                items = list(fallbacks)
            else:
                items = list(email.fallbacks)
            for item in items:
                # Catalogs that did not load were reported once by the load pass.
                if item.kind in STRICT_KINDS and item.kind != "catalog":
                    problems.append(_fallback_problem(mailer, item, lines, scenario.id, locale))
    unique = tuple(sorted(set(problems)))
    return ValidationReport(unique, template_count, catalog_count, renders)


def _reason(exc: TemplateError) -> str:
    text = str(exc)
    prefix = f"{exc.path}:{exc.lineno}: " if exc.path and exc.lineno else (f"{exc.path}: " if exc.path else "")
    return text[len(prefix):] if prefix and text.startswith(prefix) else text
