"""Catalogs at run time: loading, guarding and per-message fallback.

Authoring (extract, update, compile) lives in :mod:`i18nmail.messages`; this
module only reads. A :class:`CatalogSet` knows a stack of catalog folders (a
shop's own first, the built-in ones last) and hands out a :class:`Translator`
per negotiated locale. Catalogs are loaded once per locale and cached; with
``auto_reload`` a changed file is picked up on the next render (the preview
server uses that), and a file that fails to load leaves the last good version
in service.

Every translation is checked before it is used, once per message and catalog:
its ``%(name)s`` placeholders must be exactly the source's, it must be a valid
%-format, carry no HTML the source does not have, and contain no bidi
overrides. A message that fails falls back to the next catalog in the chain,
then to the English source, and the fallback is recorded. Values are substituted by :func:`substitute`, never by
``%`` or ``str.format``.

>>> substitute("Hej %(name)s, 100%% klart", {"name": "Åsa"})
'Hej Åsa, 100% klart'
"""

from __future__ import annotations

import errno
import gettext
import io
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .exceptions import CatalogError
from .markup import markup_problem
from .negotiation import Fallback
from .plurals import MAX_PLURAL_EXPR, compile_plural
from .pofile import (
    MAX_CATALOG_BYTES,
    REFUSING_CODES,
    duplicate_findings,
    parse_catalog,
    read_bytes_bounded,
)

__all__ = [
    "MAX_PLURAL_EXPR",
    "CatalogSet",
    "LoadedCatalog",
    "Translator",
    "compile_plural",
    "placeholders",
    "read_catalog_file",
    "substitute",
]

DOMAIN = "messages"
#: At most this many messages in one catalog.
MAX_MESSAGES = 100_000

_ID_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|\d{3}))?$")
_FORMAT_RE = re.compile(r"%(?:\((?P<name>[A-Za-z_][A-Za-z0-9_]*)\)s|(?P<pct>%))")
#: Bidi embeddings, overrides and isolates, invisible characters, line
#: separators and C0/C1 controls; a translation may only carry those its source
#: has. The marks (LRM, RLM, ALM) are allowed, as ``check`` allows them: they
#: cannot reorder text around them, and the subject and text part drop them.
_FORBIDDEN_CHARS = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2028\u2029\ufeff"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
#: A ``str.format`` field with an attribute, index, conversion or format spec:
#: ``{name.__class__}``, ``{0[0]}``, ``{x!r}``, ``{x:>99999}``.
_BRACE_FIELD_RE = re.compile(r"\{[^{}\s]*[.\[!:][^{}]*\}")

Key = tuple[str | None, str]


def placeholders(text: str) -> frozenset[str] | None:
    """Return the named ``%(x)s`` placeholders of *text*, or ``None`` if it is
    not a valid format (a stray ``%``, ``%(x)`` without type, ``%s``...).

    >>> sorted(placeholders("%(a)s and %(b)s, 5%%"))
    ['a', 'b']
    >>> placeholders("10 % sur") is None, placeholders("100%") is None
    (True, True)
    """
    if "%" in _FORMAT_RE.sub("", text):
        return None
    names = {m.group("name") for m in _FORMAT_RE.finditer(text) if m.group("name")}
    return frozenset(names)


def substitute(template: str, values: Mapping[str, object], escape: Callable[[object], str] = str) -> str:
    """Replace ``%(name)s`` with ``escape(values[name])`` and ``%%`` with ``%``.

    The template has been checked with :func:`placeholders`; a name missing
    from *values* raises ``KeyError``.
    """

    def repl(match: re.Match[str]) -> str:
        name = match.group("name")
        if name is None:
            return "%"
        return escape(values[name])

    return _FORMAT_RE.sub(repl, template)


