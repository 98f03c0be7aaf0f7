"""Cold start: what a fresh interpreter imports for `import i18nmail`, for a
Mailer and for a first email from the command line (issue 14, item 3)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import i18nmail

#: Modules that only some programs need: the holiday data, langcodes' tables,
#: Jinja, Babel's formatting and message tooling, and the preview/check machinery.
HEAVY = ("holidays", "langcodes", "jinja2", "babel.dates", "babel.messages", "css_inline", "click",
         "i18nmail.preview", "i18nmail.checks", "i18nmail.messages", "i18nmail.catalog_cli")


def loaded_after(code: str) -> set[str]:
    """Top-level and listed modules present in sys.modules after running *code* fresh."""
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_i18nmail_loads_none_of_the_heavy_modules() -> None:
    """`import i18nmail` imports no holiday data, langcodes, Jinja, Babel formatting or tooling."""
    loaded = loaded_after("import i18nmail")
    assert not [name for name in HEAVY if name in loaded]


def test_mailer_does_not_load_holidays_langcodes_tables_or_tooling() -> None:
    """Importing Mailer loads the render path, but not holidays, langcodes or the preview/check tools."""
    loaded = loaded_after("from i18nmail import Mailer")
    assert "i18nmail.render" in loaded
    for name in ("holidays", "langcodes", "i18nmail.preview", "i18nmail.checks", "i18nmail.messages"):
        assert name not in loaded, name


def test_render_from_the_cli_does_not_load_the_tooling() -> None:
    """`i18nmail render --sample` neither imports the preview server nor the catalog checks."""
    code = ("from i18nmail.cli import main\n"
            "try:\n"
            "    main(['render', 'support_acknowledgement', '--sample', '--locale', 'sv-SE'])\n"
            "except SystemExit as exc:\n"
            "    assert not exc.code, exc.code\n")
    loaded = loaded_after(code)
    for name in ("i18nmail.preview", "i18nmail.checks", "i18nmail.messages", "i18nmail.catalog_cli",
                 "http.server"):
        assert name not in loaded, name


def test_first_swedish_email_does_not_import_langcodes() -> None:
    """A Mailer and a render for sv-SE negotiate from CLDR's likely subtags, without langcodes' tables."""
    loaded = loaded_after("from datetime import UTC, datetime\n"
                          "from i18nmail import Mailer\n"
                          "m = Mailer()\n"
                          "c = m.scenario('support_acknowledgement').sample('sv')\n"
                          "m.render('support_acknowledgement', locale='sv-SE', context=c,"
                          " now=datetime(2026, 12, 22, tzinfo=UTC))")
    assert "langcodes" not in loaded
    assert "i18nmail.render" in loaded


def test_a_country_check_does_not_import_every_country() -> None:
    """Asking which countries have holiday data does not import all 200 country modules."""
    loaded = loaded_after("from i18nmail.businessdays import supported_countries\n"
                          "assert 'SE' in supported_countries()")
    assert not [name for name in loaded if name.startswith("holidays.countries")]


@pytest.mark.parametrize("name", sorted(i18nmail.__all__))
def test_every_public_name_resolves(name: str) -> None:
    """Each name in i18nmail.__all__ resolves to the object of its home module and is listed by dir()."""
    value = getattr(i18nmail, name)
    assert value.__name__ == name
    assert name in dir(i18nmail)


def test_all_lists_exactly_the_lazy_names() -> None:
    """__all__ and the table of lazily imported names agree (no name is listed but unreachable)."""
    assert sorted(i18nmail.__all__) == sorted(i18nmail._LAZY)


def test_unknown_attribute_is_an_attribute_error() -> None:
    """A name i18nmail does not have raises AttributeError (so hasattr and getattr defaults work)."""
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        i18nmail.Nope  # noqa: B018
    assert not hasattr(i18nmail, "render_fast")


def test_catalog_commands_and_preview_are_listed_and_run() -> None:
    """The lazily registered commands are listed by --help and run (stats works from a fresh CLI)."""
    from click.testing import CliRunner

    from i18nmail.cli import main

    listed = CliRunner().invoke(main, ["--help"])
    for name in ("check", "compile", "extract", "init", "preview", "stats", "update"):
        assert f"  {name} " in listed.output
    stats = CliRunner().invoke(main, ["stats", "--format", "json"])
    assert stats.exit_code == 0, stats.output
    assert "sv" in {row["locale"] for row in json.loads(stats.output)}
    unknown = CliRunner().invoke(main, ["frobnicate"])
    assert unknown.exit_code == 2


def test_first_email_from_the_cli_loads_no_tooling_idna_or_package_metadata() -> None:
    """A second `i18nmail render --sample` imports no message tooling, idna, importlib.metadata, tomllib or all markets."""
    code = ("from i18nmail.cli import main\n"
            "try:\n"
            "    main(['render', 'order_cancelled_out_of_stock', '--sample', '--locale', 'sv-SE',"
            " '--format', 'eml'])\n"
            "except SystemExit as exc:\n"
            "    assert not exc.code, exc.code\n"
            "import i18nmail.closures as c\n"
            "assert 'MARKETS' not in vars(c) and sorted(c._READ) == ['SE', 'TARGET'], sorted(c._READ)\n")
    loaded_after(code)  # the first run may fill the caches
    loaded = loaded_after(code)
    for name in ("babel.messages", "idna", "importlib.metadata", "tomllib"):
        assert name not in loaded, name
    assert "i18nmail.holidaydata" in loaded


RENDER = ["render", "support_acknowledgement", "--sample", "--locale", "sv-SE", "--format", "json",
          "--now", "2026-12-22T09:00:00+00:00"]


def test_the_program_prints_what_the_click_group_prints() -> None:
    """`python -m i18nmail` (run(), which skips the final garbage collection) prints and exits as main does."""
    from click.testing import CliRunner

    from i18nmail.cli import main

    for args in (RENDER, ["render", "no_such_scenario", "--sample", "--locale", "sv-SE"]):
        inside = CliRunner().invoke(main, args)
        fresh = subprocess.run([sys.executable, "-m", "i18nmail", *args], check=False, capture_output=True,
                               text=True)
        assert (fresh.returncode, fresh.stdout) == (inside.exit_code, inside.stdout)
        if inside.exit_code:
            assert fresh.stderr.strip().splitlines()[-1] in inside.output


def test_the_console_script_is_run() -> None:
    """The installed `i18nmail` command calls cli.run (pyproject's [project.scripts])."""
    import tomllib
    from pathlib import Path

    data = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text("utf-8"))
    assert data["project"]["scripts"]["i18nmail"] == "i18nmail.cli:run"
