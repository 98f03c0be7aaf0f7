"""The render pipeline: scenario + locale + context -> :class:`RenderedEmail`.

One :class:`Mailer` is built at start-up and shared by every thread. A render
is a pure function of (scenario, locale, context, shop, now): translations are
bound per render through the template context, never installed into
``Environment.globals`` after start-up, and no locale state is global.

Each scenario template is rendered twice from the same messages: once in a
text environment (autoescape off: subject, preheader, plain text) and once in
an HTML environment (autoescape on). Customer values are escaped exactly once
in HTML and left raw in text and subject.

>>> from datetime import UTC
>>> mailer = Mailer()
>>> email = mailer.render("support_acknowledgement", locale="sv-FI",
...                       context=mailer.scenario("support_acknowledgement").sample("sv"),
...                       now=datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
>>> email.locale, email.fallbacks
('sv-FI', ())
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import babel.numbers
import css_inline
import jinja2
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from .businessdays import BusinessCalendar, Window
from .bytecode import bytecode_cache
from .catalogs import CatalogSet, LoadedCatalog, Lookup, Translator, substitute
from .config import Shop
from .data import builtin_catalogs, builtin_templates
from .exceptions import (
    ConfigError,
    ContextError,
    RenderError,
    StrictModeError,
    TemplateError,
    UnknownScenarioError,
)
from .folders import STRICT_KINDS, Folders, layer_roots, plain_undefined, template_frame
from .formatting import Formatter, utc_now
from .memo import PerRender
from .message import RenderedEmail, clean_header_text, collapse_spaces
from .negotiation import Fallback, LocaleMatch, bcp47, negotiate, normalise_country, primary_zone
from .pseudo import PSEUDO_LOCALE, pseudo_catalog
from .scenarios import Scenario, load_scenarios
from .typography import (
    drop_bidi_controls,
    finish_isolates,
    font_stack,
    isolate,
    line_height,
    strip_sentinels,
)

if TYPE_CHECKING:
    from .compiled import CompiledScenario, Sources
    from .validation import ValidationReport

__all__ = ["STRICT_KINDS", "Folders", "Mailer", "builtin_catalogs", "builtin_templates", "layer_roots"]

log = logging.getLogger("i18nmail")
_STATE = "__i18nmail_state"
#: Compiled (scenario, locale) pairs a Mailer keeps; past it the oldest goes
#: (each holds a few hundred kB; the locale tag comes from the caller).
_MAX_COMPILED = 512
#: Hard cap on the subject, in characters (grapheme-safe cut, then an ellipsis).
MAX_SUBJECT = 150


@dataclass
class _RenderState:
    """Per-render translation state, reached from templates through the context."""

    translator: Translator
    language: str
    fmt: Formatter
    mark_fallbacks: bool
    fallbacks: list[Fallback] = field(default_factory=list)
    seen: set[tuple[str | None, str]] = field(default_factory=set)


def _state(ctx: Context) -> _RenderState:
    state = ctx.get(_STATE)
    if not isinstance(state, _RenderState):
        raise RenderError("gettext called outside an i18nmail render")
    return state


def _finish(ctx: Context, state: _RenderState, msgctxt: str | None, msgid: str, found: Lookup,
            values: Mapping[str, Any]) -> str:
    autoescape = ctx.eval_ctx.autoescape
    is_fallback = bool(found.problems) or (
        found.locale != state.translator.primary and not (found.locale is None and state.language == "en")
    )
    if is_fallback and (msgctxt, msgid) not in state.seen:
        state.seen.add((msgctxt, msgid))
        if found.problems:
            detail = "translation rejected (" + "; ".join(found.problems) + ")"
        else:
            detail = f"not translated in {state.translator.primary or 'this locale'!r}"
        detail += f"; used {found.locale or 'the English source'}"
        state.fallbacks.append(Fallback(kind="message", detail=detail, locale=state.translator.primary,
                                        message=msgid if msgctxt is None else f"{msgctxt}|{msgid}"))
    try:
        if autoescape and state.fmt.direction == "rtl":
            # Isolate each value (order numbers, names, amounts) so Latin text
            # keeps its order inside a right-to-left sentence.
            text: str = Markup(substitute(found.text, values, escape=lambda v: f"<bdi>{escape(v)}</bdi>"))
        elif autoescape:
            text = Markup(substitute(found.text, values, escape=lambda v: str(escape(v))))
        elif state.fmt.direction == "rtl":
            # Plain text has no <bdi>: mark each value for a Unicode isolate,
            # inserted after bidi controls from the data have been removed.
            text = substitute(found.text, values, escape=isolate)
        else:
            text = substitute(found.text, values)
    except KeyError as exc:
        raise TemplateError(f"message {msgid!r} needs the variable {exc.args[0]!r}, which the template does not pass") from None
    if autoescape and is_fallback and state.mark_fallbacks:
        return Markup('<mark class="i18nmail-fallback" dir="auto" title="{}">{}</mark>').format(
            "fell back to " + (found.locale or "English"), text
        )
    return text


@pass_context
def _gettext(ctx: Context, message: str, **variables: Any) -> str:
    state = _state(ctx)
    return _finish(ctx, state, None, message, state.translator.gettext(None, message), variables)


@pass_context
def _pgettext(ctx: Context, msgctxt: str, message: str, **variables: Any) -> str:
    state = _state(ctx)
    return _finish(ctx, state, msgctxt, message, state.translator.gettext(msgctxt, message), variables)


def _plural(ctx: Context, msgctxt: str | None, singular: str, plural: str, num: int, variables: dict[str, Any]) -> str:
    state = _state(ctx)
    if isinstance(num, bool) or not isinstance(num, int):
        raise TemplateError(f"plural count for {singular!r} must be an integer, got {type(num).__name__}")
    variables.setdefault("num", state.fmt.number(num))
    found = state.translator.ngettext(msgctxt, singular, plural, num, "num")
    return _finish(ctx, state, msgctxt, singular, found, variables)


@pass_context
def _ngettext(ctx: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
    return _plural(ctx, None, singular, plural, num, variables)


@pass_context
def _npgettext(ctx: Context, msgctxt: str, singular: str, plural: str, num: int, **variables: Any) -> str:
    return _plural(ctx, msgctxt, singular, plural, num, variables)


@pass_context
def _setting(ctx: Context, value: str, choices: tuple[str, ...], default: str, message: str) -> str:
    """A translator's setting (e.g. "greeting form") if it is one of *choices*;
    otherwise *default*, recorded on the email as a message fallback."""
    if value in choices:
        return value
    state = _state(ctx)
    note = Fallback(kind="message", locale=state.translator.primary, message=message,
                    detail=f"setting {str(value)[:40]!r} is not one of {', '.join(choices)}; used {default!r}")
    if note not in state.fallbacks:
        state.fallbacks.append(note)
    return default


def _make_env(loader: jinja2.BaseLoader, *, autoescape: bool, auto_reload: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=loader,
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        auto_reload=auto_reload,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        bytecode_cache=bytecode_cache(f"i18nmail render env 1; autoescape={autoescape}"),
    )
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    # Set once at start-up; translations are found per render through the context.
    env.globals.update(
        _=_gettext, gettext=_gettext, pgettext=_pgettext, ngettext=_ngettext, npgettext=_npgettext,
        setting=_setting,
    )
    env.tests["latin"] = _is_latin
    return env


def _is_latin(text: object) -> bool:
    """Whether *text* has Latin letters (a name such as "Emma Wilson" keeps given-name-first order)."""
    return any(ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN") for ch in str(text))


def _truncate_graphemes(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = limit - 1
    while cut > 0 and (unicodedata.combining(text[cut]) or text[cut] in "\u200d\ufe0f\ufe0e"):
        cut -= 1
    if cut > 0 and "\ud800" <= text[cut - 1] <= "\udbff":  # pragma: no cover - str has no surrogates
        cut -= 1
    return text[:cut].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


class _Agent(dict[str, Any]):
    """Who signs the email: ``agent.name`` and ``agent["name"]`` both work in a
    template, and the attribute is an attribute (found without an exception)."""

    def __init__(self, **fields: Any) -> None:
        super().__init__(fields)
        self.__dict__.update(fields)


@dataclass(frozen=True)
class _CompiledEntry:
    """A compiled scenario (or ``None``: it renders in full), with what it was built from."""

    catalogs: tuple[LoadedCatalog, ...]
    compiled: CompiledScenario | None
    uptodate: tuple[Callable[[], bool], ...]


@dataclass(frozen=True)
class RefundWindow:
    """When refunded money shows up: ``first``/``last`` dates, or ``instant``."""

    method: str
    low: int
    high: int
    first: date
    last: date
    dates: str

    @property
    def instant(self) -> bool:
        return self.high == 0


class Mailer:
    """Renders every scenario in every supported locale.

    ``templates`` and ``catalogs`` name a shop's own folders (one, or a list
    searched in the order given), searched before the built-in ones (a shop
    overrides one sentence or one template and keeps the rest).
    ``auto_reload`` re-reads changed catalogs and templates on the next render
    (the preview server turns it on).

    ``strict=True`` is for production: a render whose email would carry a
    fallback of a kind in :data:`~i18nmail.folders.STRICT_KINDS` (a sentence
    from another language, a catalog that did not load, a currency guessed
    from the customer's country) raises :class:`StrictModeError` listing every
    fallback, and a shop with placeholder addresses is refused at once. A
    whole email in the default language (an unknown locale) or another
    country's holidays are still recorded, not refused. :meth:`validate`
    checks everything before the first render.

    ``compiled=True`` (the default) compiles each scenario once per locale, on
    its second render there, into templates with the sentences translated, the
    components expanded and the CSS inlined (:mod:`i18nmail.compiled`); the
    email is byte for byte the same. ``compiled=False`` renders every email
    through the full templates.
    """

    #: Renders of one (scenario, locale) before it is compiled: the first email
    #: of a fresh process does not wait for the compiler.
    _compile_after = 2
    #: When the compiled templates fail, the full templates render the email
    #: (and raise the precise error); tests turn this off to see the failure.
    _compiled_fallback = True

    def __init__(
        self,
        shop: Shop | None = None,
        *,
        templates: Folders = None,
        catalogs: Folders = None,
        auto_reload: bool = False,
        inline_css: bool = True,
        pseudo: bool = False,
        strict: bool = False,
        compiled: bool = True,
    ) -> None:
        self.shop = shop or Shop()
        self.template_roots: tuple[Path, ...] = layer_roots(templates) + (builtin_templates(),)
        self.catalog_roots: tuple[Path, ...] = layer_roots(catalogs) + (builtin_catalogs(),)
        for root in self.template_roots + self.catalog_roots:
            if not root.is_dir():
                raise RenderError(f"no such folder: {root}")
        self.strict = strict
        if strict and self.shop.placeholder_settings():
            raise ConfigError("strict mode: the shop still uses placeholder settings; set them in "
                              "Shop(...) or [tool.i18nmail.shop]:", problems=self.shop.placeholder_settings())
        self.auto_reload = auto_reload
        self.pseudo = pseudo
        self._pseudo: tuple[tuple[tuple[int, int] | None, ...], LoadedCatalog] | None = None
        virtual = {PSEUDO_LOCALE: self._pseudo_catalog} if pseudo else None
        self.catalogs = CatalogSet(self.catalog_roots, auto_reload=auto_reload, virtual=virtual)
        loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(r)) for r in self.template_roots])
        self._text_env = _make_env(loader, autoescape=False, auto_reload=auto_reload)
        self._html_env = _make_env(loader, autoescape=True, auto_reload=auto_reload)
        self._inliner = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False) if inline_css else None
        self._scenarios = load_scenarios(self.template_roots)
        self._lock = threading.Lock()
        self._calendars: dict[tuple[str, str | None], BusinessCalendar] = {}
        self.compiled = compiled
        self._compile_lock = threading.Lock()
        self._compiled_cache: dict[tuple[object, ...], _CompiledEntry] = {}
        self._sources: tuple[Sources, Sources] | None = None  # the compiler's, made on first use
        self._render_counts: dict[tuple[object, ...], int] = {}
        self._negotiated: dict[str, LocaleMatch] = {}
        self._windows: dict[tuple[object, ...], tuple[date, date, str, Fallback | None]] = {}
        self._translators: dict[tuple[str, ...], tuple[Translator, tuple[Fallback, ...]]] = {}
        default = negotiate(self.shop.default_locale, available=self.catalogs.available(), default="en")
        if default.fallbacks:
            raise RenderError(f"Shop.default_locale {self.shop.default_locale!r} has no catalog here")

    def _pseudo_catalog(self) -> LoadedCatalog:
        """The en-XA catalog, rebuilt only when a messages.pot changed (auto-reload)."""
        pots = [root / "messages.pot" for root in self.catalog_roots]
        stamp = tuple((st.st_mtime_ns, st.st_size) if (st := _stat(p)) else None for p in pots)
        with self._lock:
            if self._pseudo is None or self._pseudo[0] != stamp:
                self._pseudo = (stamp, pseudo_catalog(pots))
            return self._pseudo[1]

    # -- discovery -----------------------------------------------------------------

    def scenarios(self) -> list[Scenario]:
        """All scenarios, sorted by id."""
        if self.auto_reload:
            self._scenarios = load_scenarios(self.template_roots)
        return list(self._scenarios.values())

    def scenario(self, scenario_id: str) -> Scenario:
        """One scenario by id; :class:`UnknownScenarioError` with a suggestion otherwise."""
        if self.auto_reload:
            self._scenarios = load_scenarios(self.template_roots)
        if not isinstance(scenario_id, str) or scenario_id not in self._scenarios:
            raise UnknownScenarioError(str(scenario_id)[:80], self._scenarios)
        return self._scenarios[scenario_id]

    def locales(self) -> list[str]:
        """BCP 47 tags of every locale with a catalog, plus English (the source)."""
        return sorted({bcp47(c) for c in self.catalogs.available() if c != PSEUDO_LOCALE} | {"en"})

    def negotiate(self, locale: object) -> LocaleMatch:
        """The locale a render for *locale* would use, and why."""
        if self.auto_reload or not isinstance(locale, str) or len(locale) > 64:
            return negotiate(locale, available=self.catalogs.available(), default=self.shop.default_locale)
        found = self._negotiated.get(locale)  # the same few tags, email after email
        if found is None:
            found = negotiate(locale, available=self.catalogs.available(), default=self.shop.default_locale)
            if len(self._negotiated) >= 4096:
                self._negotiated.clear()
            self._negotiated[locale] = found
        return found

    # -- rendering -----------------------------------------------------------------

    def _timezone(self, values: Mapping[str, Any], country: str) -> ZoneInfo:
        if values.get("timezone"):
            return ZoneInfo(values["timezone"])
        try:
            return ZoneInfo(primary_zone(country))
        except LookupError:
            return self.shop.tzinfo

    def customer_country(self, match: LocaleMatch, country: str | None = None) -> tuple[str, Fallback | None]:
        """The customer's country, and a ``country`` fallback when it had to be guessed.

        The context's ``country`` comes first, then the locale's region
        (``sv-FI`` -> ``FI``), then ``Shop.country``. A locale without a region
        never chooses the country by itself (a bare ``ar`` is not Egypt); only
        when none of the three is known is the language's most likely country
        used, and that guess is recorded.
        """
        if country:
            return country.upper(), None
        if match.region and match.region.isalpha():
            return match.region, None
        if self.shop.country:
            return self.shop.country.upper(), None
        return match.country, Fallback(
            kind="country", locale=match.tag,
            detail=(f"no country given (context 'country', the locale's region or Shop.country); "
                    f"assumed {match.country}, the most likely country for {match.language!r}"),
        )

    def calendar_country(self, match: LocaleMatch, country: str | None = None) -> str:
        """The country whose business days count: the customer's country (see
        :meth:`customer_country`) when the holidays package knows it, else the
        shop's country, else ``US``."""
        chosen, _ = self.customer_country(match, country)
        if chosen in _holiday_countries():
            return chosen
        return (self.shop.country or "US").upper()

    def calendar(self, country: str, subdivision: str | None = None) -> BusinessCalendar:
        """The business-day calendar for *country* with the shop's closures and cut-off.

        The cut-off is a time in the shop's own zone, so a shop with a cut-off
        counts in ``Shop.timezone``; otherwise dates are taken in the country's
        main zone (an order at 23:30 UTC is already tomorrow in Seoul).
        ``subdivision`` picks a region's calendar (``"SCT"`` for Scotland);
        by default the market file's (England and Wales for ``GB``).
        """
        cal = self._calendars.get((country, subdivision))  # the lock only to build one
        if cal is not None:
            return cal
        with self._lock:
            cal = self._calendars.get((country, subdivision))
            if cal is None:
                cal = BusinessCalendar(
                    country, subdivision=subdivision, closures=self.shop.closures, cutoff=self.shop.cutoff,
                    tz=self.shop.timezone if self.shop.cutoff is not None else None,
                )
                self._calendars[(country, subdivision)] = cal
            return cal

    def _refund_window(self, cal: BusinessCalendar, origin: date | datetime, method: str, low: int, high: int,
                       match: LocaleMatch, fmt: Formatter) -> tuple[RefundWindow, Fallback | None]:
        """The window and the sentence's dates, and a fallback when its years'
        closures are estimated: the same for every email of a day and locale."""
        day = cal.start_day(origin)
        noted = origin.astimezone(cal.tz).date() if isinstance(origin, datetime) else day
        key = (cal, day, noted, low, high, match.tag, match.babel_id)
        found = self._windows.get(key)
        if found is None:
            first, last = cal.window(day, low, high)
            found = (first, last, fmt.date_range(first, last), _estimated_note(cal, noted, last, match.tag))
            if len(self._windows) >= 4096:
                self._windows.clear()
            self._windows[key] = found
        first, last, dates, note = found
        return RefundWindow(method, low, high, first, last, dates), note

    def _translator(self, match: LocaleMatch) -> tuple[Translator, list[Fallback]]:
        """The catalogs of *match*'s chain, and any that failed to load."""
        if not self.auto_reload:
            # Without auto-reload a catalog is read once: so is the chain.
            found = self._translators.get(match.catalogs)
            if found is not None:
                return found[0], list(found[1])
        catalogs, problems = self.catalogs.chain(match.catalogs)
        translator = Translator(catalogs, primary=match.catalogs[0] if match.catalogs else None)
        if not self.auto_reload:
            self._translators[match.catalogs] = (translator, tuple(problems))
        return translator, problems

    def describe_window(
        self,
        start: date | datetime,
        low: int,
        high: int,
        *,
        locale: object,
        country: str | None = None,
        subdivision: str | None = None,
    ) -> tuple[Window, str, LocaleMatch]:
        """The dates of "*low*-*high* business days" from *start*, and one sentence
        saying so in *locale*: ``(Window, text, LocaleMatch)``.

        *country* defaults to the locale's region (``sv-FI`` -> ``FI``), then
        ``Shop.country``. When the window reaches a year whose closures are
        estimated (China before the State Council's notice), the returned
        match carries a ``calendar`` fallback saying so.
        """
        match = self.negotiate(locale)
        notes: list[Fallback] = []
        if country:
            chosen = normalise_country(country)
        else:
            chosen, guessed = self.customer_country(match)
            notes.extend([guessed] if guessed else [])
            chosen = self.calendar_country(match)
        cal = self.calendar(chosen, subdivision)
        window = cal.window(start, low, high)
        start_day = start.astimezone(cal.tz).date() if isinstance(start, datetime) else start
        estimated = _estimated_note(cal, start_day, window.last, match.tag)
        notes.extend([estimated] if estimated else [])
        if notes:
            match = dataclasses.replace(match, fallbacks=match.fallbacks + tuple(notes))
        fmt = Formatter.get(match.babel_id, str(cal.tz), "EUR")
        translator, _problems = self._translator(match)
        state = _RenderState(translator, match.language, fmt, mark_fallbacks=False)
        template = self._text_env.get_template("snippets/window.j2")
        text = template.render({_STATE: state, "fmt": fmt, "low": low, "high": high,
                                "start": start_day, "window": window})
        return window, collapse_spaces(text), match

    def render(
        self,
        scenario: str,
        *,
        locale: object,
        context: Mapping[str, Any],
        now: datetime | None = None,
        mark_fallbacks: bool = False,
    ) -> RenderedEmail:
        """Render *scenario* for a customer in *locale* with *context*.

        Raises :class:`UnknownScenarioError`, :class:`ContextError` (also a
        ``ValueError``; a ``TypeError`` too for a wrongly typed value such as a
        float amount) or :class:`TemplateError`; never returns a partial email.
        ``mark_fallbacks`` highlights fallback sentences in the HTML (preview only).
        """
        declared = self.scenario(scenario)
        if now is None:
            now = utc_now()
        try:
            aware = isinstance(now, datetime) and now.tzinfo is not None and now.utcoffset() is not None
        except Exception as exc:  # noqa: BLE001 - a caller's tzinfo may raise anything (fuzzing D13)
            raise ValueError(f"now has a tzinfo that fails: {type(exc).__name__}") from None
        if not aware:
            raise ValueError("now must be an aware datetime (e.g. datetime.now(timezone.utc))")
        match = self.negotiate(locale)
        given = context.get("country") if isinstance(context, Mapping) else None
        if given is not None:
            try:
                given = normalise_country(given)
            except (TypeError, ValueError) as exc:
                raise ContextError(str(exc), scenario=declared.id, field="country") from None
        country, guessed = self.customer_country(match, given)
        # Money: the context's currency, else the shop's, else that of the
        # customer's country. A country the context or the shop names is data;
        # one read off the locale ("de-DE" -> euros for a shop selling in SEK)
        # is a guess, recorded below when the email shows an amount.
        from_locale = not given and not (self.shop.country and not (match.region and match.region.isalpha()))
        currency_guessed = self.shop.currency is None and from_locale and not (
            isinstance(context, Mapping) and context.get("currency"))
        default_currency = self.shop.currency or _territory_currency(country, now.date())
        values = declared.convert(context, self.shop, default_currency)
        tz = self._timezone(values, country)
        fmt = PerRender(Formatter.get(match.babel_id, tz, values["currency"]))  # each value once
        translator, problems = self._translator(match)
        fallbacks: list[Fallback] = list(match.fallbacks) + problems
        if guessed is not None:
            fallbacks.append(guessed)
        if currency_guessed and declared.uses_money:
            fallbacks.append(Fallback(
                kind="currency", locale=match.tag,
                detail=f"no currency in the context and no Shop.currency; used {default_currency}, "
                       f"the currency of {country or '(unknown)'}, the country the locale names"))
        text_state = _RenderState(translator, match.language, fmt, mark_fallbacks=False)
        html_state = _RenderState(translator, match.language, fmt, mark_fallbacks=mark_fallbacks)
        shop = self.shop
        agent = _Agent(
            name=values.get("agent_name") or shop.signature_name,
            title=values.get("agent_title") or shop.title_for(match.catalogs),
            email=values.get("agent_email") or shop.support_email,
            phone=values.get("agent_phone") or shop.support_phone,
        )
        try:
            today = fmt.today(now)
        except OverflowError:  # within a day of datetime.min/max (fuzzing D3)
            raise ValueError(f"now={now.isoformat()} is too close to the limits of the calendar") from None

        def calendar() -> BusinessCalendar:
            counted = self.calendar_country(match, country)
            if counted != country:
                note = Fallback(kind="calendar", locale=match.tag,
                                detail=f"no business-day calendar for {country!r}; counted {counted}'s")
                if note not in fallbacks:
                    fallbacks.append(note)
            return self.calendar(counted)

        def check_estimated(cal: BusinessCalendar, start: date | datetime, last: date) -> None:
            start_day = start.astimezone(cal.tz).date() if isinstance(start, datetime) else start
            note = _estimated_note(cal, start_day, last, match.tag)
            if note is not None and note not in fallbacks:
                fallbacks.append(note)

        # The text and the HTML pass ask for the same windows: compute each once.
        windows: dict[tuple[str, date | datetime], tuple[RefundWindow, Fallback | None]] = {}

        def refund_window(method: str | None = None, start: date | datetime | None = None) -> RefundWindow:
            chosen = method or values.get("refund_method") or "card"
            origin = start if start is not None else now
            found = windows.get((chosen, origin))
            if found is None:
                low, high = shop.refund_policy.days(chosen)
                cal = calendar()
                found = self._refund_window(cal, origin, chosen, low, high, match, fmt)
                if found[1] is not None and found[1] not in fallbacks:
                    fallbacks.append(found[1])
                windows[(chosen, origin)] = found
            return found[0]

        def business_day(n: int, start: date | datetime | None = None) -> date:
            cal = calendar()
            origin = start if start is not None else now
            day = cal.add(origin, n)
            check_estimated(cal, origin, day)
            return day

        base: dict[str, Any] = {
            **values,
            "fmt": fmt,
            "shop": shop,
            "agent": agent,
            "now": now,
            "today": today,
            "refund_window": refund_window,
            "business_day": business_day,
        }
        name = f"scenarios/{declared.id}.j2"
        compiled = None if mark_fallbacks else self._compiled(declared.id, match, fmt.direction, translator)
        html_inlined = failed = False
        if compiled is not None:
            # The compiled templates: the same email with the per-locale work done once.
            # Any error is reproduced by the full templates below, which say where it is.
            before = list(fallbacks)
            try:
                variables = {**self._text_env.globals, **base, _STATE: text_state}
                subject, preheader, text = compiled.render_text(variables)
                subject = _truncate_graphemes(clean_header_text(_plain(subject)), MAX_SUBJECT)
                variables[_STATE] = html_state  # the text pass is done with them
                variables["plain_subject"] = subject
                html = compiled.render_html(variables)
                html_inlined = compiled.html_inlined
            except Exception:  # the full path raises the precise, typed error
                if not self._compiled_fallback:
                    raise
                failed = True
                fallbacks[:] = before
                windows.clear()
                text_state = _RenderState(translator, match.language, fmt, mark_fallbacks=False)
                html_state = _RenderState(translator, match.language, fmt, mark_fallbacks=mark_fallbacks)
                compiled = None
        if compiled is None:
            # What the compiled templates have as constants.
            base.update(locale=match.tag, lang=match.language, dir=fmt.direction, line_height=line_height(match.language),
                        font_stack=Markup(font_stack(match.language, match.script)))  # our own CSS constant
            text_vars = {**base, "layout": "layouts/email.txt.j2", "components": "components/text.j2",
                         "channel": "text"}
            html_vars = {**base, "layout": "layouts/email.html.j2", "components": "components/html.j2",
                         "channel": "html"}
            subject, preheader, text, html = self._render_full(declared.id, name, text_vars, html_vars,
                                                               text_state, html_state)
            if failed:
                # The full templates rendered what the compiled ones could not: not a
                # problem of this customer's data, so the next emails skip the retry.
                self._uncompile(declared.id, match, fmt.direction)
        for part in (text_state.fallbacks, html_state.fallbacks):
            for item in part:
                if item not in fallbacks:
                    fallbacks.append(item)
        preheader = collapse_spaces(_plain(preheader))
        text = finish_isolates(drop_bidi_controls(text))
        text = _tidy_lines(text)
        text = text.replace("\n--\n", "\n-- \n", 1)  # the standard signature delimiter
        if self.strict:
            serious = [f for f in fallbacks if f.kind in STRICT_KINDS]
            if serious:
                raise StrictModeError(fallbacks, scenario=declared.id, locale=match.tag)
        if self._inliner is not None and not html_inlined:
            html = self._inliner.inline(html)
        return RenderedEmail(
            scenario=declared.id,
            subject=subject,
            preheader=preheader,
            text=text,
            html=html,
            locale=match.tag,
            language=match.language,
            direction=fmt.direction,
            fallbacks=tuple(fallbacks),
            sender=(shop.sender_name or shop.name, shop.support_email),
        )

    def _render_full(self, scenario: str, name: str, text_vars: dict[str, Any], html_vars: dict[str, Any],
                     text_state: _RenderState, html_state: _RenderState) -> tuple[str, str, str, str]:
        """Subject, preheader, text and HTML through the full templates."""
        try:
            text_template = self._text_env.get_template(name)
            html_template = self._html_env.get_template(name)
            subject, preheader, text = _text_pass(text_template, {**text_vars, _STATE: text_state})
            subject = _truncate_graphemes(clean_header_text(_plain(subject)), MAX_SUBJECT)
            # <title> and other text-only places of the HTML take the plain subject.
            html = html_template.render({**html_vars, _STATE: html_state, "plain_subject": subject})
        except KeyError as exc:
            raise TemplateError(f"template must define the block {exc.args[0]!r}", scenario=scenario,
                                path=self.template_path(name)) from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(exc.message or "syntax error", scenario=scenario,
                                path=exc.filename or self.template_path(name), lineno=exc.lineno) from None
        except jinja2.TemplateNotFound as exc:
            where, line = template_frame(exc.__traceback__, self.template_path(name))
            raise TemplateError(f"template not found: {exc.name}", scenario=scenario, path=where,
                                lineno=line) from None
        except jinja2.UndefinedError as exc:
            where, line = template_frame(exc.__traceback__, self.template_path(name))
            raise TemplateError(f"undefined value: {plain_undefined(exc.message)}", scenario=scenario,
                                path=where, lineno=line) from None
        except TemplateError as exc:
            if exc.path is not None:
                raise
            where, line = template_frame(exc.__traceback__, self.template_path(name))
            raise TemplateError(str(exc), scenario=scenario, path=where, lineno=line) from None
        except (RenderError, ContextError):
            raise
        except (ValueError, TypeError, LookupError, ArithmeticError) as exc:
            # Bad data met while formatting (a date out of range, an unknown refund
            # method): a typed error, never a half-rendered email.
            raise ContextError(str(exc), scenario=scenario, field=None) from exc
        return subject, preheader, text, html

    def _compiled(self, scenario: str, match: LocaleMatch, direction: str,
                  translator: Translator) -> CompiledScenario | None:
        """The scenario compiled for *match*'s locale (see :mod:`i18nmail.compiled`),
        built on the locale's second render; ``None`` while it is not (or cannot be)."""
        if not self.compiled:
            return None
        key = _compile_key(scenario, match, direction)
        entry = self._compiled_cache.get(key)
        if entry is not None:
            if entry.catalogs is translator.catalogs and not self.auto_reload:
                return entry.compiled  # the usual case: the same catalogs, read once
            if len(entry.catalogs) == len(translator.catalogs) and all(
                    a is b for a, b in zip(entry.catalogs, translator.catalogs, strict=True)) and (
                    not self.auto_reload or all(check() for check in entry.uptodate)):
                return entry.compiled
        count = self._render_counts.get(key, 0) + 1
        if len(self._render_counts) >= 16 * _MAX_COMPILED:
            self._render_counts.clear()
        self._render_counts[key] = count
        if count < self._compile_after:
            return None
        names = {"locale": match.tag, "lang": match.language, "dir": direction,
                 "font_stack": Markup(font_stack(match.language, match.script)),
                 "line_height": line_height(match.language)}
        # The compiler is imported when a scenario is first compiled: the first
        # email of a fresh process renders in full and does not wait for it.
        from .compiled import LocaleConstants, NotCompilable, Sources, compile_scenario

        constants = LocaleConstants(translator, match.language, direction, names, self.shop)
        with self._compile_lock:
            if self._sources is None:
                self._sources = (Sources(self._text_env), Sources(self._html_env))
            entry = self._compiled_cache.get(key)
            if entry is not None and entry.catalogs == translator.catalogs and not self.auto_reload:
                return entry.compiled  # another thread compiled it meanwhile
            try:
                done: CompiledScenario | None = compile_scenario(
                    *self._sources, f"scenarios/{scenario}.j2", constants,
                    self._inliner.inline if self._inliner is not None else None)
                uptodate = done.uptodate if done is not None else ()
            except NotCompilable as exc:
                log.debug("%s in %s renders through the full templates: %s", scenario, match.tag, exc)
                done, uptodate = None, exc.uptodate
            except Exception:  # a fault of the compiler must not cost an email
                if not self._compiled_fallback:
                    raise
                log.warning("%s in %s renders through the full templates: compiling it failed", scenario,
                            match.tag, exc_info=True)
                done, uptodate = None, ()
            if len(self._compiled_cache) >= _MAX_COMPILED:
                del self._compiled_cache[next(iter(self._compiled_cache))]  # the oldest
            self._compiled_cache[key] = _CompiledEntry(translator.catalogs, done, uptodate)
        return done

    def _uncompile(self, scenario: str, match: LocaleMatch, direction: str) -> None:
        """Render *scenario* in *match*'s locale through the full templates from now on."""
        key = _compile_key(scenario, match, direction)
        with self._compile_lock:
            entry = self._compiled_cache.get(key)
            if entry is not None and entry.compiled is not None:
                log.debug("%s in %s renders through the full templates: a compiled render failed where "
                          "the full templates did not", scenario, match.tag)
                self._compiled_cache[key] = dataclasses.replace(entry, compiled=None)

    def template_path(self, name: str) -> str:
        """The file that serves template *name*: which layer it comes from.

        >>> Mailer().template_path("scenarios/refund_approved.j2").endswith("scenarios/refund_approved.j2")
        True
        """
        for root in self.template_roots:
            candidate = root / name
            if candidate.is_file():
                return str(candidate)
        return name

    def validate(self, locales: Iterable[str] | None = None, *, now: datetime | None = None) -> ValidationReport:
        """Check everything a render needs, before the first customer does.

        Compiles every template of every layer, loads every catalog, and
        renders every scenario in every locale (*locales*, default
        ``Shop.locales`` or every locale with a catalog) with its sample data
        as a strict render would. Returns a report of every problem with file
        and line; nothing raises (see :mod:`i18nmail.validation`).
        """
        from .validation import validate_mailer

        return validate_mailer(self, locales, now=now)