def check_translation(source: str, translation: str, *, allowed_extra: Iterable[str] = ()) -> str | None:
    """Return why *translation* may not stand in for *source*, or ``None``.

    >>> check_translation("Hi %(name)s", "Hej %(namn)s")
    "placeholders differ: missing ['name'], unknown ['namn']"
    >>> check_translation("Read <b>this</b>", "Läs <script>x</script>")
    'HTML tags differ from the source'
    >>> check_translation("Hi %(name)s,", "Hej <a %(name)s!")
    "a '<' that does not open one of the source's tags (an unterminated tag?)"
    """
    src = placeholders(source)
    got = placeholders(translation)
    if got is None:
        return "not a valid %-format (stray '%'?)"
    if src is not None and got != src:
        extra_ok = set(allowed_extra)
        missing = sorted(src - got - extra_ok)
        unknown = sorted(got - src)
        if missing or unknown:
            return f"placeholders differ: missing {missing}, unknown {unknown}"
    problem = markup_problem(source, translation)
    if problem is not None:
        return problem
    fields = set(_BRACE_FIELD_RE.findall(translation)) - set(_BRACE_FIELD_RE.findall(source))
    if fields:
        return f"format fields the source does not have: {min(fields)[:40]!r}"
    bad = set(_FORBIDDEN_CHARS.findall(translation)) - set(_FORBIDDEN_CHARS.findall(source))
    if bad:
        return f"invisible or bidi control characters {sorted(f'U+{ord(c):04X}' for c in bad)}"
    return None


@dataclass
class LoadedCatalog:
    """One catalog file read into memory: messages, plural rule and identity."""

    path: str
    locale: str
    messages: dict[Key, str | tuple[str, ...]]
    nplurals: int
    plural: Callable[[int], int]
    stamp: tuple[int, int]
    #: Placeholders a translation may leave out, per message: the source's
    #: ``Optional: name, ...`` line in the translator comment (``#.``).
    optional: dict[Key, frozenset[str]] = field(default_factory=dict)
    _verdicts: dict[tuple[Key, int], str | None] = field(default_factory=dict, repr=False)

    def verdict(self, key: Key, index: int, source: str, allowed_extra: Iterable[str] = ()) -> str | None:
        """Cached :func:`check_translation` for one form of one message."""
        cache_key = (key, index)
        try:
            return self._verdicts[cache_key]
        except KeyError:
            pass
        value = self.messages[key]
        text = value[index] if isinstance(value, tuple) else value
        allowed = set(allowed_extra) | self.optional.get(key, frozenset())
        result = check_translation(source, text, allowed_extra=allowed)
        self._verdicts[cache_key] = result
        return result


def _plural_function(expr: str, nplurals: int, path: str) -> Callable[[int], int]:
    expr = expr.strip().rstrip(";")
    try:
        func = compile_plural(expr)
        for n in range(201):
            value = func(n)
            if not 0 <= value < nplurals:
                raise CatalogError(path, f"Plural-Forms gives form {value} for n={n}, but nplurals={nplurals}")
    except (ValueError, ZeroDivisionError, OverflowError) as exc:
        raise CatalogError(path, f"invalid Plural-Forms expression: {exc}") from None
    return func


_PLURAL_HEADER_RE = re.compile(r"nplurals\s*=\s*(\d{1,9})\s*;\s*plural\s*=\s*(.+)$", re.DOTALL)


def _parse_plural_header(header: str, path: str) -> tuple[int, Callable[[int], int]]:
    if not header:
        return 2, lambda n: int(n != 1)
    match = _PLURAL_HEADER_RE.search(header.strip())
    if match is None:
        raise CatalogError(path, f"malformed Plural-Forms header {header[:80]!r}")
    nplurals = int(match.group(1))
    if not 1 <= nplurals <= 6:
        raise CatalogError(path, f"nplurals={nplurals} is out of range 1..6")
    return nplurals, _plural_function(match.group(2), nplurals, path)


#: Reader findings for which the run time refuses a ``.po`` file as a whole, as
#: ``i18nmail compile`` does: the grammar, the bytes, the charset, duplicates
#: (:data:`i18nmail.pofile.REFUSING_CODES`), a bad escape (the reader leaves
#: that entry out, which would otherwise go unrecorded), and a missing header
#: (no charset, no plural rule). A header marked fuzzy is not refused here: a
#: translator previewing a fresh catalog sees their sentences (``compile`` and
#: ``check`` still refuse it).
RUNTIME_REFUSING_CODES = REFUSING_CODES | {"escape", "header-missing", "too-long"}


