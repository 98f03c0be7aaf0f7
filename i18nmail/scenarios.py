"""Scenarios: which emails exist, what data each needs, and sample data.

A scenario is a template ``templates/scenarios/<id>.j2`` plus a declaration
``templates/scenarios/<id>.toml`` naming its context fields, their types and
realistic sample data. Per-market sample overrides live in
``templates/samples/<catalog id>.toml`` (a ``[common]`` table and one table per
scenario), so a Korean preview shows a Korean name and won amounts.

Context values may be Python objects or their JSON-ready forms; both are
checked and converted by the field's declared type, so a JSON file and a
Python caller get the same email:

=========  ===============================================  =====================
type       accepts                                           becomes
=========  ===============================================  =====================
str        one line of text (line breaks become spaces);      ``str``
           an ``int`` becomes its digits
text       text, line breaks kept; an ``int`` as for str      ``str``
int        ``int``                                           ``int``
count      ``int`` >= 0                                      ``int``
money      ``Decimal``, decimal string, ``int`` minor units  ``Decimal``
percent    ``Decimal``, ``int``, decimal string, 0..100      ``Decimal``
date       ``date`` or ``"2026-11-23"``                      ``date``
datetime   aware ``datetime`` or ISO string with offset      ``datetime``
url        ``https://`` or ``http://`` URL                   ``str``
email      one address                                       ``str``
method     a refund method of the shop's RefundPolicy        ``str``
currency   ISO 4217 code                                     ``str``
country    ISO 3166 alpha-2 code (``"SA"``, ``"se"``)            ``str`` (upper case)
timezone   IANA zone name                                    ``str``
items      list of ``{name, quantity, price?}``              ``list[Item]``
=========  ===============================================  =====================

Sample data is true on the day it is rendered: a ``date`` sample may be
written ``"today-2"`` or ``"today+14"`` (days) and a ``datetime`` sample
``"now-15m"``, ``"now-3h"`` or ``"now-1d"``; :meth:`Scenario.sample` turns
them into real values relative to the render's ``now``, so a preview never
shows a refund window or deadline that lies before the email's own date.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from email.errors import HeaderParseError
from email.headerregistry import Address
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .config import Shop
from .exceptions import ContextError, TemplateError, safe_repr
from .formatting import coerce_amount, currency_digits, normalise_currency, utc_now
from .negotiation import normalise_country
from .tomlcache import decode_error, load_toml

__all__ = [
    "COMMON_FIELDS",
    "FIELD_TYPES",
    "Field",
    "Item",
    "Scenario",
    "load_samples",
    "load_scenarios",
    "resolve_relative",
]

SCENARIO_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_TEXT = 10_000
MAX_ITEMS = 200
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_RELATIVE = re.compile(r"^(?P<base>today|now)(?:(?P<sign>[+-])(?P<num>\d{1,4})(?P<unit>[dhm]?))?$")
_UNITS = {"": "days", "d": "days", "h": "hours", "m": "minutes"}


def resolve_relative(value: object, kind: str, now: datetime) -> object:
    """A sample value such as ``"today-2"`` or ``"now-15m"`` as a real ISO value at *now*.

    Anything else is returned unchanged.

    >>> from datetime import UTC
    >>> now = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
    >>> resolve_relative("today-2", "date", now), resolve_relative("now-15m", "datetime", now)
    ('2026-12-20', '2026-12-22T08:45:00+00:00')
    """
    if kind not in ("date", "datetime") or not isinstance(value, str):
        return value
    match = _RELATIVE.match(value.strip())
    if match is None:
        return value
    delta = timedelta()
    if match["num"]:
        delta = timedelta(**{_UNITS[match["unit"]]: int(match["num"])})
        if match["sign"] == "-":
            delta = -delta
    if kind == "date":
        if match["unit"] not in (None, "", "d"):
            raise ValueError(f"a relative date counts days, not {match['unit']!r}: {value!r}")
        return (now.date() + delta).isoformat()
    return (now + delta).isoformat()
_SURROGATES = re.compile("[\ud800-\udfff]")
#: Characters never accepted in an email field: they change a mailto: link or
#: are markup (the address is shown in HTML and used in ``mailto:``).
_MAILTO_UNSAFE = re.compile(r"[,?&<>\"\\%#]")


@dataclass(frozen=True)
class Item:
    """One order line: what, how many, and optionally the line price."""

    name: str
    quantity: int
    price: Decimal | None = None


@dataclass(frozen=True)
class Field:
    """One declared context field."""

    name: str
    type: str
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()

    def describe(self) -> dict[str, Any]:
        """The JSON description used by ``i18nmail scenarios --format json``."""
        data: dict[str, Any] = {"name": self.name, "type": self.type, "required": self.required}
        if self.help:
            data["help"] = self.help
        if self.choices:
            data["choices"] = list(self.choices)
        return data


class _Conversion:
    """What a converter may look at besides the value: currency and shop."""

    def __init__(self, currency: str, shop: Shop) -> None:
        self.currency = currency
        self.shop = shop


def _string(value: object) -> str:
    """*value* as a plain ``str`` of real Unicode text, or a typed error; an
    ``int`` (an order number from a database key) becomes its digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(int.__int__(value))
    if not isinstance(value, str):
        raise TypeError(f"expected text or an integer, got {type(value).__name__}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"longer than {MAX_TEXT} characters")
    value = str.__str__(value)  # a str subclass is never asked to format itself later
    if not value.isascii() and _SURROGATES.search(value):
        # Not text: it would fail later, in the HTML inliner or the MIME encoder (fuzzing D9).
        raise ValueError("contains a lone surrogate (not valid Unicode text)")
    return value


def _line(value: object, conv: _Conversion) -> str:
    value = _string(value)
    if not value.isprintable():
        # Printable text has no line break, control or surrogate: nothing to replace.
        value = _CONTROLS.sub("", _LINE_BREAKS.sub(" ", value))
    return unicodedata.normalize("NFC", value).strip()


def _text(value: object, conv: _Conversion) -> str:
    value = _string(value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _CONTROLS.sub("", value)).strip()


def _int(value: object, conv: _Conversion) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    value = int.__int__(value)  # an int subclass is normalised, never called later (fuzzing D13)
    if abs(value) > 10**12:
        raise ValueError("integer out of range")
    return value


def _count(value: object, conv: _Conversion) -> int:
    number = _int(value, conv)
    if number < 0:
        raise ValueError("must not be negative")
    return number


def _money(value: object, conv: _Conversion) -> Decimal:
    amount = coerce_amount(value, conv.currency)
    if amount < 0:
        # "Refund amount: -$129.00" is never what a shop means (fuzzing D13).
        raise ValueError(f"an amount cannot be negative, got {safe_repr(value, 40)}")
    digits = currency_digits(conv.currency)
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > digits:
        raise ValueError(f"{amount} has more decimals than {conv.currency} has ({digits}); "
                         "round it the way your books do before rendering")
    return amount


def _percent(value: object, conv: _Conversion) -> Decimal:
    if isinstance(value, float):
        raise TypeError("use Decimal or int for percentages, not float")
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    try:
        if isinstance(value, Decimal):
            number = Decimal(value)  # an exact copy: a subclass's methods are never called
        elif isinstance(value, int):
            number = Decimal(int.__int__(value))
        else:
            number = Decimal(str.__str__(value).strip())
    except ArithmeticError:
        raise ValueError(f"not a number: {safe_repr(value, 40)}") from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise ValueError("a percentage must be between 0 and 100")
    return number


def _date(value: object, conv: _Conversion) -> date:
    if isinstance(value, datetime):
        raise TypeError("expected a date, got a datetime (use .date())")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) <= 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected an ISO date like 2026-11-23, got {safe_repr(value, 40)}")


