"""The compiled-template cache: a fresh process reuses compiled templates, and
the cache never changes an email or breaks a render (issue 14, item 3)."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest

from i18nmail.bytecode import EnvironmentCache, bytecode_cache

SOURCE = "{% if x %}<b>{{ x }}</b>{% endif %}"


def env(cache: jinja2.BytecodeCache | None, folder: Path, *, autoescape: bool) -> jinja2.Environment:
    """A Jinja environment over *folder* with *cache*."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=autoescape,
                              bytecode_cache=cache)


@pytest.fixture()
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "t.j2").write_text(SOURCE, encoding="utf-8")
    return folder


def test_second_environment_loads_the_stored_code(tmp_path: Path, templates: Path) -> None:
    """A second environment (a new process) finds the compiled code the first one stored."""
    store = tmp_path / "cache"
    store.mkdir()
    first = env(EnvironmentCache("text", str(store)), templates, autoescape=False)
    assert first.get_template("t.j2").render(x="<i>") == "<b><i></b>"
    assert len(list(store.iterdir())) == 1
    second = env(EnvironmentCache("text", str(store)), templates, autoescape=False)
    second.compile = None  # type: ignore[method-assign,assignment]  # must not be needed
    assert second.get_template("t.j2").render(x="<i>") == "<b><i></b>"


def test_text_and_html_channels_keep_separate_entries(tmp_path: Path, templates: Path) -> None:
    """The same file compiled with and without autoescape is cached twice, never mixed up."""
    store = tmp_path / "cache"
    store.mkdir()
    text = env(EnvironmentCache("autoescape=False", str(store)), templates, autoescape=False)
    html = env(EnvironmentCache("autoescape=True", str(store)), templates, autoescape=True)
    assert text.get_template("t.j2").render(x="<i>") == "<b><i></b>"
    assert html.get_template("t.j2").render(x="<i>") == "<b>&lt;i&gt;</b>"
    again = env(EnvironmentCache("autoescape=True", str(store)), templates, autoescape=True)
    assert again.get_template("t.j2").render(x="<i>") == "<b>&lt;i&gt;</b>"
    assert len(list(store.iterdir())) == 2


def test_edited_template_is_recompiled(tmp_path: Path, templates: Path) -> None:
    """A changed source is not served from the cache (Jinja checks the source's checksum)."""
    store = tmp_path / "cache"
    store.mkdir()
    env(EnvironmentCache("s", str(store)), templates, autoescape=False).get_template("t.j2")
    (templates / "t.j2").write_text("changed {{ x }}", encoding="utf-8")
    fresh = env(EnvironmentCache("s", str(store)), templates, autoescape=False)
    assert fresh.get_template("t.j2").render(x=1) == "changed 1"


def test_damaged_entry_is_compiled_again(tmp_path: Path, templates: Path) -> None:
    """A truncated or garbage cache file is ignored and the template compiled as usual."""
    store = tmp_path / "cache"
    store.mkdir()
    env(EnvironmentCache("s", str(store)), templates, autoescape=False).get_template("t.j2")
    (entry,) = store.iterdir()
    content = entry.read_bytes()
    entry.write_bytes(content[: len(content) // 2])
    fresh = env(EnvironmentCache("s", str(store)), templates, autoescape=False)
    assert fresh.get_template("t.j2").render(x="a") == "<b>a</b>"


def test_unwritable_cache_does_not_break_a_render(tmp_path: Path, templates: Path) -> None:
    """When the cache folder cannot be written (here: its path is a file, which stops root too),
    the template still renders."""
    store = tmp_path / "cache"
    store.write_text("not a folder")
    cached = env(EnvironmentCache("s", str(store)), templates, autoescape=False)
    assert cached.get_template("t.j2").render(x="a") == "<b>a</b>"
    assert store.read_text() == "not a folder"


def test_unwritable_cache_file_does_not_break_a_render(tmp_path: Path, templates: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """An OSError while storing an entry (a full disk) is swallowed: the render goes on."""
    store = tmp_path / "cache"
    store.mkdir()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tempfile.NamedTemporaryFile", full)
    cached = env(EnvironmentCache("s", str(store)), templates, autoescape=False)
    assert cached.get_template("t.j2").render(x="a") == "<b>a</b>"
    assert list(store.iterdir()) == []


@pytest.mark.parametrize("value", ["0", "off", "no", "false"])
def test_environment_variable_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """I18NMAIL_BYTECODE_CACHE=0 (or off/no/false) gives no cache."""
    monkeypatch.setenv("I18NMAIL_BYTECODE_CACHE", value)
    assert bytecode_cache("s") is None


def test_mailer_environments_use_the_cache(mailer: object) -> None:
    """The Mailer's text and HTML environments each have a cache with its own key."""
    text = mailer._text_env.bytecode_cache  # type: ignore[attr-defined]
    html = mailer._html_env.bytecode_cache  # type: ignore[attr-defined]
    if os.environ.get("I18NMAIL_BYTECODE_CACHE", "1") in {"0", "off", "no", "false"}:
        assert text is None and html is None
        return
    assert isinstance(text, EnvironmentCache) and isinstance(html, EnvironmentCache)
    assert text.get_cache_key("scenarios/x.j2", "f") != html.get_cache_key("scenarios/x.j2", "f")
