"""Shop settings: who sends the email, how it looks, and how refunds travel.

Configuration is frozen, typed and keyword-only. A ``Shop`` is built once and
shared by every render::

    >>> shop = Shop(name="Nordic Home", support_email="help@nordichome.example")
    >>> shop.refund_policy.days("card")
    (3, 5)
    >>> shop.replace(name="Nordic Home AB").name
    'Nordic Home AB'
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["DEFAULT_REFUND_DAYS", "RefundPolicy", "Shop"]

#: Business days from "refund issued" to "money visible", per refund method.
#: ``(0, 0)`` means at once. Card and bank figures follow the seed articles
#: ("3-5 business days", "1-3 business days", "PayPal at once").
DEFAULT_REFUND_DAYS: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        "card": (3, 5),
        "paypal": (0, 0),
        "bank_transfer": (1, 3),
        "store_credit": (0, 0),
        "klarna": (3, 5),
        "swish": (0, 1),
        "vipps": (0, 1),
        "mobilepay": (0, 1),
        "kakaopay": (1, 3),
    }
)

_METHOD_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_URL_RE = re.compile(r"^https://[^\s<>\"']+$")


@dataclass(frozen=True, kw_only=True)
class RefundPolicy:
    """How many business days each refund method takes, as ``(low, high)``.

    Shops add their own methods by merging::

        >>> policy = RefundPolicy().with_methods({"twint": (0, 1)})
        >>> policy.days("twint"), policy.days("card")
        ((0, 1), (3, 5))
    """

    methods: Mapping[str, tuple[int, int]] = field(default_factory=lambda: DEFAULT_REFUND_DAYS)

    def __post_init__(self) -> None:
        checked: dict[str, tuple[int, int]] = {}
        for method, days in self.methods.items():
            if not isinstance(method, str) or not _METHOD_RE.match(method):
                raise ValueError(f"refund method names are lower_snake_case, got {method!r}")
            if (
                not isinstance(days, tuple | list)
                or len(days) != 2
                or not all(isinstance(d, int) and not isinstance(d, bool) for d in days)
            ):
                raise TypeError(f"refund method {method!r}: days must be (low, high) integers")
            low, high = days
            if not 0 <= low <= high <= 365:
                raise ValueError(f"refund method {method!r}: need 0 <= low <= high <= 365")
            checked[method] = (low, high)
        object.__setattr__(self, "methods", MappingProxyType(checked))

    def days(self, method: str) -> tuple[int, int]:
        """Return ``(low, high)`` business days for *method*; ``KeyError`` if unknown."""
        try:
            return self.methods[method]
        except KeyError:
            known = ", ".join(sorted(self.methods))
            raise KeyError(f"unknown refund method {method!r}; known: {known}") from None

    def with_methods(self, extra: Mapping[str, tuple[int, int]]) -> RefundPolicy:
        """Return a policy with *extra* methods added or overriding existing ones."""
        return RefundPolicy(methods={**self.methods, **extra})


@dataclass(frozen=True, kw_only=True)
class Shop:
    """Everything about the sending shop that templates may show.

    ``default_locale`` is the language used when a customer's locale is
    unknown or unsupported; ``timezone`` is the shop's own zone, used for the
    daily cut-off and as the customer's zone when nothing better is known.
    ``closures`` are extra dates the shop does not process refunds.
    """

    name: str = "Example Shop"
    support_email: str = "support@shop.example"
    support_phone: str | None = None
    help_centre_url: str = "https://shop.example/help"
    refund_policy_url: str = "https://shop.example/refund-policy"
    website_url: str = "https://shop.example"
    sender_name: str | None = None
    signature_name: str = "Alex Morgan"
    signature_title: str | None = None
    brand_colour: str = "#1f4e79"
    logo_url: str | None = None
    default_locale: str = "en"
    country: str | None = None
    timezone: str = "UTC"
    refund_policy: RefundPolicy = field(default_factory=RefundPolicy)
    closures: tuple[date, ...] = ()
    cutoff: time | None = None
    subject_limit: int = 60

    def __post_init__(self) -> None:
        for name in ("name", "support_email", "signature_name", "default_locale"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"Shop.{name} must be a non-empty string")
            if any(ch in value for ch in "\r\n\x00"):
                raise ValueError(f"Shop.{name} must be a single line")
        if not _COLOUR_RE.match(self.brand_colour):
            raise ValueError(f"Shop.brand_colour must look like '#1f4e79', got {self.brand_colour!r}")
        for name in ("help_centre_url", "refund_policy_url", "website_url", "logo_url"):
            value = getattr(self, name)
            if value is not None and not _URL_RE.match(value):
                raise ValueError(f"Shop.{name} must be an https:// URL, got {value!r}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"Shop.timezone: unknown time zone {self.timezone!r}") from None
        if not isinstance(self.refund_policy, RefundPolicy):
            raise TypeError("Shop.refund_policy must be a RefundPolicy")
        if not 10 <= self.subject_limit <= 200:
            raise ValueError("Shop.subject_limit must be between 10 and 200 characters")
        object.__setattr__(self, "closures", tuple(self.closures))

    @property
    def tzinfo(self) -> ZoneInfo:
        """The shop's time zone as a ``ZoneInfo``."""
        return ZoneInfo(self.timezone)

    def replace(self, **changes: Any) -> Shop:
        """Return a copy with *changes* applied (validated again)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Shop:
        """Build a shop from plain data (JSON or TOML): dates as ISO strings."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown Shop settings: {', '.join(unknown)}")
        values = dict(data)
        if "refund_policy" in values and isinstance(values["refund_policy"], Mapping):
            policy = {k: tuple(v) for k, v in values["refund_policy"].items()}
            values["refund_policy"] = RefundPolicy().with_methods(policy)
        if "closures" in values:
            values["closures"] = tuple(
                d if isinstance(d, date) else date.fromisoformat(str(d)) for d in values["closures"]
            )
        if "cutoff" in values and isinstance(values["cutoff"], str):
            values["cutoff"] = time.fromisoformat(values["cutoff"])
        return cls(**values)

    @classmethod
    def from_pyproject(cls, path: str | Path = "pyproject.toml") -> Shop:
        """Read ``[tool.i18nmail.shop]`` from a ``pyproject.toml``."""
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        return cls.from_mapping(data.get("tool", {}).get("i18nmail", {}).get("shop", {}))