def _datetime(value: object, conv: _Conversion) -> datetime:
    result: datetime | None = None
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, str) and len(value) <= 40:
        try:
            result = datetime.fromisoformat(value)
        except ValueError:
            result = None
    if result is None:
        raise ValueError(f"expected an ISO datetime with offset, got {safe_repr(value, 40)}")
    try:
        offset = result.utcoffset()
    except Exception as exc:  # noqa: BLE001 - a caller's tzinfo may raise anything (fuzzing D13)
        raise ValueError(f"the datetime's tzinfo failed: {type(exc).__name__}") from None
    if result.tzinfo is None or offset is None:
        raise ValueError("naive datetime: include a UTC offset or tzinfo")
    return result


_URL_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:[/?#][^\s<>\"'`\\]*)?$")


def _url(value: object, conv: _Conversion) -> str:
    if not isinstance(value, str) or len(value) > 2000 or not _URL_RE.match(value.strip()) or not value.isascii():
        raise ValueError(f"expected an http(s) URL, got {safe_repr(value, 60)}")
    return value.strip()


def _email(value: object, conv: _Conversion) -> str:
    # "?" and "&" would add fields to a mailto: link ("x?bcc=evil@..."), fuzzing D13.
    if (not isinstance(value, str) or len(value) > 254 or _LINE_BREAKS.search(value)
            or _MAILTO_UNSAFE.search(value) or _SURROGATES.search(value)):
        raise ValueError(f"expected one email address, got {safe_repr(value, 60)}")
    try:
        address = Address(addr_spec=value.strip())
    except (HeaderParseError, ValueError, IndexError):
        raise ValueError(f"expected one email address, got {safe_repr(value, 60)}") from None
    if not address.domain or "@" in address.domain:
        raise ValueError(f"expected one email address, got {safe_repr(value, 60)}")
    return address.addr_spec


def _method(value: object, conv: _Conversion) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a refund method name, got {type(value).__name__}")
    methods = conv.shop.refund_policy.methods
    if value not in methods:
        from .exceptions import did_you_mean

        hint = did_you_mean(value, methods) or f" Known: {', '.join(sorted(methods))}."
        raise ValueError(f"unknown refund method {safe_repr(value, 40)}.{hint}")
    return value


def _currency(value: object, conv: _Conversion) -> str:
    return normalise_currency(value)


def _country(value: object, conv: _Conversion) -> str:
    return normalise_country(value)


def _timezone(value: object, conv: _Conversion) -> str:
    if not isinstance(value, str) or len(value) > 64:
        raise ValueError(f"expected an IANA time zone name, got {safe_repr(value, 40)}")
    try:
        return ZoneInfo(value).key
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {safe_repr(value, 40)}") from None


def _items(value: object, conv: _Conversion) -> list[Item]:
    if not isinstance(value, list | tuple):
        raise TypeError(f"expected a list of items, got {type(value).__name__}")
    if not value or len(value) > MAX_ITEMS:
        raise ValueError(f"expected 1 to {MAX_ITEMS} items")
    items: list[Item] = []
    for index, raw in enumerate(value):
        if isinstance(raw, Item):
            raw = {"name": raw.name, "quantity": raw.quantity, "price": raw.price}
        if not isinstance(raw, Mapping):
            raise TypeError(f"item {index}: expected an object with name and quantity")
        unknown = set(raw) - {"name", "quantity", "price"}
        if unknown:
            raise ValueError(f"item {index}: unknown keys {sorted(unknown)}; an item has name, "
                             "quantity (default 1) and price (optional); put other details into the name")
        try:
            name = _line(raw["name"], conv)
            quantity = _count(raw.get("quantity", 1), conv)
            price = raw.get("price")
            items.append(Item(name, quantity, None if price is None else _money(price, conv)))
        except KeyError:
            raise ValueError(f"item {index}: 'name' is required") from None
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"item {index}: {exc}") from None
    return items


