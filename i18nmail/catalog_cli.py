"""The catalog commands of the ``i18nmail`` CLI: extract, update, init, compile, stats, check.

Thin wrappers: each command calls :mod:`i18nmail.messages` or
:mod:`i18nmail.checks` and prints the report. They work on the folders given
with the group options ``--templates``/``--catalogs``, else on the built-in
``templates/`` and ``catalogs/`` (the repository's top-level folders in a
checkout). Exit codes: 0 success, 1 findings or a failed step, 2 usage errors.

:func:`add_commands` registers them on the ``main`` group in ``cli.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from . import messages
from .check_cli import check_command, lower_layers
from .exceptions import I18nMailError, LocaleError

__all__ = ["add_commands"]

_PACKAGE = Path(__file__).resolve().parent


@contextmanager
def _reported() -> Iterator[None]:
    """Typed errors become one line on stderr and exit 1; a bad locale is a usage error."""
    try:
        yield
    except LocaleError as exc:
        raise click.BadParameter(str(exc), param_hint="LOCALE") from None
    except (I18nMailError, OSError) as exc:
        raise click.ClickException(str(exc)) from None


def _folders(settings: Any, *, writing: bool) -> tuple[Path, Path]:
    """The templates and catalogs folders a command works on."""
    from .render import builtin_catalogs, builtin_templates

    templates = settings.templates if settings.templates is not None else builtin_templates()
    catalogs = settings.catalogs if settings.catalogs is not None else builtin_catalogs()
    if settings.templates is not None and settings.catalogs is None and writing:
        raise click.UsageError("--templates needs --catalogs too: the message template of a shop's "
                               "own templates belongs in the shop's own catalogs folder")
    if writing and _PACKAGE in Path(catalogs).resolve().parents:
        raise click.UsageError(f"{catalogs} belongs to the installed i18nmail package; "
                               "give your own folder with --catalogs DIR")
    return _shown(Path(templates)), _shown(Path(catalogs))


def _shown(path: Path) -> Path:
    """*path* relative to the working directory when it is inside it (shorter messages)."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def _locales(values: tuple[str, ...]) -> list[str] | None:
    return list(values) if values else None


@click.command("extract")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 if messages.pot is out of date, naming the messages.")
@click.pass_obj
def extract_command(settings: Any, check: bool) -> None:
    """Extract the messages of the templates into CATALOGS/messages.pot.

    Output is stable: on unchanged templates the file is left untouched. A
    template with a syntax error fails with its file and line.
    """
    templates, catalogs = _folders(settings, writing=True)
    with _reported():
        if check:
            diff = messages.diff_template(templates, catalogs)
            if diff.stale:
                click.echo(f"i18nmail: {diff.describe()}", err=True)
                raise click.exceptions.Exit(1)
            click.echo(diff.describe())
            return
        changed = messages.extract(templates, catalogs)
    target = messages.pot_path(catalogs)
    click.echo(f"wrote {target}" if changed else f"{target} is up to date")


_LOCALE_OPTION = click.option("--locale", "-l", "locales", multiple=True, metavar="LOCALE",
                              help="Only this locale (repeatable); default: every catalog.")


@click.command("update")
@_LOCALE_OPTION
@click.pass_obj
def update_command(settings: Any, locales: tuple[str, ...]) -> None:
    """Merge messages.pot into every catalog (fuzzy matching on).

    A changed source sentence keeps its old translation, marked fuzzy, with
    the previous msgid for the translator; removed messages become obsolete.
    """
    _templates, catalogs = _folders(settings, writing=True)
    with _reported():
        results = messages.update(catalogs, _locales(locales))
    if not results:
        click.echo(f"no catalogs in {catalogs}; start one with `i18nmail init LOCALE`")
    for result in results:
        state = "updated" if result.changed else "unchanged"
        click.echo(f"{result.locale}: {state} {result.path} ({len(result.added)} new, "
                   f"{len(result.fuzzy)} fuzzy, {len(result.obsolete)} obsolete)")
        for kind, labels in (("new", result.added), ("fuzzy", result.fuzzy),
                             ("obsolete", result.obsolete)):
            for label in labels:
                click.echo(f"  {kind + ':':<9} {label!r}")


@click.command("init")
@click.argument("locale")
@click.pass_obj
def init_command(settings: Any, locale: str) -> None:
    """Start the catalog of a new language LOCALE (sv, pt_BR, zh_Hans ...).

    The header gets the language's CLDR plural rule; an existing catalog is
    never overwritten.
    """
    _templates, catalogs = _folders(settings, writing=True)
    with _reported():
        path = messages.init(catalogs, locale)
        header = messages.read_catalog(path).plural_forms
    click.echo(f"created {path} (Plural-Forms: {header})")


@click.command("compile")
@_LOCALE_OPTION
@click.pass_obj
def compile_command(settings: Any, locales: tuple[str, ...]) -> None:
    """Compile every catalog to messages.mo, atomically.

    A catalog with errors or a fuzzy header is refused (exit 1, file named)
    and its old .mo is left as it was; the other locales are still compiled.
    """
    _templates, catalogs = _folders(settings, writing=True)
    with _reported():
        results = messages.compile(catalogs, _locales(locales))
    if not results:
        click.echo(f"no catalogs in {catalogs}")
    failed = 0
    for result in results:
        if result.ok:
            click.echo(f"{result.locale}: compiled {result.messages} messages to {result.mo}")
            continue
        failed += 1
        click.echo(f"i18nmail: {result.locale}: refused {result.po}; {result.mo} not written", err=True)
        for problem in result.problems:
            click.echo(f"  {problem}", err=True)
    if failed:
        click.echo(f"i18nmail: {failed} of {len(results)} catalogs not compiled", err=True)
        raise click.exceptions.Exit(1)


@click.command("stats")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def stats_command(settings: Any, fmt: str) -> None:
    """Translated, fuzzy and untranslated messages per locale."""
    _templates, catalogs = _folders(settings, writing=False)
    with _reported():
        rows = messages.stats(catalogs, lower_layers=lower_layers(settings))
    if fmt == "json":
        click.echo(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(messages.format_stats(rows), nl=False)
    broken = [row for row in rows if row.error]
    for row in broken:
        click.echo(f"i18nmail: {row.error}", err=True)
    if broken:
        raise click.exceptions.Exit(1)


def add_commands(group: click.Group) -> None:
    """Register the catalog commands on *group* (the ``i18nmail`` CLI)."""
    for command in (extract_command, update_command, init_command, compile_command,
                    stats_command, check_command):
        group.add_command(command)
