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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["DEFAULT_REFUND_DAYS", "PLACEHOLDER_DOMAINS", "RefundPolicy", "Shop", "is_placeholder_domain"]

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
_TITLE_KEY_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
#: Domains reserved for documentation and testing (RFC 2606, RFC 6761): a
#: shop whose links or address use one of them was never configured.
PLACEHOLDER_DOMAINS = ("example.com", "example.net", "example.org")
_PLACEHOLDER_TLDS = ("example", "invalid", "test", "localhost")


def is_placeholder_domain(host: str) -> bool:
    """Whether *host* is a documentation or test domain.

    >>> is_placeholder_domain("shop.example"), is_placeholder_domain("help.example.com")
    (True, True)
    >>> is_placeholder_domain("nordichome.se")
    False
    """
    host = host.lower().rstrip(".")
    if host.rsplit(".", 1)[-1] in _PLACEHOLDER_TLDS:
        return True
    return any(host == d or host.endswith("." + d) for d in PLACEHOLDER_DOMAINS)


def _host(value: str) -> str:
    rest = value.split("://", 1)[-1]
    return rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0]


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

    ``currency`` (ISO 4217) is the money default when a render's context has
    no ``currency``; without it the customer's country decides, and when only
    the locale named that country the guess is recorded as a fallback. ``signature_title`` is one title, or one per
    language (``{"en": "Customer care", "sv": "Kundtjänst"}``; the customer's
    catalog chain picks, then ``en``). ``locales`` are the shop's markets
    (catalog ids or BCP 47 tags): the preview and ``Mailer.validate`` show
    only these when set. The default URLs and addresses use reserved
    ``.example`` domains: ``Mailer(strict=True)`` refuses them
    (:meth:`placeholder_settings`).
    """

    name: str = "Example Shop"
    support_email: str = "support@shop.example"
    support_phone: str | None = None
    help_centre_url: str = "https://shop.example/help"
    refund_policy_url: str = "https://shop.example/refund-policy"
    website_url: str = "https://shop.example"
    sender_name: str | None = None
    signature_name: str = "Alex Morgan"
    signature_title: str | Mapping[str, str] | None = None
    brand_colour: str = "#1f4e79"
    logo_url: str | None = None
    default_locale: str = "en"
    country: str | None = None
    timezone: str = "UTC"
    refund_policy: RefundPolicy = field(default_factory=RefundPolicy)
    closures: tuple[date, ...] = ()
    cutoff: time | None = None
    subject_limit: int = 60
    currency: str | None = None
    locales: tuple[str, ...] = ()

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
        if self.currency is not None:
            from .formatting import normalise_currency  # formatting is heavy; config stays light

            object.__setattr__(self, "currency", normalise_currency(self.currency))
        if isinstance(self.locales, str) or not all(isinstance(t, str) for t in self.locales):
            raise TypeError("Shop.locales must be a list of locale tags, e.g. ['sv', 'nb', 'fi']")
        object.__setattr__(self, "locales", tuple(self.locales))
        title = self.signature_title
        if isinstance(title, Mapping):
            titles: dict[str, str] = {}
            for key, value in title.items():
                if not isinstance(key, str) or not _TITLE_KEY_RE.match(key):
                    raise ValueError(f"Shop.signature_title: {key!r} is not a locale such as 'sv' or 'pt_BR'")
                if not isinstance(value, str) or any(ch in value for ch in "\r\n\x00"):
                    raise ValueError(f"Shop.signature_title[{key!r}] must be a single line of text")
                titles[key.replace("-", "_")] = value
            object.__setattr__(self, "signature_title", MappingProxyType(titles))
        elif title is not None and (not isinstance(title, str) or any(ch in title for ch in "\r\n\x00")):
            raise ValueError("Shop.signature_title must be a single line of text or a {locale: title} table")

    def title_for(self, catalogs: Sequence[str]) -> str | None:
        """The signature title for a customer whose catalog chain is *catalogs*.

        >>> shop = Shop(signature_title={"en": "Customer care", "sv": "Kundtjänst"})
        >>> shop.title_for(["sv"]), shop.title_for(["nb"]), Shop().title_for(["sv"])
        ('Kundtjänst', 'Customer care', None)
        """
        title = self.signature_title
        if not isinstance(title, Mapping):
            return title
        for ident in [*catalogs, "en"]:
            for key in (ident, ident.split("_")[0]):
                if key in title:
                    return title[key]
        return None

    def placeholder_settings(self) -> list[str]:
        """Settings that still use a reserved example domain, one line each.

        >>> Shop().placeholder_settings()[0]
        "Shop.support_email: 'support@shop.example' uses a placeholder domain"
        """
        found = []
        for name in ("support_email", "help_centre_url", "refund_policy_url", "website_url", "logo_url"):
            value = getattr(self, name)
            if value is not None and is_placeholder_domain(_host(value)):
                found.append(f"Shop.{name}: {value!r} uses a placeholder domain")
        return found

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
        if "locales" in values and isinstance(values["locales"], list):
            values["locales"] = tuple(values["locales"])
        if "cutoff" in values and isinstance(values["cutoff"], str):
            values["cutoff"] = time.fromisoformat(values["cutoff"])
        return cls(**values)

    @classmethod
    def from_pyproject(cls, path: str | Path = "pyproject.toml") -> Shop:
        """Read ``[tool.i18nmail.shop]`` from a ``pyproject.toml``."""
        import tomllib

        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        return cls.from_mapping(data.get("tool", {}).get("i18nmail", {}).get("shop", {}))
