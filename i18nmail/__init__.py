"""i18nmail: customer-service emails in each customer's own language.

>>> from i18nmail import Mailer
>>> mailer = Mailer()
>>> "refund_approved" in [s.id for s in mailer.scenarios()]
True
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .businessdays import BusinessCalendar, Window
    from .config import RefundPolicy, Shop
    from .exceptions import (
        CatalogError,
        ConfigError,
        ContextError,
        HolidayDataUnavailable,
        I18nMailError,
        LocaleError,
        RenderError,
        StrictModeError,
        TemplateError,
        UnknownScenarioError,
    )
    from .formatting import Formatter
    from .message import RenderedEmail
    from .negotiation import Fallback, LocaleMatch
    from .render import Mailer
    from .scenarios import Scenario

#: Public name -> module that defines it. Imported on first use, so that a tool
#: such as ``i18nmail check`` does not pay for the renderer, holidays and langcodes.
_LAZY = {
    "BusinessCalendar": "businessdays", "Window": "businessdays",
    "RefundPolicy": "config", "Shop": "config",
    "CatalogError": "exceptions", "ConfigError": "exceptions", "ContextError": "exceptions",
    "HolidayDataUnavailable": "exceptions",
    "I18nMailError": "exceptions", "LocaleError": "exceptions", "RenderError": "exceptions",
    "StrictModeError": "exceptions", "TemplateError": "exceptions", "UnknownScenarioError": "exceptions",
    "Formatter": "formatting", "RenderedEmail": "message",
    "Fallback": "negotiation", "LocaleMatch": "negotiation",
    "Mailer": "render", "Scenario": "scenarios",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'i18nmail' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the lazily imported ones included."""
    return sorted([*globals(), *_LAZY])


__version__ = "0.1.0"

__all__ = [
    "BusinessCalendar",
    "CatalogError",
    "ConfigError",
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
    "StrictModeError",
    "TemplateError",
    "UnknownScenarioError",
    "Window",
]
