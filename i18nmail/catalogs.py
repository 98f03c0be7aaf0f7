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
then to the English source, and the fallback is recorded (RELIABILITY.md
items 2, 3, 9-13, 15). Values are substituted by :func:`substitute`, never by
``%`` or ``str.format``.

>>> substitute("Hej %(name)s, 100%% klart", {"name": "Åsa"})
'Hej Åsa, 100% klart'
"""

from __future__ import annotations

import gettext
import io
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

from .exceptions import CatalogError
from .negotiation import Fallback
from .plurals import MAX_PLURAL_EXPR, compile_plural

__all__ = [
    "MAX_PLURAL_EXPR",
    "CatalogSet",
    "LoadedCatalog",
    "Translator",
    "compile_plural",
    "placeholders",
    "substitute",
]

DOMAIN = "messages"
#: Catalog files larger than this are refused (RELIABILITY.md B22).
MAX_CATALOG_BYTES = 20 * 1024 * 1024
#: At most this many messages in one catalog.
MAX_MESSAGES = 100_000

_ID_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|\d{3}))?$")
_FORMAT_RE = re.compile(r"%(?:\((?P<name>[A-Za-z_][A-Za-z0-9_]*)\)s|(?P<pct>%))")
_TAG_RE = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9]*)([^<>]*)>")
_FORBIDDEN_CHARS = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200d\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

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


def _tags(text: str) -> list[str]:
    return sorted(f"{m.group(1)}{m.group(2).lower()}{' '.join(m.group(3).split())}" for m in _TAG_RE.finditer(text))


def check_translation(source: str, translation: str, *, allowed_extra: Iterable[str] = ()) -> str | None:
    """Return why *translation* may not stand in for *source*, or ``None``.

    >>> check_translation("Hi %(name)s", "Hej %(namn)s")
    "placeholders differ: missing ['name'], unknown ['namn']"
    >>> check_translation("Read <b>this</b>", "Läs <script>x</script>")
    'HTML tags differ from the source'
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
    if ("<" in translation or "<" in source) and _tags(translation) != _tags(source):
        return "HTML tags differ from the source"
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
        result = check_translation(source, text, allowed_extra=allowed_extra)
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


_RAW_HEADER_RE = re.compile(rb'^msgid ""[ \t]*\r?\nmsgstr ""[ \t]*\r?\n((?:[ \t]*".*"[ \t]*\r?\n)+)', re.MULTILINE)


def _raw_plural_forms(data: bytes) -> str | None:
    """The ``Plural-Forms`` value exactly as the header of a .po file writes it
    (joined across continuation lines), or ``None`` when there is none."""
    match = _RAW_HEADER_RE.search(data[:20_000])
    if match is None:
        return None
    joined = "".join(
        line.strip()[1:-1] for line in match.group(1).decode("ascii", "replace").splitlines()
    ).replace("\\n", "\n")
    for line in joined.split("\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "plural-forms":
            return value.strip()
    return None

_PLURAL_HEADER_RE = re.compile(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+)$", re.DOTALL)


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


def load_po(data: bytes, path: str, locale: str, stamp: tuple[int, int] = (0, 0)) -> LoadedCatalog:
    """Parse the bytes of a ``.po`` file; any problem is a :class:`CatalogError`.

    Fuzzy and obsolete entries and empty translations are left out.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CatalogError(path, "UTF-16 catalogs are not supported; save it as UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 byte-order mark is stripped (documented)
    if re.search(rb"charset\s*=\s*CHARSET\b", data[:4096]):
        raise CatalogError(path, "charset not set: the header says charset=CHARSET; declare UTF-8")
    try:
        catalog = read_po(io.BytesIO(data), locale=None, abort_invalid=True, charset=None)
    except PoFileError as exc:
        lineno = getattr(exc, "lineno", None)
        lineno = lineno + 1 if isinstance(lineno, int) else None  # Babel counts from 0
        raise CatalogError(path, f"syntax error: {exc}", lineno=lineno) from None
    except (UnicodeDecodeError, LookupError) as exc:
        raise CatalogError(path, f"cannot decode: {exc}") from None
    except (ValueError, TypeError, IndexError) as exc:
        raise CatalogError(path, f"cannot parse: {exc}") from None
    # Babel parses the header's Plural-Forms into these two attributes (and
    # leaves them None without one); its public ``mime_headers`` would instead
    # regenerate a rule from the locale, which a catalog read without a locale
    # does not have.
    raw = _raw_plural_forms(data)
    if raw is not None:
        header = raw
    else:
        raw_n = getattr(catalog, "_num_plurals", None)
        raw_expr = getattr(catalog, "_plural_expr", None)
        header = f"nplurals={raw_n}; plural={raw_expr}" if raw_n is not None else ""
    nplurals, plural = _parse_plural_header(header, path)
    messages: dict[Key, str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if len(messages) >= MAX_MESSAGES:
            raise CatalogError(path, f"more than {MAX_MESSAGES} messages")
        context = message.context or None
        if isinstance(message.id, (list, tuple)):
            forms = tuple(message.string or ())
            if forms and all(forms):
                messages[(context, message.id[0])] = forms
        elif isinstance(message.string, str) and message.string:
            messages[(context, message.id)] = message.string
    return LoadedCatalog(path, locale, messages, nplurals, plural, stamp)


def load_mo(data: bytes, path: str, locale: str, stamp: tuple[int, int] = (0, 0)) -> LoadedCatalog:
    """Parse the bytes of a ``.mo`` file; any problem is a :class:`CatalogError`.

    Python's ``gettext`` raises a zoo of exception types on damaged files
    (RELIABILITY.md item 6); all of them become one ``CatalogError``.
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
        try:
            po_stat = po.stat()
        except OSError:
            po_stat = None
        try:
            mo_stat = mo.stat()
        except OSError:
            mo_stat = None
        if po_stat is None and mo_stat is None:
            return None, None
        use_mo = mo_stat is not None and (po_stat is None or mo_stat.st_mtime_ns >= po_stat.st_mtime_ns)
        path, st = (mo, mo_stat) if use_mo else (po, po_stat)
        assert st is not None
        stamp = (st.st_mtime_ns, st.st_size)
        cached = self._loaded.get(folder)
        if cached is not None and (not self.auto_reload or (cached.path == str(path) and cached.stamp == stamp)):
            return cached, self._errors.get(folder)
        try:
            if st.st_size > MAX_CATALOG_BYTES:
                raise CatalogError(path, f"larger than {MAX_CATALOG_BYTES} bytes")
            data = path.read_bytes()
            loader = load_mo if use_mo else load_po
            catalog = loader(data, str(path), locale, stamp)
        except CatalogError as exc:
            self._errors[folder] = exc
            return cached, exc  # the last good version stays in service
        except OSError as exc:
            error = CatalogError(path, f"cannot read: {exc.strerror or exc}")
            self._errors[folder] = error
            return cached, error
        self._loaded[folder] = catalog
        self._errors.pop(folder, None)
        return catalog, None

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
            index = catalog.plural(n)
            # A form may leave out the count itself ("one item" / "ett paket").
            reason = catalog.verdict(key, index, plural, allowed_extra=(count_name,))
            if reason is None:
                return Lookup(value[index], catalog.locale, problems)
            problems.append(f"{catalog.path}: {reason}")
        return Lookup(singular if n == 1 else plural, None, problems)