Converter = Callable[[object, _Conversion], Any]

#: Field types by name; extend by merging your own converters in.
FIELD_TYPES: dict[str, Converter] = {
    "str": _line,
    "text": _text,
    "int": _int,
    "count": _count,
    "money": _money,
    "percent": _percent,
    "date": _date,
    "datetime": _datetime,
    "url": _url,
    "email": _email,
    "method": _method,
    "currency": _currency,
    "country": _country,
    "timezone": _timezone,
    "items": _items,
}

#: Fields every scenario accepts.
COMMON_FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("customer_name", "str", help="the customer's name as they wrote it; greeting falls back to a polite generic form"),
        Field("customer_given_name", "str", help="the customer's given name; each language's greeting chooses given, family or full name"),
        Field("customer_family_name", "str", help="the customer's family name (Japanese greets with it, e.g. 佐藤 様)"),
        Field("country", "country", help="the customer's country (ISO 3166, e.g. SA): bank days, time zone and "
              "currency default; else the locale's region, else Shop.country"),
        Field("currency", "currency", help="ISO 4217 code of the order; default Shop.currency, else the "
              "customer's country (recorded as a fallback)"),
        Field("timezone", "timezone", help="the customer's IANA time zone; default from the country, then the shop"),
        Field("agent_name", "str", help="the person signing; default Shop.signature_name"),
        Field("agent_title", "str", help="their job title; default Shop.signature_title"),
        Field("agent_email", "email", help="their direct address; default Shop.support_email"),
        Field("agent_phone", "str", help="their phone number; default Shop.support_phone"),
    )
}


