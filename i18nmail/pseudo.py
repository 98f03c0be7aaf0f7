"""The pseudo-locale ``en-XA``: English, accented, about 35% longer, bracketed.

It is generated from ``messages.pot`` at run time and never shipped as a
language. Rendering in ``en-XA`` shows at a glance which text escaped
translation (it stays plain ASCII) and which layouts break with longer text::

    >>> pseudo_translate("Refund approved for order %(order)s")
    '[Ŕéƒûñð åþþŕöṽéð ƒöŕ öŕðéŕ %(order)s ·········]'

Placeholders, ``%%`` and HTML tags and entities are left untouched, so a
pseudo-translation is always a valid translation.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path

from .catalogs import DOMAIN, Key, LoadedCatalog, _plural_function
from .exceptions import CatalogError

__all__ = ["PSEUDO_LOCALE", "PSEUDO_TAG", "pseudo_catalog", "pseudo_translate"]

#: Catalog id and BCP 47 tag of the pseudo-locale.
PSEUDO_LOCALE = "en_XA"
PSEUDO_TAG = "en-XA"
#: How much longer pseudo text is than the source (German runs ~30% longer).
EXPANSION = 0.35

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅßÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
# Keep what must survive verbatim: placeholders, %%, tags and entities.
_PROTECTED = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdif]|%%|<[^>]*>|&[#A-Za-z0-9]+;")


def pseudo_translate(text: str) -> str:
    """Accent the letters of *text*, pad it by about 35% and bracket it."""
    if not text:
        return text
    out: list[str] = []
    pos = 0
    for match in _PROTECTED.finditer(text):
        out.append(text[pos:match.start()].translate(_ACCENTED))
        out.append(match.group(0))
        pos = match.end()
    out.append(text[pos:].translate(_ACCENTED))
    padding = max(1, round(len(_PROTECTED.sub("", text)) * EXPANSION))
    return "[" + "".join(out) + " " + "·" * padding + "]"


#: Messages that are settings chosen by the translator (a keyword or "-"), not
#: text: the pseudo-locale keeps the source so en-XA behaves like English.
SETTING_CONTEXTS = frozenset({"greeting form", "casual greeting form", "opening line"})


def pseudo_catalog(pot_files: Iterable[Path]) -> LoadedCatalog:
    """Build the ``en_XA`` catalog from the message templates in *pot_files*.

    Earlier files win for a message they share (a shop's own template first).
    """
    # Babel's message tooling is imported here: a render in a real locale never needs it.
    from babel.messages.pofile import read_po

    messages: dict[Key, str | tuple[str, ...]] = {}
    paths = [p for p in pot_files if p.is_file()]
    if not paths:
        raise CatalogError("messages.pot", "no message template to build the pseudo-locale from")
    for path in reversed(paths):
        try:
            catalog = read_po(io.BytesIO(path.read_bytes()), abort_invalid=True)
        except Exception as exc:  # noqa: BLE001 - babel's parse errors have no common base
            raise CatalogError(path, f"cannot read the message template: {exc}") from None
        for message in catalog:
            if not message.id:
                continue
            context = message.context or None
            if context in SETTING_CONTEXTS and isinstance(message.id, str):
                messages[(context, message.id)] = message.id
            elif isinstance(message.id, (list, tuple)):
                messages[(context, message.id[0])] = (
                    pseudo_translate(message.id[0]), pseudo_translate(message.id[1]),
                )
            else:
                messages[(context, message.id)] = pseudo_translate(message.id)
    return LoadedCatalog(f"<pseudo {PSEUDO_LOCALE} from {paths[0].name}>", PSEUDO_LOCALE, messages, 2,
                         _plural_function("(n != 1)", 2, DOMAIN), (0, 0))
