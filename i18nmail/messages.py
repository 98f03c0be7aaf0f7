"""Catalog maintenance: extract, update, init, compile, stats.

The same steps a translator runs with ``pybabel``, bound to i18nmail's layout
(``templates/`` in, ``catalogs/messages.pot`` and
``catalogs/<locale>/LC_MESSAGES/messages.po`` out) and made safe for CI:

* extraction is loud on template errors (file and line), and its output is
  stable: re-running it on unchanged templates writes nothing;
* ``update`` merges with fuzzy matching, keeps translator comments and the
  previous msgid, and says what became fuzzy or obsolete;
* ``init`` refuses a locale Babel does not know and never overwrites a catalog;
* ``compile`` refuses a catalog with errors or a fuzzy header (``pybabel``
  skips it and exits 0), writes each ``.mo`` atomically and validates it
  before it replaces the old one (RELIABILITY.md items 14, 19, 21, 37).

>>> catalog_id("pt-br"), catalog_id("zh_hans"), catalog_id("ko")
('pt_BR', 'zh_Hans', 'ko')
"""

from __future__ import annotations

import errno as _errno
import gettext
import io
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import normalize, read_po, unescape, write_po

from .exceptions import CatalogError, LocaleError, MessagesError, safe_repr
from .mofile import mo_bytes as _mo_bytes

__all__ = [
    "COMMENT_TAGS",
    "DOMAIN",
    "KEYWORDS",
    "POT_NAME",
    "CompileResult",
    "LocaleStats",
    "PotDiff",
    "UpdateResult",
    "build_template_catalog",
    "catalog_id",
    "compile",
    "diff_catalog",
    "diff_template",
    "empty_template",
    "extract",
    "format_stats",
    "init",
    "locales_in",
    "po_path",
    "pot_path",
    "read_catalog",
    "stats",
    "update",
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


#: A catalog folder name: ``sv``, ``pt_BR``, ``zh_Hans``, ``es_419``.
_ID_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|[0-9]{3}))?$")
#: What ``init`` accepts before normalising: BCP 47 or POSIX style, any case.
_LOCALE_ARG_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z]{4})?(?:[-_](?:[A-Za-z]{2}|[0-9]{3}))?$")
#: Findings that mean "work in progress", not "broken": they do not stop ``compile``.
_INCOMPLETE = frozenset({"untranslated", "fuzzy"})


def pot_path(catalogs_dir: str | Path) -> Path:
    """Where the message template lives in *catalogs_dir*."""
    return Path(catalogs_dir) / POT_NAME


def po_path(catalogs_dir: str | Path, locale: str) -> Path:
    """Where the catalog of *locale* (a catalog id such as ``pt_BR``) lives."""
    return Path(catalogs_dir) / catalog_id(locale) / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_id(locale: str) -> str:
    """Normalise a locale given on the command line to a catalog folder name.

    The string is checked against a strict pattern before Babel or the file
    system sees it (RELIABILITY.md item 1); a locale Babel does not know is a
    :class:`LocaleError`.
    """
    if not isinstance(locale, str) or len(locale) > 16 or not _LOCALE_ARG_RE.match(locale):
        raise LocaleError(f"not a locale: {safe_repr(locale, 40)}; write e.g. sv, pt_BR or zh_Hans",
                          locale=locale)
    parts = re.split(r"[-_]", locale)
    normal = [parts[0].lower()]
    for part in parts[1:]:
        normal.append(part.title() if len(part) == 4 else part.upper())
    try:
        ident = str(Locale.parse("_".join(normal)))
    except (UnknownLocaleError, ValueError):
        raise LocaleError(f"unknown locale {locale!r}: Babel has no CLDR data for it",
                          locale=locale) from None
    if not _ID_RE.match(ident):  # Babel may add a script or variant we do not use
        raise LocaleError(f"unsupported locale {locale!r} (Babel calls it {ident!r})", locale=locale)
    return ident