@dataclass(frozen=True)
class Scenario:
    """One email: its id, declared context and sample data."""

    id: str
    description: str
    fields: Mapping[str, Field]
    sample_data: Mapping[str, Any]
    path: str
    samples: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def uses_money(self) -> bool:
        """Whether any field holds an amount (``money``, or ``items`` with prices)."""
        return any(f.type in ("money", "items") for f in self.fields.values())

    @property
    def required(self) -> list[str]:
        return list(self._required)

    @cached_property
    def _required(self) -> tuple[str, ...]:
        """The required field names, sorted; computed once (the declaration is frozen)."""
        return tuple(sorted(name for name, f in self.fields.items() if f.required))

    @cached_property
    def _empty(self) -> dict[str, None]:
        """A converted context before any value: every declared field, ``None``."""
        return dict.fromkeys(self.fields)

    @property
    def optional(self) -> list[str]:
        return sorted(name for name, f in self.fields.items() if not f.required)

    def sample(self, locale: str | None = None, now: datetime | None = None) -> dict[str, Any]:
        """JSON-ready sample context, with the market's overrides for *locale*.

        *locale* is a catalog id or BCP 47 tag (``"ko"``, ``"zh-Hans"``).
        Relative dates (``"today-2"``, ``"now-15m"``) are resolved at *now*
        (default: the current time); pass the render's ``now`` so both agree.
        """
        if now is None:
            now = utc_now()
        elif not isinstance(now, datetime) or now.utcoffset() is None:
            raise ValueError("now must be an aware datetime (e.g. datetime.now(timezone.utc))")
        data = dict(self.sample_data)
        if locale:
            key = locale.replace("-", "_")
            for candidate in (key.split("_")[0], key):
                overrides = self.samples.get(candidate)
                if overrides:
                    data.update(overrides.get("common", {}))
                    data.update(overrides.get(self.id, {}))
        return {k: resolve_relative(v, self.fields[k].type, now) for k, v in data.items() if k in self.fields}

    def describe(self) -> dict[str, Any]:
        """The JSON description of this scenario (CLI ``scenarios --format json``)."""
        return {
            "id": self.id,
            "description": self.description,
            "required": [self.fields[n].describe() for n in self.required],
            "optional": [self.fields[n].describe() for n in self.optional],
            "sample": self.sample(),
        }

    def convert(self, context: Mapping[str, Any], shop: Shop, default_currency: str) -> dict[str, Any]:
        """Check *context* against the declaration and convert its values.

        Raises :class:`ContextError` naming the scenario and field (it is also
        a ``ValueError``); a ``float`` amount raises ``TypeError`` as well.
        """
        if not isinstance(context, Mapping):
            raise ContextError(f"context must be a mapping, not {type(context).__name__}", scenario=self.id, field=None)
        fields = self.fields
        unknown = [k for k in context if k not in fields]
        if unknown:
            from .exceptions import did_you_mean

            unknown.sort()  # as sorted() did before: the same order, the same errors
            name = str(unknown[0])
            raise ContextError(
                f"unknown field.{did_you_mean(name, self.fields)}", scenario=self.id, field=name[:64]
            )
        for name in self._required:
            if context.get(name) is None:
                raise ContextError(
                    f"required field missing ({fields[name].type}: {fields[name].help})",
                    scenario=self.id,
                    field=name,
                )
        currency = default_currency
        if context.get("currency") is not None:
            try:
                currency = normalise_currency(context["currency"])
            except ValueError as exc:
                raise ContextError(str(exc), scenario=self.id, field="currency") from None
        conv = _Conversion(currency, shop)
        result: dict[str, Any] = self._empty.copy()
        for name, value in context.items():
            if value is None:
                continue
            declared = fields[name]
            try:
                result[name] = FIELD_TYPES[declared.type](value, conv)
            except TypeError as exc:
                raise _TypedContextError(str(exc), scenario=self.id, field=name) from None
            except (ValueError, ArithmeticError) as exc:
                raise ContextError(str(exc), scenario=self.id, field=name) from None
            if declared.choices and result[name] not in declared.choices:
                raise ContextError(
                    f"must be one of {', '.join(declared.choices)}", scenario=self.id, field=name
                )
        result["currency"] = currency
        return result


