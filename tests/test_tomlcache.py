"""The parsed-TOML cache: the same data and the same errors as tomllib, and an
edited file is always parsed again (issue 14, item 3)."""

from __future__ import annotations

import math
import os
import tempfile
import tomllib
from pathlib import Path

import pytest

from i18nmail import cachedir, tomlcache
from i18nmail.render import builtin_templates
from i18nmail.tomlcache import load_toml

EVERY_KIND = """\
title = "Grüße \\u00e9"
count = 42
big = 123456789012345678901234567890
ratio = 2.5
inf = inf
nan = nan
yes = true
day = 2026-12-24
local = 2026-12-24T10:30:00.123456
zulu = 2026-12-24T10:30:00Z
offset = 2026-12-24T10:30:00+05:45
clock = 07:15:00
nested = [[1, 2], ["a", 2026-01-01]]
[[items]]
name = "x"
when = 1979-05-27T00:32:00-07:00
[[items]]
name = "y"
[table.inner]
empty = []
"""


@pytest.fixture()
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private temporary directory for the cache folder, with the cache on."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    monkeypatch.delenv(cachedir.OPT_OUT, raising=False)
    return root


def entries(root: Path) -> list[Path]:
    """The TOML entries in the cache folder under *root*."""
    return sorted((root / f"i18nmail-cache-{os.getuid()}").glob("toml-*"))


def parse_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, parsing TOML fails the test (so data must come from the cache)."""
    monkeypatch.setattr(tomllib, "loads", lambda text: pytest.fail("parsed again"))


def same(a: object, b: object) -> bool:
    """Equal, with NaN equal to NaN, and of the same types all the way down."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)  # type: ignore[attr-defined]
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    return a == b