def locales_in(catalogs_dir: str | Path) -> list[str]:
    """The catalog ids that have a ``messages.po`` in *catalogs_dir*, sorted."""
    root = Path(catalogs_dir)
    if not root.is_dir():
        return []
    return sorted(child.name for child in root.iterdir()
                  if _ID_RE.match(child.name) and (child / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())


def _selected(catalogs_dir: str | Path, locales: Iterable[str] | None) -> list[tuple[str, Path]]:
    if locales is None:
        return [(loc, po_path(catalogs_dir, loc)) for loc in locales_in(catalogs_dir)]
    chosen = []
    for raw in locales:
        loc = catalog_id(raw)
        path = po_path(catalogs_dir, loc)
        if not path.is_file():
            raise MessagesError(f"no catalog for {loc}; start one with `i18nmail init {loc}`",
                                path=str(path))
        chosen.append((loc, path))
    return chosen


def _label(message: Message) -> str:
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return f"{message.context}|{msgid}" if message.context else msgid


def _key(message: Message) -> tuple[str | None, str]:
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return message.context or None, msgid


# --------------------------------------------------------------------------- extract


def _extracted(templates_dir: Path) -> Iterator[tuple[str, int, str | tuple[str, ...], list[str], str | None]]:
    current: list[str] = []

    def remember(filename: str, method: str, options: dict[str, Any]) -> None:
        current[:] = [filename]

    try:
        for filename, lineno, message, comments, context in extract_from_dir(
            str(templates_dir),
            method_map=METHOD_MAP,
            options_map=OPTIONS_MAP,
            keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS,
            callback=remember,
            strip_comment_tags=True,
        ):
            yield filename.replace(os.sep, "/"), lineno, message, comments, context
    except jinja2.TemplateSyntaxError as exc:
        # Babel's extractor neither names the file nor skips it when told to be
        # loud; the callback above remembers which file was being read.
        where = str(templates_dir / current[0]) if current else (exc.filename or exc.name)
        raise MessagesError(f"template syntax error: {exc.message}", path=where,
                            lineno=exc.lineno) from None
    except (UnicodeDecodeError, ValueError, LookupError) as exc:
        where = str(templates_dir / current[0]) if current else str(templates_dir)
        raise MessagesError(f"cannot extract messages: {exc}", path=where) from None


def empty_template(project: str = PROJECT, copyright_holder: str = COPYRIGHT_HOLDER,
                   msgid_bugs_address: str = MSGID_BUGS_ADDRESS) -> Catalog:
    """A message template with no messages and a stable header."""
    return Catalog(
        project=project,
        version=None,
        copyright_holder=copyright_holder,
        msgid_bugs_address=msgid_bugs_address,
        creation_date=STABLE_DATE,
        charset="utf-8",
        fuzzy=False,
    )


def build_template_catalog(templates_dir: str | Path, *, ref_prefix: str = "templates",
                           header: Catalog | None = None) -> Catalog:
    """Extract every message from the ``*.j2`` files under *templates_dir*.

    Messages are sorted by id (then context) so the output does not depend on
    file-system order; source locations are kept as ``#:`` comments, as
    ``<ref_prefix>/<file>`` (a shop's folder names its own files). *header* is
    an empty catalog whose header to use (:func:`empty_template`).
    """
    root = Path(templates_dir)
    if not root.is_dir():
        raise MessagesError("no such templates folder", path=str(root))
    catalog = header if header is not None else empty_template()
    for filename, lineno, message, comments, context in _extracted(root):
        if isinstance(message, tuple) and not message[0]:
            continue
        if not message:
            continue
        existing = catalog.get(message[0] if isinstance(message, tuple) else message, context)
        if existing is not None and isinstance(message, tuple) != existing.pluralizable:
            raise MessagesError(
                f"{message!r} is used both as a plural and a singular message; give one a msgctxt",
                path=f"{ref_prefix}/{filename}",
                lineno=lineno,
            )
        # A comment's own line breaks are kept, so a line such as
        # "Optional: name" stays a line of its own in every catalog.
        lines = [line.strip() for comment in comments for line in comment.splitlines() if line.strip()]
        catalog.add(message, None, [(f"{ref_prefix}/{filename}", lineno)], auto_comments=lines,
                    context=context)
    return catalog


def _po_bytes(catalog: Catalog, *, template: bool) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, sort_output=True, include_previous=not template,
             omit_header=False, ignore_obsolete=template)
    data = buffer.getvalue()
    return data if template else _fix_previous_ids(data, catalog)