def _text_pass(template: jinja2.Template, variables: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, preheader and plain text from one context (one pass over the
    values instead of three), in the order the fallbacks have always been
    recorded: subject, preheader, then the body."""
    ctx = template.new_context(variables)
    subject_block = template.blocks["subject"]
    preheader_block = template.blocks["preheader"]
    try:
        subject = "".join(subject_block(ctx))
        preheader = "".join(preheader_block(ctx))
        text = "".join(template.root_render_func(ctx))
    except Exception:  # noqa: BLE001 - handle_exception re-raises it
        template.environment.handle_exception()  # Jinja's own traceback rewriting, as render() does
    return subject, preheader, text


def _tidy_lines(text: str) -> str:
    """No spaces or tabs at line ends, at most one blank line in a row, one
    newline at the end (line by line: a regex over the whole text is slower)."""
    if " \n" not in text and "\t\n" not in text:  # the usual case: only blank-line runs
        while "\n\n\n" in text:
            text = text.replace("\n\n\n", "\n\n")
        return text.strip() + "\n"
    lines: list[str] = []
    blank = False
    for line in text.split("\n"):
        line = line.rstrip(" \t")
        if line or not blank:
            lines.append(line)
        blank = not line
    return "\n".join(lines).strip() + "\n"


def _plain(text: str) -> str:
    """A header or preview line: no bidi controls and no isolate sentinels."""
    return strip_sentinels(drop_bidi_controls(text))


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


@lru_cache(maxsize=1)
def _holiday_countries() -> frozenset[str]:
    from .businessdays import supported_countries

    return frozenset(supported_countries())


def _estimated_note(cal: BusinessCalendar, start: date, last: date, locale: str) -> Fallback | None:
    """A ``calendar`` fallback when ``start..last`` reaches a year of estimated closures."""
    years = cal.estimated_years(min(start, last), last)
    if not years:
        return None
    listed = ", ".join(str(y) for y in years)
    return Fallback(kind="calendar", locale=locale,
                    detail=f"{cal.country} bank closures for {listed} are estimated (no published "
                           f"calendar in the data yet); the dates may move")


def _compile_key(scenario: str, match: LocaleMatch, direction: str) -> tuple[object, ...]:
    """What a compiled scenario is kept under: everything its constants come from."""
    return (scenario, match.tag, match.catalogs, match.script, direction)


@lru_cache(maxsize=512)
def _territory_currency(country: str, when: date) -> str:
    currencies = babel.numbers.get_territory_currencies(country, start_date=when, tender=True)
    return currencies[0] if currencies else "EUR"
