"""Builders for the catalog tests: small .po files and template trees in tmp_path.

>>> po_text('msgid "a"\\nmsgstr "b"\\n').splitlines()[0]
'msgid ""'
>>> line_of('x\\nmsgid "a"\\n', 'msgid "a"')
2
"""

from __future__ import annotations

from pathlib import Path

#: Plural-Forms headers as Babel writes them (CLDR via babel.messages.plurals).
PLURALS = {
    "sv": "nplurals=2; plural=(n != 1);",
    "ko": "nplurals=1; plural=0;",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
}


def po_text(body: str, *, lang: str = "sv", plural: str | None = None, charset: str = "UTF-8",
            fuzzy_header: bool = False) -> str:
    """A catalog: a header for *lang* followed by *body* (entries in PO syntax)."""
    rule = plural if plural is not None else PLURALS.get(lang, PLURALS["sv"])
    head = "#, fuzzy\n" if fuzzy_header else ""
    return (
        f'{head}msgid ""\n'
        'msgstr ""\n'
        '"Project-Id-Version: test 1.0\\n"\n'
        f'"Language: {lang}\\n"\n'
        '"MIME-Version: 1.0\\n"\n'
        f'"Content-Type: text/plain; charset={charset}\\n"\n'
        '"Content-Transfer-Encoding: 8bit\\n"\n'
        f'"Plural-Forms: {rule}\\n"\n'
        "\n" + body
    )


def write_po(root: Path, locale: str, text: str | bytes) -> Path:
    """Write *text* as ``root/<locale>/LC_MESSAGES/messages.po``; return its path."""
    path = root / locale / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Create *files* (relative path -> text) under *root*; return *root*."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the *nth* line of *text* that contains *needle*."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == nth:
                return number
    raise AssertionError(f"{needle!r} not found {nth} times")