def load_po(data: bytes, path: str, locale: str, stamp: tuple[int, int] = (0, 0)) -> LoadedCatalog:
    """Parse the bytes of a ``.po`` file with the strict reader ``i18nmail check`` uses.

    A catalog with a syntax error, bytes not in its charset, a charset mismatch,
    duplicate entries, a bad escape or no header entry is refused as a
    whole with a :class:`CatalogError` naming the first problem's line; the
    caller falls back to the next catalog and records it. Fuzzy and obsolete
    entries and empty translations are left out. Translations with a carriage
    return are checked again per message (:func:`check_translation`).
    """
    po = parse_catalog(data, path, locale=locale if _ID_RE.match(locale) else None)
    refusal = [f for f in po.findings if f.severity == "error" and f.code in RUNTIME_REFUSING_CODES]
    refusal += duplicate_findings(po)
    if po.header is None:
        refusal.append(po.problem(1, "header-missing", 'no header entry (msgid "")'))
    if refusal:
        first = min(refusal, key=lambda f: f.line)
        more = f" (and {len(refusal) - 1} more problems)" if len(refusal) > 1 else ""
        raise CatalogError(path, f"{first.code} error: {first.message}{more}", lineno=first.line or None)
    plural_header = po.headers.get("plural-forms", "")
    if not plural_header and any(entry.msgid_plural is not None for entry in po.entries):
        raise CatalogError(path, "Plural-Forms missing from the header, but the catalog has plural entries",
                           lineno=po.header.line if po.header else None)
    nplurals, plural = _parse_plural_header(plural_header, path)
    messages: dict[Key, str | tuple[str, ...]] = {}
    optional: dict[Key, frozenset[str]] = {}
    for entry in po.entries:
        if not entry.msgid or entry.fuzzy:
            continue
        if len(messages) >= MAX_MESSAGES:
            raise CatalogError(path, f"more than {MAX_MESSAGES} messages")
        key = (entry.msgctxt, entry.msgid)
        names = optional_placeholders(entry.auto_comments)
        if names:
            optional[key] = names
        if entry.msgid_plural is not None:
            forms = tuple(entry.msgstr.get(i, "") for i in range(max(entry.msgstr) + 1)) if entry.msgstr else ()
            if forms and all(forms):
                messages[key] = forms
        elif entry.msgstr.get(0):
            messages[key] = entry.msgstr[0]
    return LoadedCatalog(path, locale, messages, nplurals, plural, stamp, optional)


#: The same convention ``i18nmail check`` reads (checks_format.optional_placeholders).
_OPTIONAL_RE = re.compile(r"\boptional\s*:\s*([\w\s,%(){}]*)", re.IGNORECASE)


def optional_placeholders(comments: Iterable[str]) -> frozenset[str]:
    """The placeholders a translator comment declares optional (``Optional: name, given``).

    >>> sorted(optional_placeholders(["Translators: Opening line. Optional: name"]))
    ['name']
    """
    names: set[str] = set()
    # A long comment is wrapped over several #. lines: read them as one text.
    for match in _OPTIONAL_RE.finditer(" ".join(comments)):
        for word in re.split(r"[,\s]+", match.group(1)):
            name = word.strip("%(){}")
            if name.endswith((")s", ")d")):
                name = name[:-2]
            if name and name.isidentifier():
                names.add(name)
    return frozenset(names)


