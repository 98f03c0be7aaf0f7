"""The ``i18nmail`` command line.

Exit codes: 0 success, 1 findings or a failed check or render, 2 usage errors
(click's own convention for bad options). Errors are one line on stderr,
never a traceback.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .config import Shop
from .exceptions import I18nMailError

if TYPE_CHECKING:
    from .render import Mailer

__all__ = ["main"]

FORMATS = ("eml", "text", "html", "json")


class Settings:
    """Options every command shares, kept on the click context.

    ``templates``/``catalogs`` are the shop's folders, highest layer first
    (each option may be repeated, before or after the verb); ``shop_file`` a
    TOML file with the shop's settings (default: ``[tool.i18nmail.shop]`` of
    ``./pyproject.toml`` when it has one); ``strict`` makes every render
    refuse fallbacks.
    """

    def __init__(self, templates: Sequence[Path] = (), catalogs: Sequence[Path] = (),
                 shop_file: Path | None = None, strict: bool = False) -> None:
        self.templates: list[Path] = list(templates)
        self.catalogs: list[Path] = list(catalogs)
        self.shop_file = shop_file
        self.strict = strict
        self._mailer: Mailer | None = None
        self._shop: tuple[Shop | None] | None = None

    def shop(self) -> Shop | None:
        """The shop of ``--shop FILE`` or ``./pyproject.toml``; ``None`` for the example shop."""
        if self._shop is None:
            self._shop = (load_shop(self.shop_file, required=self.shop_file is not None),)
        return self._shop[0]

    def mailer(self, *, pseudo: bool = True, auto_reload: bool = False) -> Mailer:
        if self._mailer is None or not pseudo or auto_reload:
            from .render import Mailer

            mailer = Mailer(self.shop(), templates=self.templates, catalogs=self.catalogs,
                            pseudo=pseudo, strict=self.strict, auto_reload=auto_reload)
            if not pseudo or auto_reload:
                return mailer
            self._mailer = mailer
        return self._mailer


def load_shop(path: Path | None, *, required: bool) -> Shop | None:
    """Shop settings from *path* (``[tool.i18nmail.shop]``, a ``[shop]`` table, or
    top-level keys), or from ``./pyproject.toml`` when *path* is ``None``."""
    target = path if path is not None else Path("pyproject.toml")
    from .tomlcache import decode_error, load_toml

    try:
        data = load_toml(target, binary=True)
    except FileNotFoundError:
        if required:
            raise click.BadParameter(f"no such file: {target}", param_hint="--shop") from None
        return None
    except (OSError, decode_error()) as exc:
        raise click.BadParameter(f"cannot read {target}: {exc}", param_hint="--shop") from None
    if "tool" in data or path is None:
        table = data.get("tool", {}).get("i18nmail", {}).get("shop")
    else:
        table = data.get("shop", data)
    if table is None:
        if required:
            raise click.BadParameter(f"{target} has no [tool.i18nmail.shop] table", param_hint="--shop")
        return None
    try:
        return Shop.from_mapping(table)
    except (ValueError, TypeError) as exc:
        raise click.BadParameter(f"{target}: {exc}", param_hint="--shop") from None


def _add_templates(ctx: click.Context, _param: click.Parameter, values: tuple[Path, ...]) -> None:
    ctx.find_object(Settings).templates.extend(values)  # type: ignore[union-attr]


def _add_catalogs(ctx: click.Context, _param: click.Parameter, values: tuple[Path, ...]) -> None:
    ctx.find_object(Settings).catalogs.extend(values)  # type: ignore[union-attr]


def _set_shop(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        settings = ctx.find_object(Settings)
        assert settings is not None
        settings.shop_file, settings._shop, settings._mailer = value, None, None


def _set_strict(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        settings = ctx.find_object(Settings)
        assert settings is not None
        settings.strict, settings._mailer = True, None


def shared_options() -> list[click.Option]:
    """The options every command accepts, before or after the verb."""
    folder = click.Path(file_okay=False, path_type=Path)
    return [
        click.Option(["--templates"], type=folder, multiple=True, expose_value=False, callback=_add_templates,
                     help="A shop's own templates folder, searched before the built-in one "
                          "(repeatable; the first given is searched first)."),
        click.Option(["--catalogs"], type=folder, multiple=True, expose_value=False, callback=_add_catalogs,
                     help="A shop's own catalogs folder, searched before the built-in one "
                          "(repeatable; the first given is the shop's, written by the catalog tools)."),
        click.Option(["--shop"], type=click.Path(dir_okay=False, path_type=Path), expose_value=False,
                     callback=_set_shop,
                     help="TOML file with the shop's settings ([tool.i18nmail.shop]); "
                          "default: ./pyproject.toml when it has that table."),
        click.Option(["--strict"], is_flag=True, expose_value=False, callback=_set_strict,
                     help="Refuse any fallback (a sentence in another language, a catalog that "
                          "does not load, a guessed currency, placeholder shop settings)."),
    ]


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn i18nmail's typed errors into one line on stderr and exit code 1."""
    try:
        yield
    except I18nMailError as exc:
        raise click.ClickException(str(exc)) from None
    except (ValueError, TypeError, LookupError) as exc:
        raise click.ClickException(str(exc)) from None
    except ArithmeticError as exc:  # a date or number beyond what can be represented (fuzzing D3)
        raise click.ClickException(f"out of range: {exc}") from None


