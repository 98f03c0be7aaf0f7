"""Catalog tools for a shop's own layer on top of the built-in one.

A shop keeps its own ``templates/`` and ``catalogs/`` folders (the *top
layer*); i18nmail's built-in folders, and any folders given after the shop's,
are the *lower layers*. The render reads every layer, the shop's first. These
functions make the catalog tools (:mod:`i18nmail.messages`) see the layers
too, so that routine maintenance never loses a shop's work:

* :func:`extract` writes the shop's ``messages.pot`` with the messages of the
  shop's own templates (``#:`` references name the shop's files) plus the
  built-in messages the shop overrides (those its catalogs translate for a
  language the lower layers also have);
* :func:`update` never obsoletes a message that a lower layer still uses: a
  shop catalog keeps (and gets back, if an older ``update`` obsoleted them) its
  overrides of built-in sentences; a language the lower layers lack gets every
  message the emails use, new built-in ones included;
* :func:`init` starts a catalog prefilled with the lower layers' translation
  of that language where one exists, and for a language the package lacks,
  with every message of every scenario (built-in and the shop's own);
* :func:`override` copies one built-in sentence into the shop's catalog of one
  language, prefilled with the built-in translation, so nobody copies msgids
  out of ``site-packages`` by hand.

Entries are edited one by one with :mod:`polib` (it keeps GNU layout and
comments); whole-catalog merges use Babel as :mod:`i18nmail.messages` does.
Every file is written atomically with the umask's mode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polib
from babel.messages.catalog import Catalog, Message

from . import messages
from .exceptions import MessagesError, did_you_mean

__all__ = ["Layers", "OverrideResult", "extract", "init", "lower_locales", "lower_template",
           "override", "update"]

Key = tuple[str | None, str]
_WIDTH = 76


@dataclass(frozen=True)
class Layers:
    """The shop's own folders and the layers beneath them.

    ``catalogs`` is the shop's catalogs folder (the one written);
    ``templates`` its templates folder, or ``None`` when the shop overrides
    sentences only. ``lower_templates``/``lower_catalogs`` are searched after
    them, the built-in folders last. ``project`` and ``contact`` go into the
    headers of the files written (the shop's name and support address).
    """

    catalogs: Path
    templates: Path | None
    lower_templates: tuple[Path, ...]
    lower_catalogs: tuple[Path, ...]
    project: str = "shop emails"
    contact: str = ""

    @classmethod
    def build(cls, templates: Sequence[Path], catalogs: Sequence[Path], *, project: str = "shop emails",
              contact: str = "") -> Layers:
        """Layers from the folders of a ``Mailer`` (shop's first); built-ins appended."""
        from .data import builtin_catalogs, builtin_templates

        if not catalogs:
            raise MessagesError("a shop's catalog tools need the shop's own catalogs folder (--catalogs DIR)")
        return cls(Path(catalogs[0]), Path(templates[0]) if templates else None,
                   tuple(Path(t) for t in templates[1:]) + (builtin_templates(),),
                   tuple(Path(c) for c in catalogs[1:]) + (builtin_catalogs(),),
                   project, contact)

    def header(self) -> Catalog:
        """An empty template with the shop's header (not i18nmail's)."""
        return messages.empty_template(self.project, self.project, self.contact)

    def ref_prefix(self) -> str:
        """How ``#:`` references name the shop's templates: the folder as given."""
        assert self.templates is not None
        return self.templates.as_posix().rstrip("/")


def _key(message: Message) -> Key:
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return message.context or None, msgid


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return bool(message.id) and not message.fuzzy and all(strings)


def lower_template(layers: Layers) -> Catalog:
    """Every message the lower layers' ``messages.pot`` files hold (upper layer wins)."""
    merged = messages.empty_template()
    for root in layers.lower_catalogs:
        path = messages.pot_path(root)
        if path.is_file():
            for message in messages.read_catalog(path):
                if message.id:
                    _add(merged, message)
    return merged


def _chain(ident: str) -> list[str]:
    base = ident.split("_")[0]
    return [ident] if base == ident else [ident, base]


def lower_locales(layers: Layers) -> set[str]:
    """Catalog ids the lower layers translate."""
    return {loc for root in layers.lower_catalogs for loc in messages.locales_in(root)}


def _owned_language(layers: Layers, ident: str) -> bool:
    """Whether the lower layers have no catalog for *ident*'s language at all."""
    have = lower_locales(layers)
    return not any(loc in have for loc in _chain(ident))


def lower_translations(layers: Layers, ident: str) -> dict[Key, str | tuple[str, ...]]:
    """The lower layers' translations for *ident* (its own catalog, then its language's)."""
    found: dict[Key, str | tuple[str, ...]] = {}
    for loc in _chain(ident):
        for root in layers.lower_catalogs:
            path = messages.po_path(root, loc)
            if not path.is_file():
                continue
            for message in messages.read_catalog(path, locale=loc):
                if _translated(message) and _key(message) not in found:
                    value = message.string
                    found[_key(message)] = tuple(value) if isinstance(value, (list, tuple)) else str(value)
    return found


def _add(catalog: Catalog, message: Message) -> None:
    if catalog.get(message.id, message.context) is None:
        catalog.add(message.id, None, list(message.locations), auto_comments=list(message.auto_comments),
                    flags=[f for f in message.flags if f != "fuzzy"], context=message.context)


def build_template(layers: Layers) -> Catalog:
    """The shop's message template: its own messages plus the built-in ones it overrides."""
    header = layers.header()
    own = (messages.build_template_catalog(layers.templates, ref_prefix=layers.ref_prefix(), header=header)
           if layers.templates is not None else header)
    lower = lower_template(layers)
    have = lower_locales(layers)
    for loc in messages.locales_in(layers.catalogs):
        if not any(c in have for c in _chain(loc)):
            continue  # a language of the shop's own: its entries are not overrides
        for message in messages.read_catalog(messages.po_path(layers.catalogs, loc), locale=loc):
            if not _translated(message):
                continue
            base = lower.get(message.id, message.context)
            if base is not None:
                _add(own, base)
    return own


def extract(layers: Layers, *, check: bool = False) -> messages.PotDiff | bool:
    """Write the shop's ``messages.pot``; return whether it changed.

    With ``check=True`` nothing is written and the :class:`~i18nmail.messages.PotDiff`
    is returned (``stale`` when the committed file is out of date).
    """
    catalog = build_template(layers)
    if check:
        return messages.diff_catalog(catalog, layers.catalogs)
    return messages.write_catalog(catalog, messages.pot_path(layers.catalogs), template=True)


def _merge_template(layers: Layers, lower: Catalog) -> Callable[[str, Catalog], Catalog]:
    def template_for(loc: str, catalog: Catalog) -> Catalog:
        template = messages.read_catalog(messages.pot_path(layers.catalogs))
        present = {_key(m) for m in catalog if m.id} | {_key(m) for m in catalog.obsolete.values()}
        owned = _owned_language(layers, loc)
        below = {} if owned else lower_translations(layers, loc)
        # A sentence the lower layers already translate for this language is
        # not added to the shop's catalog: it would only be an untranslated
        # entry that hides nothing (the render falls through to the built-in).
        for message in list(template):
            if message.id and _key(message) not in present and _key(message) in below:
                template.delete(message.id, message.context)
        for message in lower:
            if message.id and (owned or _key(message) in present):
                _add(template, message)
        # An entry an older `update` obsoleted while a layer still uses it
        # comes back to life with its translation (Babel's merge ignores #~).
        for obsolete_key, message in list(catalog.obsolete.items()):
            if template.get(message.id, message.context) is not None:
                del catalog.obsolete[obsolete_key]
                catalog.add(message.id, message.string, list(message.locations), flags=message.flags,
                            auto_comments=list(message.auto_comments),
                            user_comments=list(message.user_comments), context=message.context)
        return template

    return template_for


def update(layers: Layers, locales: Iterable[str] | None = None) -> list[messages.UpdateResult]:
    """Merge the shop's template into the shop's catalogs, keeping what lower layers use.

    See the module docstring; otherwise :func:`i18nmail.messages.update`.
    """
    lower = lower_template(layers)
    return messages.update(layers.catalogs, locales, template_for=_merge_template(layers, lower))


def _prefill(data: bytes, translations: dict[Key, str | tuple[str, ...]]) -> bytes:
    """Fill empty entries of a .po (as bytes) from *translations*, entry by entry."""
    po = polib.pofile(data.decode("utf-8"), wrapwidth=_WIDTH)
    for entry in po:
        if entry.obsolete:
            continue
        found = translations.get((entry.msgctxt or None, entry.msgid))
        if found is None:
            continue
        if entry.msgid_plural and isinstance(found, tuple):
            if len(found) == len(entry.msgstr_plural) and not any(entry.msgstr_plural.values()):
                entry.msgstr_plural = dict(enumerate(found))
        elif isinstance(found, str) and not entry.msgid_plural and not entry.msgstr:
            entry.msgstr = found
    return _po_text(po)


def _po_text(po: polib.POFile) -> bytes:
    return (str(po).rstrip("\n") + "\n").encode("utf-8")


def init(layers: Layers, locale: str) -> Path:
    """Start the shop's catalog of *locale*, prefilled from the lower layers.

    A language the lower layers translate: the shop's template, each entry
    prefilled with the lower layers' translation where one exists. A language
    they lack: every message the emails use (the shop's template plus every
    lower-layer message), so translating it completes every scenario.
    """
    ident = messages.catalog_id(locale)
    pot = messages.pot_path(layers.catalogs)
    if pot.is_file():
        template = messages.read_catalog(pot)
    else:
        template = build_template(layers)
    if _owned_language(layers, ident):
        for message in lower_template(layers):
            if message.id:
                _add(template, message)
    translations = lower_translations(layers, ident)
    return messages.init(layers.catalogs, ident, template=template,
                         prefill=lambda data: _prefill(data, translations))


@dataclass(frozen=True)
class OverrideResult:
    """Where :func:`override` put the sentence, and the text it starts from."""

    path: str
    line: int
    msgctxt: str | None
    msgid: str
    msgstr: str
    created: bool


def _find_lower(lower: Catalog, msgid: str, context: str | None) -> Message:
    candidates = [m for m in lower if m.id and _key(m)[1] == msgid
                  and (context is None or (m.context or None) == context)]
    if not candidates:
        ids = sorted({_key(m)[1] for m in lower if m.id})
        raise MessagesError(f"no built-in message {msgid!r}"
                            + (f" with context {context!r}" if context else "") + "."
                            + did_you_mean(msgid, ids))
    if len(candidates) > 1:
        contexts = ", ".join(repr(m.context) for m in candidates)
        raise MessagesError(f"{msgid!r} exists with several contexts ({contexts}); choose one with --context")
    return candidates[0]


def override(layers: Layers, locale: str, msgid: str, *, context: str | None = None,
             translation: str | None = None) -> OverrideResult:
    """Put one built-in sentence into the shop's catalog of *locale*.

    The entry is prefilled with *translation*, else with the lower layers'
    translation of that language (edit it in the ``.po``), else left empty.
    The shop's catalog is created when missing, and the message is added to
    the shop's ``messages.pot`` (which ``extract`` keeps listing it in while
    the shop translates it), so ``update`` keeps the override.
    """
    ident = messages.catalog_id(locale)
    lower = lower_template(layers)
    message = _find_lower(lower, msgid, context)
    key = _key(message)
    path = messages.po_path(layers.catalogs, ident)
    created = not path.is_file()
    if created:
        messages.init(layers.catalogs, ident, template=layers.header())
    po = polib.pofile(str(path), wrapwidth=_WIDTH)
    entry = po.find(key[1], msgctxt=key[0] if key[0] is not None else False)
    if entry is not None and entry.obsolete:
        entry.obsolete = False
    if entry is None:
        entry = polib.POEntry(msgid=key[1], msgctxt=key[0],
                              occurrences=[(f, str(n)) for f, n in message.locations],
                              comment="\n".join(message.auto_comments))
        if isinstance(message.id, (list, tuple)):
            entry.msgid_plural = message.id[1]
            entry.msgstr_plural = dict.fromkeys(range(_nplurals(po)), "")
        po.append(entry)
    found = lower_translations(layers, ident).get(key)
    if entry.msgid_plural:
        if translation is not None:
            raise MessagesError(f"{msgid!r} is a plural message; edit its forms in {path}")
        if isinstance(found, tuple) and not any(entry.msgstr_plural.values()):
            entry.msgstr_plural = dict(enumerate(found))
        text = " | ".join(entry.msgstr_plural.values())
    else:
        if translation is not None:
            entry.msgstr = translation
        elif not entry.msgstr and isinstance(found, str):
            entry.msgstr = found
        text = entry.msgstr
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    po.sort(key=lambda e: (e.msgid, e.msgctxt or ""))
    messages._atomic_write(path, _po_text(po))
    _add_to_template(layers, message)
    line = _line_of(path, key)
    return OverrideResult(str(path), line, key[0], key[1], text, created)


def _add_to_template(layers: Layers, message: Message) -> None:
    """List *message* in the shop's ``messages.pot``, leaving every other entry as it is.

    (Re-extracting here would need the shop's templates folder, which a
    command given only ``--catalogs`` does not know.)
    """
    path = messages.pot_path(layers.catalogs)
    if not path.is_file():
        messages.write_catalog(layers.header(), path, template=True)
    pot = polib.pofile(str(path), wrapwidth=_WIDTH)
    key = _key(message)
    if pot.find(key[1], msgctxt=key[0] if key[0] is not None else False) is not None:
        return
    entry = polib.POEntry(msgid=key[1], msgctxt=key[0], msgstr="",
                          occurrences=[(f, str(n)) for f, n in message.locations],
                          comment="\n".join(message.auto_comments), flags=list(message.flags))
    if isinstance(message.id, (list, tuple)):
        entry.msgid_plural = message.id[1]
        entry.msgstr_plural = {0: "", 1: ""}
    pot.append(entry)
    pot.sort(key=lambda e: (e.msgid, e.msgctxt or ""))
    messages._atomic_write(path, _po_text(pot))


def _nplurals(po: polib.POFile) -> int:
    header = po.metadata.get("Plural-Forms", "")
    for part in header.split(";"):
        name, _, value = part.partition("=")
        if name.strip() == "nplurals" and value.strip().isdigit():
            return int(value.strip())
    return 2


def _line_of(path: Path, key: Key) -> int:
    po = polib.pofile(str(path))
    entry = po.find(key[1], msgctxt=key[0] if key[0] is not None else False)
    return int(entry.linenum) if entry is not None else 0
