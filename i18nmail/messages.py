"""Catalog maintenance: extract, update, init, compile, stats.

The same steps a translator runs with ``pybabel``, bound to i18nmail's layout
(``templates/`` in, ``catalogs/messages.pot`` and
``catalogs/<locale>/LC_MESSAGES/messages.po`` out) and made safe for CI:
extraction is loud on template errors, output is stable (re-running it on
unchanged templates writes nothing), and every write is atomic.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import jinja2
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from .exceptions import MessagesError

__all__ = [
    "COMMENT_TAGS",
    "DOMAIN",
    "KEYWORDS",
    "POT_NAME",
    "build_template_catalog",
    "extract",
    "pot_path",
    "write_catalog",
]

DOMAIN = "messages"
POT_NAME = "messages.pot"
#: Comments that start with one of these tags become translator comments.
COMMENT_TAGS = ("Translators:",)
#: gettext functions the templates call (Babel's defaults: _, gettext,
#: ngettext, pgettext, npgettext, ...).
KEYWORDS = dict(DEFAULT_KEYWORDS)
METHOD_MAP = [("**.j2", "jinja2.ext:babel_extract")]
OPTIONS_MAP = {"**.j2": {"extensions": "jinja2.ext.i18n", "silent": "false", "newstyle_gettext": "true"}}
PROJECT = "i18nmail"
COPYRIGHT_HOLDER = "i18nmail contributors"
MSGID_BUGS_ADDRESS = "https://github.com/i18nmail/i18nmail/issues"
#: Fixed creation date of a freshly extracted template, so output is stable.
STABLE_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def pot_path(catalogs_dir: str | Path) -> Path:
    """Where the message template lives in *catalogs_dir*."""
    return Path(catalogs_dir) / POT_NAME


def _extracted(templates_dir: Path) -> Iterator[tuple[str, int, str | tuple[str, ...], list[str], str | None]]:
    try:
        for filename, lineno, message, comments, context in extract_from_dir(
            str(templates_dir),
            method_map=METHOD_MAP,
            options_map=OPTIONS_MAP,
            keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS,
            strip_comment_tags=True,
        ):
            yield filename.replace(os.sep, "/"), lineno, message, comments, context
    except jinja2.TemplateSyntaxError as exc:
        raise MessagesError(f"template syntax error: {exc.message}", path=exc.filename or exc.name,
                            lineno=exc.lineno) from None


def build_template_catalog(templates_dir: str | Path) -> Catalog:
    """Extract every message from the ``*.j2`` files under *templates_dir*.

    Messages are sorted by id (then context) so the output does not depend on
    file-system order; source locations are kept as ``#:`` comments.
    """
    root = Path(templates_dir)
    if not root.is_dir():
        raise MessagesError("no such templates folder", path=str(root))
    catalog = Catalog(
        project=PROJECT,
        version=None,
        copyright_holder=COPYRIGHT_HOLDER,
        msgid_bugs_address=MSGID_BUGS_ADDRESS,
        creation_date=STABLE_DATE,
        charset="utf-8",
        fuzzy=False,
    )
    for filename, lineno, message, comments, context in _extracted(root):
        if isinstance(message, tuple) and not message[0]:
            continue
        if not message:
            continue
        existing = catalog.get(message[0] if isinstance(message, tuple) else message, context)
        if existing is not None and isinstance(message, tuple) != existing.pluralizable:
            raise MessagesError(
                f"{message!r} is used both as a plural and a singular message; give one a msgctxt",
                path=f"templates/{filename}",
                lineno=lineno,
            )
        catalog.add(message, None, [(f"templates/{filename}", lineno)], auto_comments=comments,
                    context=context)
    return catalog


def write_catalog(catalog: Catalog, path: str | Path, *, template: bool = False) -> bool:
    """Write *catalog* to *path* atomically; return ``False`` when nothing changed.

    The comparison ignores the ``POT-Creation-Date`` and ``PO-Revision-Date``
    headers, so re-running a step on unchanged input leaves the file alone.
    """
    path = Path(path)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, sort_output=True, include_previous=not template,
             omit_header=False, ignore_obsolete=template)
    data = buffer.getvalue()
    if path.exists() and _without_dates(path.read_bytes()) == _without_dates(data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _without_dates(data: bytes) -> bytes:
    return b"\n".join(
        line for line in data.splitlines()
        if not line.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:'))
    )


def extract(templates_dir: str | Path, catalogs_dir: str | Path, *, check: bool = False) -> bool:
    """Extract messages into ``catalogs_dir/messages.pot``; return ``True`` if it changed.

    With ``check=True`` nothing is written: the return value says whether the
    committed template is out of date (CI fails on ``True``).
    """
    catalog = build_template_catalog(templates_dir)
    target = pot_path(catalogs_dir)
    if check:
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=76, sort_output=True, ignore_obsolete=True)
        if not target.exists():
            return True
        return _without_dates(target.read_bytes()) != _without_dates(buffer.getvalue())
    return write_catalog(catalog, target, template=True)


def read_catalog(path: str | Path, locale: str | None = None) -> Catalog:
    """Read a .po/.pot file strictly: a syntax error is a :class:`MessagesError`."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return read_po(fh, locale=locale, abort_invalid=True)
    except OSError as exc:
        raise MessagesError(exc.strerror or str(exc), path=str(path)) from None
    except Exception as exc:  # babel's PoFileError and decoding errors
        raise MessagesError(f"cannot parse: {exc}", path=str(path),
                            lineno=getattr(exc, "lineno", None)) from None