def _json_default(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def dump_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


def parse_now(value: str | None) -> datetime | None:
    """``--now``: an ISO datetime with offset, or a date (midnight UTC)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO date or datetime: {value!r}", param_hint="--now") from None
    if parsed.tzinfo is None:
        if "T" in value or " " in value.strip():
            raise click.BadParameter("give a time zone offset, e.g. 2026-11-23T09:00+01:00",
                                     param_hint="--now")
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


#: Commands defined in other modules, imported only when run or listed, so that
#: ``i18nmail check`` starts without the renderer, holidays and langcodes.
_LAZY_COMMANDS = {
    "preview": "i18nmail.preview:preview_command",
    "extract": "i18nmail.catalog_cli:extract_command",
    "update": "i18nmail.catalog_cli:update_command",
    "init": "i18nmail.catalog_cli:init_command",
    "compile": "i18nmail.catalog_cli:compile_command",
    "stats": "i18nmail.catalog_cli:stats_command",
    "check": "i18nmail.check_cli:check_command",
    "override": "i18nmail.catalog_cli:override_command",
    "validate": "i18nmail.catalog_cli:validate_command",
    "send": "i18nmail.delivery.cli:send_command",
}


class _LazyGroup(click.Group):
    """A click group that imports the module of a command on first use.

    It also creates :class:`Settings` before any option is parsed, and gives
    every command the shared options, so they work before or after the verb.
    """

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        extra.setdefault("obj", Settings())
        return super().make_context(info_name, args, parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY_COMMANDS})

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # The reader went away (`i18nmail render ... | true`): say so in one
            # line, and point stdout at /dev/null so the interpreter's final
            # flush does not fail a second time.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            click.echo("i18nmail: the output was closed before everything was written (broken pipe)",
                       err=True)
            ctx.exit(1)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _LAZY_COMMANDS and cmd_name not in self.commands:
            module, _, attr = _LAZY_COMMANDS[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        command = super().get_command(ctx, cmd_name)
        if command is not None and not getattr(command, "_i18nmail_shared", False):
            command.params.extend(shared_options())  # the options, after the verb too
            command._i18nmail_shared = True  # type: ignore[attr-defined]
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="i18nmail")
def main() -> None:
    """Customer-service emails in each customer's own language.

    --templates, --catalogs, --shop and --strict work before or after the verb.
    """


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def scenarios(settings: Settings, fmt: str) -> None:
    """List the scenarios, their context fields and sample data."""
    with reported_errors():
        mailer = settings.mailer()
        found = mailer.scenarios()
    if fmt == "json":
        dump_json([s.describe() for s in found])
        return
    width = max(len(s.id) for s in found)
    for s in found:
        click.echo(f"{s.id:<{width}}  {s.description}")


#: Largest --context accepted, in bytes.
MAX_CONTEXT_BYTES = 16 * 1024 * 1024


def _read_context(source: str) -> dict[str, Any]:
    """The --context JSON object; every problem is a one-line usage error (exit 2)."""
    where = "stdin" if source == "-" else source
    try:
        if source == "-":
            stream = getattr(sys.stdin, "buffer", None)
            if stream is None:  # stdin closed (`<&-`): sys.stdin is None (fuzzing D5)
                raise click.BadParameter("stdin is closed; give a file or pipe the JSON in",
                                         param_hint="--context")
            data_bytes = stream.read(MAX_CONTEXT_BYTES + 1)
        else:
            with open(source, "rb") as handle:
                data_bytes = handle.read(MAX_CONTEXT_BYTES + 1)
        if len(data_bytes) > MAX_CONTEXT_BYTES:
            raise click.BadParameter(f"{where} is larger than {MAX_CONTEXT_BYTES} bytes", param_hint="--context")
        # JSON is UTF-8 whatever the terminal's encoding (fuzzing D13).
        raw = data_bytes.decode("utf-8-sig")
    except OSError as exc:
        raise click.BadParameter(f"cannot read {source}: {exc.strerror or exc}", param_hint="--context") from None
    except UnicodeDecodeError:
        raise click.BadParameter(f"{where} is not UTF-8", param_hint="--context") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"{where}: invalid JSON at line {exc.lineno}: {exc.msg}",
                                 param_hint="--context") from None
    except RecursionError:  # fuzzing D5: '[' * 100000
        raise click.BadParameter(f"{where}: JSON nested too deeply", param_hint="--context") from None
    if not isinstance(data, dict):
        raise click.BadParameter(f"{where}: expected a JSON object", param_hint="--context")
    return data


@main.command()
@click.argument("scenario")
@click.option("--locale", "locale", required=True, help="The customer's locale: sv-FI, nb_NO.UTF-8, ko ...")
@click.option("--sample", is_flag=True, help="Use the scenario's built-in sample data.")
@click.option("--context", "context_source", metavar="FILE.json|-", help="Context as a JSON object.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--now", metavar="ISO-DATETIME", help="Render as if it were this moment.")
@click.option("--sender", default=None, help="From address for --format eml (default: the shop's).")
@click.option("--recipient", default=None, help="To address for --format eml.")
@click.pass_obj
def render(settings: Settings, scenario: str, locale: str, sample: bool, context_source: str | None,
           fmt: str, now: str | None, sender: str | None, recipient: str | None) -> None:
    """Render SCENARIO for a customer in --locale."""
    if sample == (context_source is not None):
        raise click.UsageError("give exactly one of --sample or --context FILE.json|-")
    moment = parse_now(now)
    with reported_errors():
        mailer = settings.mailer()
        declared = mailer.scenario(scenario)
        if sample:
            chain = mailer.negotiate(locale).catalogs
            from .formatting import utc_now

            moment = moment or utc_now()  # the sample's relative dates and the render share one now
            context = declared.sample(chain[0] if chain else "en", now=moment)
        else:
            assert context_source is not None
            context = _read_context(context_source)
        email = mailer.render(scenario, locale=locale, context=context, now=moment)
        for item in email.fallbacks:
            click.echo(f"i18nmail: fallback: {item}", err=True)
        if fmt == "json":
            dump_json(email.as_dict())
        elif fmt == "text":
            click.echo(email.text, nl=False)
        elif fmt == "html":
            click.echo(email.html)
        else:
            to = recipient or context.get("customer_email") or "customer@example.invalid"
            if context.get("customer_name") and not recipient:
                to = (str(context["customer_name"]), str(to))
            shop = mailer.shop
            message = email.to_message(sender=sender or (shop.sender_name or shop.name, shop.support_email),
                                       recipient=to, date=moment)
            click.echo(message.as_string(), nl=False)


def _parse_days(value: str) -> tuple[int, int]:
    text = value.replace("\N{EN DASH}", "-").strip()
    try:
        if "-" in text:
            low, high = (int(part) for part in text.split("-", 1))
        else:
            low = high = int(text)
    except ValueError:
        raise click.BadParameter(f"expected N or LOW-HIGH, e.g. 3-5, got {value!r}", param_hint="--days") from None
    if low < 0 or high < low:
        raise click.BadParameter(f"expected 0 <= LOW <= HIGH, got {value!r}", param_hint="--days")
    return low, high


@main.command()
@click.option("--country", required=True, help="ISO 3166 country code whose business days count: SE, KR ...")
@click.option("--from", "start", required=True, metavar="DATE", help="Start date (ISO), or an ISO datetime with offset.")
@click.option("--days", required=True, metavar="LOW-HIGH", help="Business days, e.g. 3-5 or 2.")
@click.option("--locale", default="en", show_default=True, help="Language the dates are written in.")
@click.option("--subdivision", default=None, metavar="CODE",
              help="A region's bank holidays, e.g. SCT for Scotland (default: the market's, ENG for GB).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def window(settings: Settings, country: str, start: str, days: str, locale: str, subdivision: str | None,
           fmt: str) -> None:
    """Turn "LOW-HIGH business days from DATE" into two real dates.

    A window reaching a year whose bank closures are still estimated (China
    before the State Council's notice) says so: on standard error in text
    output, as "estimated" and "fallbacks" in JSON.
    """
    low, high = _parse_days(days)
    if not (country.isascii() and country.isalpha()):
        # 'ſE'.upper() == 'SE': only ASCII letters name a country (fuzzing D13).
        raise click.BadParameter(f"expected an ISO 3166 code such as SE, got {country[:20]!r}",
                                 param_hint="--country")
    try:
        origin: date | datetime = (datetime.fromisoformat(start) if "T" in start else date.fromisoformat(start))
    except (ValueError, OverflowError):
        raise click.BadParameter(f"not an ISO date: {start!r}", param_hint="--from") from None
    with reported_errors():
        found, text, match = settings.mailer().describe_window(
            origin, low, high, locale=locale, country=country, subdivision=subdivision)
    notes = [f for f in match.fallbacks if f.kind == "calendar"]
    if fmt == "json":
        dump_json({
            "country": country.upper(), "from": origin.isoformat(), "low": low, "high": high,
            "first": found.first.isoformat(), "last": found.last.isoformat(),
            "locale": match.tag, "text": text,
            "estimated": any("estimated" in f.detail for f in notes),
            "fallbacks": [str(f) for f in notes],
        })
        return
    click.echo(f"{found.first.isoformat()}  {found.last.isoformat()}")
    click.echo(text)
    for note in notes:
        click.echo(f"note: {note.detail}", err=True)


def run() -> None:
    """The ``i18nmail`` program (the console script and ``python -m i18nmail``).

    A command runs once and exits. At exit the interpreter's last garbage
    collection walks every object of every imported module (Jinja, Babel's
    data, click ...), about 20 ms of a first email, only to free memory the
    operating system takes back anyway; so the program skips it
    (:func:`gc.freeze` at exit). Output and files are written and closed
    before that; Python never promises finalisers for objects still alive at
    exit. :data:`main` called from Python (``CliRunner``, a shop's script)
    is unchanged.
    """
    atexit.register(gc.freeze)
    main(prog_name="i18nmail")


def register(command: click.Command) -> Callable[[], None]:
    """Add *command* to the ``i18nmail`` group (used by the tooling modules)."""
    main.add_command(command)
    return lambda: None


for _option in shared_options():  # accepted before the verb (and after it: _LazyGroup.get_command)
    main.params.append(_option)
