"""Write a GNU ``.mo`` file from a catalog read by the strict reader (:mod:`i18nmail.pofile`).

``compile`` has already read and checked the ``.po`` file strictly; writing
the ``.mo`` from that same reading spares a second parse. The output is
always UTF-8 (the header's charset is rewritten), fuzzy entries are left out,
and so is a plural message with an empty form, so that it falls back as a
whole (RELIABILITY.md items 18, 19).

>>> from i18nmail.pofile import parse_catalog
>>> po = parse_catalog(b'msgid ""\\nmsgstr "Content-Type: text/plain; charset=UTF-8\\\\n"\\n\\n'
...                    b'msgid "Order"\\nmsgstr "Order"\\n', "sv.po")
>>> data, count = mo_bytes(po)
>>> data[:4], count
(b'\\xde\\x12\\x04\\x95', 1)
"""

from __future__ import annotations

import re
import struct

from .pofile import PoFile

__all__ = ["mo_bytes"]

_CHARSET_RE = re.compile(r"(charset\s*=\s*)[^\s;\\\"']+", re.IGNORECASE)


def mo_bytes(po: PoFile) -> tuple[bytes, int]:
    """The ``.mo`` bytes of *po* and the number of messages in them (the header not counted)."""
    header = po.header.msgstr.get(0, "") if po.header is not None else ""
    if _CHARSET_RE.search(header):
        header = _CHARSET_RE.sub(r"\g<1>utf-8", header, count=1)
    else:
        header += "Content-Type: text/plain; charset=utf-8\n"
    pairs: list[tuple[bytes, bytes]] = [(b"", header.encode("utf-8"))]
    for entry in po.entries:
        if entry.fuzzy or not entry.translated:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is not None:
            key += "\x00" + entry.msgid_plural
            value = "\x00".join(entry.msgstr[i] for i in sorted(entry.msgstr))
        else:
            value = entry.msgstr[0]
        pairs.append((key.encode("utf-8"), value.encode("utf-8")))
    pairs.sort()
    count = len(pairs)
    keys_start = 7 * 4 + count * 16  # header, then the two index tables
    ids = b"\x00".join(k for k, _v in pairs) + b"\x00"
    strs = b"\x00".join(v for _k, v in pairs) + b"\x00"
    offsets: list[int] = []
    pos = keys_start
    for raw_key, _raw_value in pairs:
        offsets += [len(raw_key), pos]
        pos += len(raw_key) + 1
    value_pos = keys_start + len(ids)
    for _raw_key, raw_value in pairs:
        offsets += [len(raw_value), value_pos]
        value_pos += len(raw_value) + 1
    head = struct.pack("Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + count * 8, 0, 0)
    return head + struct.pack(f"{len(offsets)}i", *offsets) + ids + strs, count - 1
