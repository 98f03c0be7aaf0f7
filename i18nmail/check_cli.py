"""The ``i18nmail check`` command: lint catalogs with file, line and a stable code.

Kept apart from the other catalog commands so that running it imports only
what checking needs (no renderer, holidays or langcodes unless the rendered
checks run). Exit codes: 0 clean, 1 findings that fail, 2 usage or internal
error (a crash is never 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .checks import CheckReport, Finding, PoFile, check_paths, iter_findings
from .checks_policy import MARKUP, CheckOptions, load_options
from .exceptions import I18nMailError

__all__ = ["check_command", "lower_layers"]


def lower_layers(settings: Any) -> list[Path]:
    """The catalog folders below the checked one: the built-ins, under a shop's own folder."""
    from .data import builtin_catalogs

    builtin = builtin_catalogs()
    if not settings.catalogs or Path(settings.catalogs[0]).resolve() == builtin.resolve():
        return []
    return [Path(c) for c in settings.catalogs[1:]] + [builtin]


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _codes(values: tuple[str, ...]) -> tuple[str, ...] | None:
    codes = tuple(part.strip() for value in values for part in value.split(",") if part.strip())
    return codes or None


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="github: workflow commands that annotate the pull request.")
@click.option("--require-complete", is_flag=True, default=None,
              help="Untranslated and fuzzy entries and a fuzzy header are errors (default: warnings).")
@click.option("--select", multiple=True, metavar="CODE",
              help="Only these codes (repeatable or comma-separated; 'html' selects html-*).")
@click.option("--ignore", multiple=True, metavar="CODE", help="Never these codes (repeatable).")
@click.option("--markup", type=click.Choice(list(MARKUP)), default=None,
              help="html: every message is HTML; auto: where the source has real markup; none.")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Read [tool.i18nmail.check] from this file (default: ./pyproject.toml).")
@click.pass_obj
def check_command(settings: Any, paths: tuple[Path, ...], fmt: str, require_complete: bool | None,
                  select: tuple[str, ...], ignore: tuple[str, ...], markup: str | None,
                  config: Path | None) -> None:
    """Check catalogs: every .po/.pot file in PATH ... (default: the catalogs folder).

    Syntax, header, plural forms, format strings by their flags (python-format,
    c-format, tcl-format, python-brace-format), HTML, whitespace, bidi
    characters, duplicates, fuzzy and untranslated entries, each with a stable
    code, file and line. Catalogs in the --catalogs folder (or the built-in
    one) are i18nmail catalogs: every message is a %-format that may hold
    HTML, and every scenario is also rendered in every locale with its sample
    data. A shop's folder is checked on top of the built-in catalogs: a
    message they translate counts as translated, and only the shop's files
    are reported on. Policy comes from [tool.i18nmail.check] in
    pyproject.toml, then these options. Exit 0 clean, 1 findings that fail,
    2 usage or internal error.
    """
    try:
        options = load_options(config if config is not None else Path("pyproject.toml"))
        options = options.merged(require_complete=require_complete, select=_codes(select),
                                 ignore=_codes(ignore), markup=markup)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        report = _run_check(settings, paths, options, streaming=fmt == "text")
    except (I18nMailError, OSError) as exc:
        click.echo(f"i18nmail: {exc}", err=True)
        raise click.exceptions.Exit(2) from None
    except Exception as exc:  # noqa: BLE001 - a crash is exit 2 with a message, never "findings" (1)
        click.echo(f"i18nmail: internal error in check: {type(exc).__name__}: {exc}", err=True)
        raise click.exceptions.Exit(2) from None
    if fmt == "json":
        click.echo(report.to_json(), nl=False)
    elif fmt == "github":
        click.echo(report.to_github(), nl=False)
        click.echo(f"i18nmail check: {report.summary()}", err=True)
    else:
        click.echo(report.summary())
    if not report.ok:
        raise click.exceptions.Exit(1)


def _run_check(settings: Any, paths: tuple[Path, ...], options: CheckOptions, *,
               streaming: bool) -> CheckReport:
    """Run the check; in text mode each file's findings are printed as soon as it is done."""
    from .data import builtin_catalogs

    builtin = builtin_catalogs()
    catalogs = Path(settings.catalogs[0]) if settings.catalogs else builtin
    targets = list(paths) or [catalogs]
    own = [catalogs, builtin]
    lower = lower_layers(settings)
    rendered = any(_inside(p, catalogs) for p in targets)
    findings: list[Finding] = []
    shown: list[str] = []
    parsed: dict[str, PoFile] = {}
    for name, found in iter_findings(targets, options=options, own=own, lower_layers=lower, parsed=parsed):
        shown.append(name)
        findings.extend(found)
        if streaming:
            for finding in found:
                click.echo(finding.to_text() + ("" if finding.severity == "error" else " (warning)"))
    if rendered:
        extra = check_paths([], rendered=True, mailer=settings.mailer(pseudo=False), catalogs=catalogs,
                            options=options, lower_layers=lower, parsed=parsed).findings
        findings.extend(extra)
        if streaming:
            for finding in extra:
                click.echo(finding.to_text() + ("" if finding.severity == "error" else " (warning)"))
    return CheckReport(tuple(sorted(set(findings), key=Finding.sort_key)), tuple(sorted(shown)))