def load_mo(data: bytes, path: str, locale: str, stamp: tuple[int, int] = (0, 0)) -> LoadedCatalog:
    """Parse the bytes of a ``.mo`` file; any problem is a :class:`CatalogError`.

    Python's ``gettext`` raises a zoo of exception types on damaged files; all of them become one ``CatalogError``.
    """
    try:
        trans = gettext.GNUTranslations(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - the zoo: struct.error, OSError, ...
        raise CatalogError(path, f"damaged .mo file ({type(exc).__name__}: {exc})") from None
    raw: dict[object, str] = trans._catalog  # type: ignore[attr-defined]
    if len(raw) > MAX_MESSAGES * 6:
        raise CatalogError(path, f"more than {MAX_MESSAGES} messages")
    plural_header = trans.info().get("plural-forms", "")
    nplurals, plural = _parse_plural_header(plural_header, path)
    singles: dict[Key, str] = {}
    plurals: dict[Key, dict[int, str]] = {}
    for key, value in raw.items():
        if key == "" or not value:
            continue
        if isinstance(key, tuple):
            msgid, index = key
            ctx, _, ident = str(msgid).rpartition("\x04")
            plurals.setdefault((ctx or None, ident), {})[int(index)] = value
        else:
            ctx, _, ident = str(key).rpartition("\x04")
            singles[(ctx or None, ident)] = value
    messages: dict[Key, str | tuple[str, ...]] = dict(singles)
    for key, forms in plurals.items():
        values = tuple(forms.get(i, "") for i in range(max(forms) + 1))
        if all(values):
            messages[key] = values
    return LoadedCatalog(path, locale, messages, nplurals, plural, stamp)


def read_catalog_file(path: str | os.PathLike[str], limit: int = MAX_CATALOG_BYTES) -> bytes:
    """The bytes of the catalog file *path*, or a :class:`CatalogError`.

    Only a regular file is read, at most *limit* + 1 bytes whatever size it
    claims (a FIFO would block, ``/dev/zero`` never ends: fuzzing D6); see
    :func:`i18nmail.pofile.read_bytes_bounded`, which ``check`` uses too.
    """
    try:
        return read_bytes_bounded(path, limit)
    except OSError as exc:
        raise CatalogError(path, f"cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise CatalogError(path, str(exc)) from None


def _stat(path: Path) -> tuple[os.stat_result | None, CatalogError | None]:
    """``stat()`` of a catalog file: ``(None, None)`` when there is none, an error
    when a name is there but cannot be followed (a symlink loop or a dangling link)."""
    try:
        return path.stat(), None
    except OSError as exc:
        if path.is_symlink() or exc.errno not in (errno.ENOENT, errno.ENOTDIR):
            return None, CatalogError(path, f"cannot read: {exc.strerror or exc}")
        return None, None


class CatalogSet:
    """A stack of catalog folders; the first folder wins message by message.

    ``CatalogSet([shop_dir, builtin_dir])`` lets a shop override single
    sentences. Locale ids come from folder names matched against a strict
    pattern, so a locale string from a customer never becomes a path.
    """

    def __init__(
        self,
        roots: Sequence[str | os.PathLike[str]],
        *,
        auto_reload: bool = False,
        virtual: Mapping[str, Callable[[], LoadedCatalog]] | None = None,
    ) -> None:
        self.roots = tuple(Path(r) for r in roots)
        self.auto_reload = auto_reload
        #: Catalogs built in memory (the pseudo-locale), by catalog id.
        self.virtual = dict(virtual or {})
        self._virtual_loaded: dict[str, LoadedCatalog] = {}
        self._lock = threading.Lock()
        self._loaded: dict[Path, LoadedCatalog] = {}
        self._errors: dict[Path, CatalogError] = {}
        self._settled: set[Path] = set()
        self._available: frozenset[str] | None = None

    def available(self) -> frozenset[str]:
        """Catalog ids with a ``messages.po`` or ``.mo`` in any root."""
        if self._available is None or self.auto_reload:
            found: set[str] = set()
            for root in self.roots:
                if not root.is_dir():
                    continue
                for child in root.iterdir():
                    if _ID_RE.match(child.name) and any(
                        (child / "LC_MESSAGES" / f"{DOMAIN}{ext}").is_file() for ext in (".po", ".mo")
                    ):
                        found.add(child.name)
            self._available = frozenset(found | set(self.virtual))
        return self._available

    def _files(self, locale: str) -> list[Path]:
        if not _ID_RE.match(locale):
            raise ValueError(f"not a catalog id: {locale!r}")
        return [root / locale / "LC_MESSAGES" for root in self.roots]

    def _load(self, folder: Path, locale: str) -> tuple[LoadedCatalog | None, CatalogError | None]:
        if not self.auto_reload and folder in self._settled:
            # Without auto-reload a folder is read once: no stat() per render,
            # and a broken or absent catalog is not parsed again for every email.
            return self._loaded.get(folder), self._errors.get(folder)
        self._settled.add(folder)
        po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
        po_stat, po_error = _stat(po)
        mo_stat, mo_error = _stat(mo)
        if po_stat is None and mo_stat is None:
            error = po_error or mo_error
            if error is not None:  # there, but unreadable: a symlink loop, a dangling link
                self._errors[folder] = error
                self._loaded.pop(folder, None)
            else:
                self._errors.pop(folder, None)
            return None, error
        use_mo = mo_stat is not None and (po_stat is None or mo_stat.st_mtime_ns >= po_stat.st_mtime_ns)
        path, st = (mo, mo_stat) if use_mo else (po, po_stat)
        assert st is not None
        stamp = (st.st_mtime_ns, st.st_size)
        cached = self._loaded.get(folder)
        if cached is not None and (not self.auto_reload or (cached.path == str(path) and cached.stamp == stamp)):
            return cached, self._errors.get(folder)
        try:
            catalog = self._read(path, st, locale, stamp, use_mo)
        except CatalogError as exc:
            if use_mo and po_stat is not None:
                # A .mo this process cannot read (written by another user with
                # mode 0600, or damaged) must not drop the whole layer: the .po
                # beside it is the same catalog. Recorded, never silent; a
                # strict Mailer refuses the render.
                try:
                    catalog = self._read(po, po_stat, locale, (po_stat.st_mtime_ns, po_stat.st_size), False)
                except CatalogError:
                    self._errors[folder] = exc
                    return cached, exc
                error = CatalogError(path, f"{exc.reason}; used {po.name} beside it", lineno=exc.lineno)
                self._loaded[folder] = catalog
                self._errors[folder] = error
                return catalog, error
            self._errors[folder] = exc
            return cached, exc  # the last good version stays in service
        self._loaded[folder] = catalog
        self._errors.pop(folder, None)
        return catalog, None

    @staticmethod
    def _read(path: Path, st: os.stat_result, locale: str, stamp: tuple[int, int], is_mo: bool) -> LoadedCatalog:
        """Read and parse one catalog file (a regular file only, bounded by the bytes
        actually read); every failure is a :class:`CatalogError`."""
        data = read_catalog_file(path)
        loader = load_mo if is_mo else load_po
        return loader(data, str(path), locale, stamp)

    def chain(self, locales: Sequence[str]) -> tuple[list[LoadedCatalog], list[Fallback]]:
        """Load the catalogs for *locales* (most specific first) in overlay order."""
        catalogs: list[LoadedCatalog] = []
        problems: list[Fallback] = []
        with self._lock:
            for locale in locales:
                for folder in self._files(locale):
                    catalog, error = self._load(folder, locale)
                    if error is not None:
                        problems.append(Fallback(kind="catalog", detail=str(error), locale=locale))
                    if catalog is not None:
                        catalogs.append(catalog)
                if locale in self.virtual:
                    try:
                        built = self._virtual_loaded.get(locale)
                        if built is None or self.auto_reload:
                            built = self.virtual[locale]()
                            self._virtual_loaded[locale] = built
                        catalogs.append(built)
                    except CatalogError as exc:
                        problems.append(Fallback(kind="catalog", detail=str(exc), locale=locale))
        return catalogs, problems

    def errors(self) -> list[CatalogError]:
        """Load problems seen so far (the preview shows them)."""
        return list(self._errors.values())


@dataclass
class Lookup:
    """The text to use for one message, and where it came from."""

    text: str
    locale: str | None  # None: the English source
    problems: list[str]


class Translator:
    """The catalogs of one negotiated locale, consulted message by message."""

    def __init__(self, catalogs: Sequence[LoadedCatalog], primary: str | None) -> None:
        self.catalogs = tuple(catalogs)
        self.primary = primary

    def gettext(self, context: str | None, msgid: str) -> Lookup:
        problems: list[str] = []
        for catalog in self.catalogs:
            key = (context, msgid)
            value = catalog.messages.get(key)
            if value is None or isinstance(value, tuple):
                continue
            reason = catalog.verdict(key, 0, msgid)
            if reason is None:
                return Lookup(value, catalog.locale, problems)
            problems.append(f"{catalog.path}: {reason}")
        return Lookup(msgid, None, problems)

    def ngettext(self, context: str | None, singular: str, plural: str, n: int, count_name: str) -> Lookup:
        problems: list[str] = []
        for catalog in self.catalogs:
            key = (context, singular)
            value = catalog.messages.get(key)
            if not isinstance(value, tuple):
                continue
            if len(value) != catalog.nplurals:
                problems.append(f"{catalog.path}: has {len(value)} plural forms, Plural-Forms says {catalog.nplurals}")
                continue
            # The rule was tried for n = 0..200 at load time; a larger n may still
            # divide by zero or pick a form that does not exist (fuzzing D7):
            # that message falls back, the email is still sent.
            try:
                index = catalog.plural(n)
            except (ArithmeticError, ValueError, TypeError, IndexError, RecursionError) as exc:
                problems.append(f"{catalog.path}: Plural-Forms fails for n={n} ({type(exc).__name__}: {exc})")
                continue
            if not isinstance(index, int) or not 0 <= index < len(value):
                problems.append(f"{catalog.path}: Plural-Forms gives form {index} for n={n}, "
                                f"but there are {len(value)} forms")
                continue
            # A form may leave out the count itself ("one item" / "ett paket").
            reason = catalog.verdict(key, index, plural, allowed_extra=(count_name,))
            if reason is None:
                return Lookup(value[index], catalog.locale, problems)
            problems.append(f"{catalog.path}: {reason}")
        return Lookup(singular if n == 1 else plural, None, problems)