def test_every_shipped_scenario_and_sample_file_reads_back_the_same(
        cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each shipped scenario declaration and sample file gives tomllib's data, parsed and from the cache."""
    files = sorted(builtin_templates().glob("*/*.toml"))
    assert len(files) >= 20
    expected = {p: tomllib.loads(p.read_text("utf-8")) for p in files}
    assert all(same(load_toml(p), expected[p]) for p in files)
    assert len(entries(cache_root)) == len(files)
    parse_refused(monkeypatch)
    assert all(same(load_toml(p), expected[p]) for p in files)


def test_every_toml_value_kind_survives_the_cache(
        cache_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates, local and offset datetimes, times, big ints, inf/nan, arrays of tables come back identical."""
    path = tmp_path / "kinds.toml"
    path.write_text(EVERY_KIND, "utf-8")
    expected = tomllib.loads(EVERY_KIND)
    assert same(load_toml(path), expected)
    parse_refused(monkeypatch)
    found = load_toml(path)
    assert same(found, expected)
    assert found["offset"].utcoffset() == expected["offset"].utcoffset()


def test_an_edit_that_keeps_size_and_mtime_is_parsed_again(cache_root: Path, tmp_path: Path) -> None:
    """A same-size edit with the old modification time restored is still seen (the change time moved)."""
    path = tmp_path / "s.toml"
    path.write_text('a = "one"\n', "utf-8")
    before = os.stat(path)
    assert load_toml(path) == {"a": "one"}
    path.write_text('a = "two"\n', "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert load_toml(path) == {"a": "two"}


def test_a_broken_file_raises_what_tomllib_raises_every_time(cache_root: Path, tmp_path: Path) -> None:
    """A file that does not parse (or is not UTF-8, or is missing) raises the same error each time; nothing is stored."""
    bad, binary, missing = tmp_path / "bad.toml", tmp_path / "bin.toml", tmp_path / "missing.toml"
    bad.write_text("a = [1,\n", "utf-8")
    binary.write_bytes(b'a = "\xff"\n')
    for _ in range(2):
        with pytest.raises(tomllib.TOMLDecodeError):
            load_toml(bad)
        with pytest.raises(UnicodeDecodeError):
            load_toml(binary)
        with pytest.raises(FileNotFoundError):
            load_toml(missing)
    assert entries(cache_root) == []


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"truncated"])
def test_a_damaged_entry_is_parsed_again_and_replaced(
        damage: bytes, cache_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty, corrupt or truncated entry is a miss: the file is parsed and the entry written anew."""
    path = tmp_path / "kinds.toml"
    path.write_text(EVERY_KIND, "utf-8")
    expected = load_toml(path)
    (entry,) = entries(cache_root)
    good = entry.read_bytes()
    entry.write_bytes(good[: len(good) // 2] if damage == b"truncated" else damage)
    assert same(load_toml(path), expected)
    assert entry.read_bytes() == good
    parse_refused(monkeypatch)
    assert same(load_toml(path), expected)


def test_an_entry_with_a_bad_date_tag_is_ignored(cache_root: Path, tmp_path: Path) -> None:
    """An entry whose date tag cannot be read back (a hand-edited cache) is parsed from the file instead."""
    path = tmp_path / "d.toml"
    path.write_text("day = 2026-12-24\n", "utf-8")
    key = tomlcache._key(path)
    cachedir.write_marshalled("toml", key, (True, {"day": ("nonsense", "x")}))
    assert load_toml(path) == {"day": tomllib.loads("day = 2026-12-24")["day"]}


def test_the_opt_out_stores_nothing(cache_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With I18NMAIL_BYTECODE_CACHE=0 files are parsed every time and no entry is written."""
    monkeypatch.setenv(cachedir.OPT_OUT, "0")
    path = tmp_path / "a.toml"
    path.write_text("a = 1\n", "utf-8")
    assert load_toml(path) == load_toml(path) == {"a": 1}
    assert not (cache_root / f"i18nmail-cache-{os.getuid()}").exists()


def test_a_broken_scenario_declaration_is_refused_on_every_start(cache_root: Path, templates_copy: Path) -> None:
    """A shop's scenario .toml that does not parse makes every Mailer() raise the same TemplateError."""
    from i18nmail import Mailer, TemplateError

    declaration = templates_copy / "scenarios" / "refund_approved.toml"
    Mailer(templates=templates_copy)  # parsed and stored while it is good
    declaration.write_text(declaration.read_text("utf-8") + "\n[broken\n", "utf-8")
    messages = []
    for _ in range(2):
        with pytest.raises(TemplateError, match="cannot read scenario declaration") as info:
            Mailer(templates=templates_copy)
        messages.append(str(info.value))
    assert messages[0] == messages[1] and "refund_approved.toml" in messages[0]


def test_binary_mode_reads_as_tomllib_load_does(cache_root: Path, tmp_path: Path) -> None:
    """binary=True refuses a lone carriage return as tomllib.load does; text mode reads it as a newline."""
    crlf, lone = tmp_path / "crlf.toml", tmp_path / "lone.toml"
    crlf.write_bytes(b'a = """one\r\ntwo"""\r\nb = 1\r\n')
    lone.write_bytes(b"a = 1\rb = 2\n")
    with crlf.open("rb") as fh:
        expected = tomllib.load(fh)
    for _ in range(2):
        assert load_toml(crlf, binary=True) == load_toml(crlf) == expected
        with pytest.raises(tomllib.TOMLDecodeError):
            load_toml(lone, binary=True)
        assert load_toml(lone) == {"a": 1, "b": 2}  # what tomllib.loads(read_text()) gives
    assert tomlcache.decode_error() is tomllib.TOMLDecodeError


def test_a_missing_file_does_not_import_tomllib(tmp_path: Path) -> None:
    """Asking for a file that does not exist (no pyproject.toml here) raises FileNotFoundError without importing tomllib."""
    import subprocess
    import sys

    code = ("import sys\nfrom pathlib import Path\nfrom i18nmail.tomlcache import load_toml\n"
            "try:\n    load_toml(Path('pyproject.toml'), binary=True)\nexcept FileNotFoundError:\n"
            "    print('tomllib' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.strip() == "False"
