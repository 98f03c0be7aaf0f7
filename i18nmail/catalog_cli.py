"""The catalog commands of the ``i18nmail`` CLI: extract, update, init, compile, stats, override, validate.

Thin wrappers: each command calls :mod:`i18nmail.messages` (the built-in
folders), :mod:`i18nmail.layers` (a shop's folder on top of them) or
:mod:`i18nmail.validation` and prints the report. They work on the first
``--templates``/``--catalogs`` folder given (before or after the verb), else
on the built-in ``templates/`` and ``catalogs/`` (the repository's top-level
folders in a checkout). ``check`` lives in :mod:`i18nmail.check_cli`. Exit
codes: 0 success, 1 findings or a failed step, 2 usage errors.

:func:`add_commands` registers them on the ``main`` group in ``cli.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from . import layers, messages
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


def _folders(settings: Any, *, writing: bool, create: bool = False) -> tuple[Path, Path]:
    """The templates and catalogs folders a command works on (the top layer).

    A ``--catalogs``/``--templates`` folder that does not exist is a usage
    error (a misspelled CI path must not pass as "no catalogs"), except for
    the catalogs folder of ``extract`` and ``init`` (*create*), which make it.
    """
    from .data import builtin_catalogs, builtin_templates

    for option, given in (("--templates", settings.templates), ("--catalogs", settings.catalogs)):
        for folder in given or ():
            if not Path(folder).is_dir() and not (create and option == "--catalogs"):
                raise click.UsageError(f"{option} {folder}: no such folder")

    templates = settings.templates[0] if settings.templates else builtin_templates()
    catalogs = settings.catalogs[0] if settings.catalogs else builtin_catalogs()
    if settings.templates and not settings.catalogs and writing:
        raise click.UsageError("--templates needs --catalogs too: the message template of a shop's "
                               "own templates belongs in the shop's own catalogs folder")
    if writing and _PACKAGE in Path(catalogs).resolve().parents:
        raise click.UsageError(f"{catalogs} belongs to the installed i18nmail package; "
                               "give your own folder with --catalogs DIR")
    return _shown(Path(templates)), _shown(Path(catalogs))


def _layers(settings: Any, *, create: bool = False) -> layers.Layers | None:
    """The shop's layers when --catalogs names a shop folder; ``None`` for the built-in catalogs."""
    if not settings.catalogs:
        return None
    _folders(settings, writing=True, create=create)
    shop = settings.shop()
    return layers.Layers.build([_shown(Path(t)) for t in settings.templates],
                               [_shown(Path(c)) for c in settings.catalogs],
                               project=shop.name if shop else "shop emails",
                               contact=shop.support_email if shop else "")


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
    template with a syntax error fails with its file and line. In a shop's
    folder (--catalogs DIR) the .pot holds the messages of the shop's
    templates (#: naming the shop's files) and the built-in sentences the
    shop's catalogs override.
    """
    templates, catalogs = _folders(settings, writing=True, create=True)
    shop_layers = _layers(settings, create=True)
    with _reported():
        if check:
            if shop_layers is not None:
                diff = layers.extract(shop_layers, check=True)
                assert isinstance(diff, messages.PotDiff)
            else:
                diff = messages.diff_template(templates, catalogs)
            if diff.stale:
                click.echo(f"i18nmail: {diff.describe()}", err=True)
                raise click.exceptions.Exit(1)
            click.echo(diff.describe())
            return
        if shop_layers is not None:
            changed = bool(layers.extract(shop_layers))
        else:
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
    In a shop's folder a message a lower layer (the built-in catalogs) still
    uses is never made obsolete, and a language the package lacks also gets
    every new built-in message.
    """
    _templates, catalogs = _folders(settings, writing=True)
    shop_layers = _layers(settings)
    with _reported():
        if shop_layers is not None:
            results = layers.update(shop_layers, _locales(locales))
        else:
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
    never overwritten. In a shop's folder the catalog is prefilled from the
    built-in translation of LOCALE; for a language the package lacks it holds
    every message the emails use, built-in and the shop's own.
    """
    _templates, catalogs = _folders(settings, writing=True, create=True)
    shop_layers = _layers(settings, create=True)
    with _reported():
        if shop_layers is not None:
            path = layers.init(shop_layers, locale)
        else:
            path = messages.init(catalogs, locale)
        catalog = messages.read_catalog(path)
    rows = [m for m in catalog if m.id]
    done = sum(1 for m in rows if all(m.string if isinstance(m.string, (list, tuple)) else [m.string]))
    click.echo(f"created {path} (Plural-Forms: {catalog.plural_forms})")
    click.echo(f"{len(rows)} messages, {done} prefilled from the built-in translation")


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


@click.command("override")
@click.argument("locale")
@click.argument("msgid")
@click.option("--context", "msgctxt", default=None, metavar="MSGCTXT",
              help="The message's context when the same English has several (greeting, subject ...).")
@click.option("--translation", default=None, metavar="TEXT",
              help="The shop's text; default: the built-in translation, to edit in the .po.")
@click.pass_obj
def override_command(settings: Any, locale: str, msgid: str, msgctxt: str | None,
                     translation: str | None) -> None:
    """Override one built-in sentence MSGID in the shop's catalog of LOCALE.

    Copies the message (context, comments, references) into
    CATALOGS/LOCALE/LC_MESSAGES/messages.po, prefilled with the built-in
    translation (or --translation), and lists it in the shop's messages.pot
    so `update` keeps it. Needs --catalogs DIR (created if it does not exist yet).
    """
    shop_layers = _layers(settings, create=True)
    if shop_layers is None:
        raise click.UsageError("override writes into a shop's own catalogs: give --catalogs DIR")
    with _reported():
        result = layers.override(shop_layers, locale, msgid, context=msgctxt, translation=translation)
    label = f"{result.msgctxt}|{result.msgid}" if result.msgctxt else result.msgid
    click.echo(f"{result.path}:{result.line}: {label!r} -> {result.msgstr!r}"
               + (" (new catalog)" if result.created else ""))


@click.command("validate")
@click.option("--locale", "-l", "locales", multiple=True, metavar="LOCALE",
              help="Only this locale (repeatable); default: Shop.locales, else every locale.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def validate_command(settings: Any, locales: tuple[str, ...], fmt: str) -> None:
    """Compile every template, load every catalog, render every scenario in every locale.

    Reports every problem with file and line (a broken override, a catalog
    that does not load, a sentence that falls back); exit 1 on any.
    """
    with _reported():
        report = settings.mailer(pseudo=False).validate(_locales(locales))
    if fmt == "json":
        click.echo(report.to_json(), nl=False)
    else:
        click.echo(report.to_text(), nl=False)
    if not report.ok:
        raise click.exceptions.Exit(1)


def add_commands(group: click.Group) -> None:
    """Register the catalog commands on *group* (the ``i18nmail`` CLI)."""
    for command in (extract_command, update_command, init_command, compile_command,
                    stats_command, check_command, override_command, validate_command):
        group.add_command(command)