_PREVIOUS_BLOCK = re.compile(rb"(?:^#\|[^\n]*\n)+", re.MULTILINE)


def _fix_previous_ids(data: bytes, catalog: Catalog) -> bytes:
    """Rewrite the ``#|`` previous-msgid comments Babel writes.

    Babel wraps the already quoted, multi-line previous msgid as if it were
    prose (``#| msgid "" "Our return ...``), which GNU msgfmt and Babel's own
    reader reject. Each block is replaced by the GNU form, one quoted string
    per line, in the order Babel wrote them (its sorted message order).
    """
    owners = [m for m in sorted(catalog, key=lambda m: (m.id if isinstance(m.id, str) else m.id[0],
                                                      m.context or ""))
              if m.id and m.previous_id]
    blocks = list(_PREVIOUS_BLOCK.finditer(data))
    if len(blocks) != len(owners):  # unexpected layout: drop the hints rather than write junk
        return _PREVIOUS_BLOCK.sub(b"", data)
    out = bytearray()
    pos = 0
    for match, message in zip(blocks, owners, strict=True):
        out += data[pos:match.start()]
        previous = list(message.previous_id)
        lines = [f"#| msgid {_quoted(previous[0])}"]
        if len(previous) > 1:
            lines.append(f"#| msgid_plural {_quoted(previous[1])}")
        out += ("\n".join(lines) + "\n").encode(catalog.charset or "utf-8")
        pos = match.end()
    out += data[pos:]
    return bytes(out)


def _quoted(text: str) -> str:
    """A previous msgid in GNU's ``#|`` layout: continuation lines prefixed too."""
    return normalize(text, prefix="", width=76).replace("\n", "\n#| ")