class _TypedContextError(ContextError, TypeError):
    """A context value of the wrong Python type (also a ``TypeError``)."""


def _parse_fields(data: Mapping[str, Any], path: Path) -> dict[str, Field]:
    fields = dict(COMMON_FIELDS)
    for name, spec in data.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", name) or not isinstance(spec, Mapping):
            raise TemplateError(f"bad field declaration {name!r}", path=str(path))
        kind = spec.get("type", "str")
        if kind not in FIELD_TYPES:
            raise TemplateError(f"field {name!r}: unknown type {kind!r}", path=str(path))
        fields[name] = Field(
            name,
            kind,
            bool(spec.get("required", False)),
            str(spec.get("help", "")),
            tuple(spec.get("choices", ())),
        )
    return fields


def load_samples(roots: Iterable[Path]) -> dict[str, dict[str, Any]]:
    """Read ``samples/<catalog id>.toml`` from each template root (first wins per key)."""
    merged: dict[str, dict[str, Any]] = {}
    for root in reversed(list(roots)):
        folder = root / "samples"
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                data = load_toml(path)
            except (UnicodeDecodeError, decode_error()) as exc:
                raise TemplateError(f"cannot read sample data: {exc}", path=str(path)) from None
            target = merged.setdefault(path.stem, {})
            for table, values in data.items():
                target.setdefault(table, {}).update(values)
    return merged


def load_scenarios(roots: Iterable[Path]) -> dict[str, Scenario]:
    """Find every ``scenarios/<id>.toml`` + ``<id>.j2`` pair; earlier roots win."""
    roots = list(roots)
    samples = load_samples(roots)
    found: dict[str, Scenario] = {}
    for root in roots:
        folder = root / "scenarios"
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            scenario_id = path.stem
            if scenario_id in found:
                continue
            if not SCENARIO_ID_RE.match(scenario_id):
                raise TemplateError(f"scenario ids are lower_snake_case: {scenario_id!r}", path=str(path))
            if not any((r / "scenarios" / f"{scenario_id}.j2").is_file() for r in roots):
                raise TemplateError(f"scenario {scenario_id!r} has no template {scenario_id}.j2", path=str(path))
            try:
                data = load_toml(path)
            except (UnicodeDecodeError, decode_error()) as exc:
                raise TemplateError(f"cannot read scenario declaration: {exc}", path=str(path)) from None
            found[scenario_id] = Scenario(
                id=scenario_id,
                description=str(data.get("description", "")),
                fields=_parse_fields(data.get("fields", {}), path),
                sample_data=dict(data.get("sample", {})),
                path=str(path),
                samples=samples,
            )
    return dict(sorted(found.items()))
