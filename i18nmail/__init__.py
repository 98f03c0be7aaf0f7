"""i18nmail: customer-service emails in each customer's own language.

>>> from i18nmail import Mailer
>>> mailer = Mailer()
>>> "refund_approved" in [s.id for s in mailer.scenarios()]
True
"""

from .businessdays import BusinessCalendar, Window
from .config import RefundPolicy, Shop
from .exceptions import (
    CatalogError,
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

__version__ = "0.1.0"

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
    "StrictModeError",
    "TemplateError",
    "UnknownScenarioError",
    "Window",
]
