"""i18nmail: customer-service emails in each customer's own language.

>>> from i18nmail import Mailer
>>> mailer = Mailer()
>>> "refund_approved" in [s.id for s in mailer.scenarios()]
True

The public names below are imported on first use (PEP 562), so that
``import i18nmail`` stays cheap: the holiday tables, langcodes' data, Babel's
locale data and the preview and check machinery load only when a program
needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .businessdays import BusinessCalendar, Window
    from .config import RefundPolicy, Shop
    from .exceptions import (
        CatalogError,
        ContextError,
        HolidayDataUnavailable,
        I18nMailError,
        LocaleError,
        RenderError,
        TemplateError,
        UnknownScenarioError,
    )
    from .formatting import Formatter
    from .message import RenderedEmail
    from .negotiation import Fallback, LocaleMatch
    from .render import Mailer
    from .scenarios import Scenario

__version__ = "0.1.0"

#: Where each public name lives; the module is imported when the name is first used.
_HOMES: dict[str, str] = {
    "BusinessCalendar": "businessdays",
    "CatalogError": "exceptions",
    "ContextError": "exceptions",
    "Fallback": "negotiation",
    "Formatter": "formatting",
    "HolidayDataUnavailable": "exceptions",
    "I18nMailError": "exceptions",
    "LocaleError": "exceptions",
    "LocaleMatch": "negotiation",
    "Mailer": "render",
    "RefundPolicy": "config",
    "RenderError": "exceptions",
    "RenderedEmail": "message",
    "Scenario": "scenarios",
    "Shop": "config",
    "TemplateError": "exceptions",
    "UnknownScenarioError": "exceptions",
    "Window": "businessdays",
}

__all__ = [
    "BusinessCalendar",
    "CatalogError",
    "ContextError",
    "Fallback",
    "Formatter",
    "HolidayDataUnavailable",
    "I18nMailError",
    "LocaleError",
    "LocaleMatch",
    "Mailer",
    "RefundPolicy",
    "RenderError",
    "RenderedEmail",
    "Scenario",
    "Shop",
    "TemplateError",
    "UnknownScenarioError",
    "Window",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'i18nmail' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