_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process umask (read without changing it, where /proc allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _atomic_write(path: Path, data: bytes, validate: Callable[[bytes], None] | None = None) -> None:
    """Write *data* to a temp file next to *path*, fsync, validate, then rename.

    On any failure the old file is left byte-identical and no temp file stays.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp creates 0600; give the file the mode any other tool would
        # (0644 under umask 022), so an app running as another user can read it.
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if validate is not None:
            validate(Path(tmp).read_bytes())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_catalog(catalog: Catalog, path: str | Path, *, template: bool = False) -> bool:
    """Write *catalog* to *path* atomically; return ``False`` when nothing changed.

    "Changed" means the content changed (see :func:`same_content`): a re-run
    on unchanged input, with another Babel release or in another year, leaves
    the file byte-identical.
    """
    path = Path(path)
    data = _po_bytes(catalog, template=template)
    if path.exists() and same_content(path.read_bytes(), data):
        return False
    _atomic_write(path, data)
    return True


#: Header fields that tools rewrite on every run: not content.
TOOL_STAMPS = frozenset({"POT-Creation-Date", "PO-Revision-Date", "Generated-By", "X-Generator"})


def _content(data: bytes) -> object:
    """What a catalog says, without what tools stamp on it.

    Messages, contexts, plural ids, translations, flags, translator and
    extracted comments, source locations, previous msgids and obsolete entries
    count; the header comment (its copyright year), the fields in
    :data:`TOOL_STAMPS` and the line wrapping do not.
    """
    catalog = _with_previous_ids(read_po(io.BytesIO(data), abort_invalid=False))

    def entry(message: Message) -> tuple[object, ...]:
        return (message.context, message.id, message.string, tuple(sorted(message.flags)),
                tuple(message.auto_comments), tuple(message.user_comments),
                tuple(message.locations), message.previous_id)

    headers = tuple((name, value) for name, value in catalog.mime_headers if name not in TOOL_STAMPS)
    messages = sorted((entry(m) for m in catalog if m.id), key=repr)
    obsolete = sorted((entry(m) for m in catalog.obsolete.values()), key=repr)
    # Babel's reader keeps #| lines only on fuzzy entries: compare them as written.
    previous = sorted(line for line in data.splitlines() if line.startswith(b"#|"))
    return headers, messages, obsolete, previous


def same_content(old: bytes, new: bytes) -> bool:
    """Whether two .po/.pot files say the same thing (tool stamps aside).

    >>> a = b'msgid ""\\nmsgstr "Generated-By: Babel 2.18.0\\\\n"\\n\\nmsgid "Hi"\\nmsgstr ""\\n'
    >>> same_content(a, a.replace(b"2.18.0", b"2.19.0")), same_content(a, a.replace(b"Hi", b"Hey"))
    (True, False)
    """
    if old == new:
        return True
    try:
        return _content(old) == _content(new)
    except Exception:  # noqa: BLE001 - an unreadable old file is simply different
        return False


@dataclass(frozen=True)
class PotDiff:
    """How the committed ``messages.pot`` differs from the templates.

    ``added`` and ``removed`` are message labels (``context|msgid``);
    ``stale`` is true whenever the content would change, including when only
    source locations or translator comments moved, but not when only tool
    stamps (``Generated-By``, ``POT-Creation-Date``, the copyright year) would.
    """

    path: str
    exists: bool
    stale: bool
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def describe(self) -> str:
        """One paragraph for a human: what is out of date, and what to run."""
        if not self.stale:
            return f"{self.path} is up to date"
        if not self.exists:
            return f"{self.path} is missing; run `i18nmail extract`"
        lines = [f"{self.path} is out of date; run `i18nmail extract` and commit it"]
        lines += [f"  added:   {label!r}" for label in self.added]
        lines += [f"  removed: {label!r}" for label in self.removed]
        if not self.added and not self.removed:
            lines.append("  (source locations or translator comments changed)")
        return "\n".join(lines)


def diff_template(templates_dir: str | Path, catalogs_dir: str | Path) -> PotDiff:
    """Compare a fresh extraction of *templates_dir* with the committed template."""
    return diff_catalog(build_template_catalog(templates_dir), catalogs_dir)


def diff_catalog(catalog: Catalog, catalogs_dir: str | Path) -> PotDiff:
    """Compare a freshly built message template with the committed one."""
    target = pot_path(catalogs_dir)
    if not target.exists():
        return PotDiff(str(target), False, True, tuple(sorted(_label(m) for m in catalog if m.id)))
    old_bytes = target.read_bytes()
    stale = not same_content(old_bytes, _po_bytes(catalog, template=True))
    if not stale:
        return PotDiff(str(target), True, False)
    old = read_catalog(target)
    new_keys = {_key(m): _label(m) for m in catalog if m.id}
    old_keys = {_key(m): _label(m) for m in old if m.id}
    added = tuple(sorted(new_keys[k] for k in new_keys.keys() - old_keys.keys()))
    removed = tuple(sorted(old_keys[k] for k in old_keys.keys() - new_keys.keys()))
    return PotDiff(str(target), True, True, added, removed)


def extract(templates_dir: str | Path, catalogs_dir: str | Path, *, check: bool = False) -> bool:
    """Extract messages into ``catalogs_dir/messages.pot``; return ``True`` if it changed.

    With ``check=True`` nothing is written: the return value says whether the
    committed template is out of date (CI fails on ``True``; :func:`diff_template`
    says what changed).
    """
    if check:
        return diff_template(templates_dir, catalogs_dir).stale
    return write_catalog(build_template_catalog(templates_dir), pot_path(catalogs_dir), template=True)


def read_catalog(path: str | Path, locale: str | None = None) -> Catalog:
    """Read a .po/.pot file strictly: a syntax error is a :class:`MessagesError`.

    Previous msgids (``#| msgid ...``) of fuzzy entries are kept as
    ``previous_id``; Babel's reader would turn them into translator comments.
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return _with_previous_ids(read_po(fh, locale=locale, abort_invalid=True))
    except OSError as exc:
        raise MessagesError(exc.strerror or str(exc), path=str(path)) from None
    except Exception as exc:  # noqa: BLE001 - babel's PoFileError and decoding errors
        raise MessagesError(f"cannot parse: {exc}", path=str(path),
                            lineno=getattr(exc, "lineno", None)) from None


def _with_previous_ids(catalog: Catalog) -> Catalog:
    for message in catalog:
        previous = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
        if not previous:
            continue
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        fields: dict[str, str] = {}
        current = None
        for part in previous:
            keyword, _, rest = part.partition(" ")
            if keyword in ("msgctxt", "msgid", "msgid_plural"):
                current = keyword
                fields[keyword] = unescape(rest.strip())
            elif part.startswith('"') and current is not None:
                fields[current] += unescape(part)
        if message.fuzzy and "msgid" in fields:  # a reviewed entry drops its stale #| lines
            message.previous_id = [fields["msgid"], *(
                [fields["msgid_plural"]] if "msgid_plural" in fields else [])]
    return catalog


# --------------------------------------------------------------------------- update, init


@dataclass(frozen=True)
class UpdateResult:
    """What ``update`` did to one catalog (message labels are ``context|msgid``)."""

    locale: str
    path: str
    changed: bool
    added: tuple[str, ...] = ()
    fuzzy: tuple[str, ...] = ()
    obsolete: tuple[str, ...] = ()


def _template(catalogs_dir: str | Path) -> Catalog:
    path = pot_path(catalogs_dir)
    if not path.is_file():
        raise MessagesError("no message template; run `i18nmail extract` first", path=str(path))
    return read_catalog(path)


def update(catalogs_dir: str | Path, locales: Iterable[str] | None = None, *,
           fuzzy_matching: bool = True,
           template_for: Callable[[str, Catalog], Catalog] | None = None) -> list[UpdateResult]:
    """Merge ``messages.pot`` into the catalog of each locale (all by default).

    Babel's merge with fuzzy matching: a changed source sentence keeps its old
    translation marked ``#, fuzzy`` with the previous msgid (``#|``) for the
    translator; messages gone from the template become obsolete (``#~``);
    translator comments are kept. A catalog is rewritten only if its content
    changed. Every catalog is read before any is written, so a broken one
    stops the run with nothing changed. *template_for(locale, catalog)*, when
    given, builds the template to merge for one catalog (a shop's layers add
    the built-in messages that catalog still uses, see :mod:`i18nmail.layers`).
    """
    _template(catalogs_dir)  # fail early, before reading the catalogs
    chosen = _selected(catalogs_dir, locales)
    loaded = [(loc, path, read_catalog(path, locale=loc)) for loc, path in chosen]
    results = []
    for loc, path, catalog in loaded:
        # Fresh per catalog: Babel's merge shares messages.
        template = template_for(loc, catalog) if template_for else _template(catalogs_dir)
        before = {_key(m) for m in catalog if m.id}
        fuzzy_before = {_key(m) for m in catalog if m.id and m.fuzzy}
        obsolete_before = {_key(m) for m in catalog.obsolete.values()}
        previous = {_key(m): m.previous_id for m in catalog if m.id and m.fuzzy and m.previous_id}
        catalog.update(template, no_fuzzy_matching=not fuzzy_matching, update_creation_date=True)
        messages = [m for m in catalog if m.id]
        for message in messages:
            # Babel drops the #| msgid of a still-fuzzy entry on the next merge;
            # msgmerge keeps it until the translator clears the fuzzy flag.
            if message.fuzzy and not message.previous_id and _key(message) in previous:
                message.previous_id = previous[_key(message)]
        added = sorted(_label(m) for m in messages
                       if _key(m) not in before and not m.fuzzy)
        fuzzy = sorted(_label(m) for m in messages if m.fuzzy and _key(m) not in fuzzy_before)
        obsolete = sorted(_label(m) for m in catalog.obsolete.values()
                          if _key(m) not in obsolete_before)
        changed = write_catalog(catalog, path)
        results.append(UpdateResult(loc, str(path), changed, tuple(added), tuple(fuzzy),
                                    tuple(obsolete)))
    return results


def init(catalogs_dir: str | Path, locale: str, *, template: Catalog | None = None,
         prefill: Callable[[bytes], bytes] | None = None) -> Path:
    """Start the catalog of a new language from ``messages.pot``; return its path.

    The header gets the language's CLDR ``Plural-Forms`` from Babel (the header
    comment says so) and is not marked fuzzy. An unknown or malformed locale is a
    :class:`LocaleError`; an existing catalog is never overwritten
    (:class:`MessagesError`). *template* replaces ``messages.pot``; *prefill*
    may rewrite the new file's bytes before they are written (a shop's layers
    fill in built-in translations).
    """
    ident = catalog_id(locale)
    path = po_path(catalogs_dir, ident)
    if path.exists():
        raise MessagesError(f"a catalog for {ident} exists already; use `i18nmail update`",
                            path=str(path))
    if template is None:
        template = _template(catalogs_dir)
    # A fresh catalog for the locale, not the template with a new locale: Babel
    # fixes nplurals when it parses, and the template was parsed without one.
    catalog = Catalog(
        locale=Locale.parse(ident), domain=DOMAIN, header_comment=template.header_comment,
        project=template.project, version=template.version,
        copyright_holder=template.copyright_holder, msgid_bugs_address=template.msgid_bugs_address,
        creation_date=template.creation_date,
        revision_date=datetime.now(UTC).replace(second=0, microsecond=0),
        charset="utf-8", fuzzy=False,
    )
    catalog.header_comment = _with_plural_note(catalog.header_comment, ident, catalog.num_plurals)
    catalog.update(template, no_fuzzy_matching=True)
    data = _po_bytes(catalog, template=False)
    _atomic_write(path, prefill(data) if prefill is not None else data)
    return path


def _with_plural_note(comment: str, ident: str, nplurals: int) -> str:
    """The header comment of a new catalog, saying where its ``Plural-Forms`` comes from."""
    import babel

    note = (f"# Plural-Forms is CLDR's rule for {ident} ({nplurals} form{'s' if nplurals != 1 else ''}),\n"
            f"# from the plural table of Babel {babel.__version__}. GNU gettext's traditional\n"
            "# rule for the language passes `i18nmail check` as well.")
    lines = comment.rstrip("\n").split("\n")
    if lines and lines[-1].strip() == "#":
        return "\n".join([*lines[:-1], note, lines[-1]])
    return "\n".join([*lines, note])


# --------------------------------------------------------------------------- compile


@dataclass(frozen=True)
class CompileResult:
    """The outcome of compiling one catalog.

    ``ok`` is false when the catalog was refused or could not be written; then
    ``problems`` says why (``path:line: code: message`` lines) and the old
    ``.mo``, if any, is byte-identical.
    """

    locale: str
    po: str
    mo: str
    ok: bool
    messages: int = 0
    problems: tuple[str, ...] = ()


def _blocking_problems(path: Path) -> tuple[Any, list[str]]:
    """The strict reading of *path* and the errors that refuse it (not untranslated/fuzzy entries)."""
    from .checks import run_checks
    from .checks_policy import CheckOptions
    from .pofile import read_catalog as read_strict

    po = read_strict(path)
    # An i18nmail catalog: every message is a %-format that may hold HTML.
    options = CheckOptions(markup="html", unflagged_format="python-format", require_complete=True)
    return po, [f.to_text() for f in run_checks(po, options=options)
                if f.severity == "error" and f.code not in _INCOMPLETE]


def _validate_mo(path: Path, locale: str, count: int) -> Callable[[bytes], None]:
    from .catalogs import load_mo

    def validate(data: bytes) -> None:
        try:
            translations = gettext.GNUTranslations(io.BytesIO(data))
        except Exception as exc:  # noqa: BLE001 - the exception zoo of item 6
            raise CatalogError(path, f"the compiled file does not load: {exc}") from None
        if translations.info().get("content-type", "").lower().find("charset=utf-8") < 0:
            raise CatalogError(path, "the compiled file does not declare charset=UTF-8")
        loaded = load_mo(data, str(path), locale)
        if len(loaded.messages) != count:
            raise CatalogError(path, f"the compiled file holds {len(loaded.messages)} "
                               f"messages, expected {count}")

    return validate


def compile(catalogs_dir: str | Path, locales: Iterable[str] | None = None) -> list[CompileResult]:
    """Compile each locale's ``messages.po`` to ``messages.mo`` next to it.

    A catalog with a syntax error, a fuzzy or missing header, or any error
    finding of :mod:`i18nmail.checks` other than untranslated or fuzzy entries
    is refused. Fuzzy entries and incomplete plurals are left out of the
    ``.mo``. Each file is written to a temp file, loaded back with
    :mod:`gettext` and :mod:`i18nmail.catalogs`, then renamed over the old one;
    a refusal or a failed write leaves the old ``.mo`` byte-identical and the
    other locales are still compiled.
    """
    results = []
    for loc, path in _selected(catalogs_dir, locales):
        mo = path.with_suffix(".mo")
        po, problems = _blocking_problems(path)
        if problems:
            results.append(CompileResult(loc, str(path), str(mo), False, 0, tuple(problems)))
            continue
        try:
            if po.header is None or po.header.fuzzy:  # belt and braces: checks reports both
                raise MessagesError("the header is missing or marked fuzzy", path=str(path))
            data, count = _mo_bytes(po)  # from the same strict reading: no second parse
            _atomic_write(mo, data, _validate_mo(mo, loc, count))
        except (MessagesError, CatalogError) as exc:
            results.append(CompileResult(loc, str(path), str(mo), False, 0, (str(exc),)))
            continue
        except OSError as exc:
            name = _errno.errorcode.get(exc.errno or 0, "")
            reason = f"cannot write {mo}: {exc.strerror or exc}" + (f" ({name})" if name else "")
            results.append(CompileResult(loc, str(path), str(mo), False, 0, (reason,)))
            continue
        results.append(CompileResult(loc, str(path), str(mo), True, count))
    return results


# --------------------------------------------------------------------------- stats


@dataclass(frozen=True)
class LocaleStats:
    """How complete one locale's catalog is (``error`` when it cannot be read)."""

    locale: str
    path: str
    total: int = 0
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    error: str | None = None

    @property
    def percent(self) -> float:
        """Translated share in percent, one decimal."""
        return round(100.0 * self.translated / self.total, 1) if self.total else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: every field plus ``percent``."""
        return {**asdict(self), "percent": self.percent}


def _translated_keys(catalog: Catalog) -> set[tuple[str | None, str]]:
    keys = set()
    for message in catalog:
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        if message.id and not message.fuzzy and all(strings):
            keys.add(_key(message))
    return keys


def stats(catalogs_dir: str | Path, locales: Iterable[str] | None = None, *,
          lower_layers: Sequence[str | Path] = ()) -> list[LocaleStats]:
    """Count translated, fuzzy and untranslated messages per locale, sorted by locale.

    A plural message counts as translated only when every form has text. A
    message that a catalog of the same locale in *lower_layers* (a shop's
    built-in catalogs) translates counts as translated: the email uses it.
    """
    rows = []
    for loc, path in _selected(catalogs_dir, locales):
        try:
            catalog = read_catalog(path, locale=loc)
        except MessagesError as exc:
            rows.append(LocaleStats(loc, str(path), error=str(exc)))
            continue
        below: set[tuple[str | None, str]] = set()
        for layer in lower_layers:
            lower = po_path(layer, loc)
            if lower.is_file():
                try:
                    below |= _translated_keys(read_catalog(lower, locale=loc))
                except MessagesError:
                    pass  # a broken lower layer translates nothing
        total = translated = fuzzy = 0
        for message in catalog:
            if not message.id:
                continue
            total += 1
            strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
            if _key(message) in below:
                translated += 1
            elif message.fuzzy:
                fuzzy += 1
            elif all(strings):
                translated += 1
        rows.append(LocaleStats(loc, str(path), total, translated, fuzzy,
                                total - translated - fuzzy, len(catalog.obsolete)))
    return rows


def format_stats(rows: Sequence[LocaleStats]) -> str:
    """A plain-text table of :func:`stats` rows.

    >>> print(format_stats([LocaleStats("sv", "sv.po", 10, 9, 1, 0)]), end="")
    locale  translated  fuzzy  untranslated  total  percent
    sv               9      1             0     10    90.0%
    """
    head = ("locale", "translated", "fuzzy", "untranslated", "total", "percent")
    body = [(r.locale, "-", "-", "-", "-", "error") if r.error else
            (r.locale, str(r.translated), str(r.fuzzy), str(r.untranslated), str(r.total),
             f"{r.percent:.1f}%") for r in rows]
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
             for row in [head, *body]]
    return "\n".join(line.rstrip() for line in lines) + "\n"
