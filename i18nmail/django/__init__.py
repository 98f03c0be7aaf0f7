"""i18nmail in a Django project: one ``Mailer`` per process, built from settings.

Add the app and describe the shop in ``settings.py``::

    INSTALLED_APPS = [..., "i18nmail.django"]
    I18NMAIL = {
        "shop": {"name": "Nordic Home", "support_email": "help@nordichome.example",
                 "country": "SE", "timezone": "Europe/Stockholm"},   # or a Shop, or "pyproject.toml"
        "templates": BASE_DIR / "emails" / "templates",                # optional shop folders
        "catalogs": BASE_DIR / "emails" / "catalogs",
        "strict": True,                                               # refuse half-translated emails
        "locales": ["sv-SE", "nb-NO", "fi-FI", "ko-KR", "de-DE"],     # checked at start-up
    }

then, in a view or a task::

    from i18nmail.django import render, send
    email = render("order_cancelled_out_of_stock", context)          # in the active language
    email.to_django(to=[customer.email]).send()                      # Django's email backend
    send("order_cancelled_out_of_stock", context, to=customer.email, locale=customer.locale)

``render`` defaults the locale to ``django.utils.translation.get_language()``,
so the request's language (``LocaleMiddleware``) or a ``translation.override``
block carries over. ``send`` goes through ``EMAIL_BACKEND``: console, locmem,
SMTP and ESP backends such as django-anymail all work.

With ``"strict": True`` a render in which a sentence or a catalog fell back
raises :class:`StrictFallbackError` instead of returning a mixed-language
email (a customer in an unsupported language still gets the shop's default
language: that is a locale fallback, not a broken catalog). The system check
``i18nmail.E00x`` renders every scenario's sample in every configured locale
when Django starts (``runserver``, ``check``, ``migrate``, the test runner).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

try:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.signals import setting_changed
    from django.utils import translation
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("i18nmail.django needs Django: pip install 'i18nmail[django]'") from exc

from ..config import Shop
from ..exceptions import RenderError, did_you_mean
from ..message import AddressLike, RenderedEmail
from ..render import Mailer
from .mail import I18nEmailMessage, Recipients, build_message

__all__ = [
    "I18nEmailMessage",
    "MailerSettings",
    "StrictFallbackError",
    "current_locale",
    "enforce_strict",
    "get_mailer",
    "get_settings",
    "load_settings",
    "render",
    "reset",
    "send",
]

#: Fallback kinds that ``strict`` refuses: a sentence or a whole catalog that
#: did not come from the customer's language.
STRICT_KINDS = frozenset({"message", "catalog"})
_KEYS = ("shop", "templates", "catalogs", "strict", "locales", "from_email")


class StrictFallbackError(RenderError):
    """A render in strict mode fell back to another language for some text.

    ``.email`` is the rendered email (for logs and previews, never for
    sending); ``.fallbacks`` lists what fell back.
    """

    def __init__(self, email: RenderedEmail) -> None:
        self.email = email
        self.fallbacks = tuple(f for f in email.fallbacks if f.kind in STRICT_KINDS)
        shown = "; ".join(str(f) for f in self.fallbacks[:3])
        more = f" (+{len(self.fallbacks) - 3} more)" if len(self.fallbacks) > 3 else ""
        super().__init__(
            f"{email.scenario} in {email.locale}: {len(self.fallbacks)} fallback(s) in strict mode: "
            f"{shown}{more}; translate them or turn strict off"
        )


@dataclass(frozen=True)
class MailerSettings:
    """``settings.I18NMAIL``, checked."""

    shop: Shop
    templates: Path | None = None
    catalogs: Path | None = None
    strict: bool = False
    locales: tuple[str, ...] | None = None
    from_email: str | None = None

    def build(self) -> Mailer:
        """A new :class:`Mailer` for these settings."""
        return Mailer(self.shop, templates=self.templates, catalogs=self.catalogs)


def _folder(raw: Mapping[str, Any], key: str) -> Path | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, list | tuple):
        if len(value) != 1:
            raise ImproperlyConfigured(f"I18NMAIL[{key!r}]: give one folder (several are not supported yet)")
        value = value[0]
    if not isinstance(value, str | Path):
        raise ImproperlyConfigured(f"I18NMAIL[{key!r}] must be a folder path, got {type(value).__name__}")
    path = Path(value)
    if not path.is_dir():
        raise ImproperlyConfigured(f"I18NMAIL[{key!r}]: no such folder: {path}")
    return path


def load_settings(raw: object) -> MailerSettings:
    """Check ``settings.I18NMAIL`` (a dict) and return :class:`MailerSettings`.

    Raises ``ImproperlyConfigured`` naming the key at fault.

    >>> load_settings({"shop": {"name": "Nordic Home"}, "strict": True}).shop.name
    'Nordic Home'
    >>> load_settings({"stritc": True})
    Traceback (most recent call last):
    ...
    django.core.exceptions.ImproperlyConfigured: I18NMAIL: unknown key 'stritc'. Did you mean 'strict'?
    """
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ImproperlyConfigured("settings.I18NMAIL must be a dict")
    for key in raw:
        if key not in _KEYS:
            raise ImproperlyConfigured(f"I18NMAIL: unknown key {key!r}.{did_you_mean(str(key), _KEYS)}")
    shop_value = raw.get("shop")
    try:
        if shop_value is None:
            shop = Shop()
        elif isinstance(shop_value, Shop):
            shop = shop_value
        elif isinstance(shop_value, Mapping):
            shop = Shop.from_mapping(shop_value)
        elif isinstance(shop_value, str | Path):
            shop = Shop.from_pyproject(shop_value)
        else:
            raise TypeError(f"expected a Shop, a dict or a pyproject.toml path, got {type(shop_value).__name__}")
    except (ValueError, TypeError, OSError) as exc:
        raise ImproperlyConfigured(f"I18NMAIL['shop']: {exc}") from None
    strict = raw.get("strict", False)
    if not isinstance(strict, bool):
        raise ImproperlyConfigured("I18NMAIL['strict'] must be True or False")
    locales = raw.get("locales")
    if locales is not None:
        if isinstance(locales, str) or not all(isinstance(t, str) and t for t in locales):
            raise ImproperlyConfigured("I18NMAIL['locales'] must be a list of locale tags such as 'sv-SE'")
        locales = tuple(locales)
    from_email = raw.get("from_email")
    if from_email is not None and not isinstance(from_email, str):
        raise ImproperlyConfigured("I18NMAIL['from_email'] must be a string such as 'Shop <shop@example.com>'")
    return MailerSettings(shop=shop, templates=_folder(raw, "templates"), catalogs=_folder(raw, "catalogs"),
                          strict=strict, locales=locales, from_email=from_email)


_lock = threading.Lock()
_current: tuple[MailerSettings, Mailer] | None = None


def _configured() -> tuple[MailerSettings, Mailer]:
    global _current
    found = _current
    if found is not None:
        return found
    with _lock:
        if _current is None:
            config = load_settings(getattr(settings, "I18NMAIL", None))
            try:
                _current = (config, config.build())
            except RenderError as exc:
                raise ImproperlyConfigured(f"I18NMAIL: {exc}") from None
        return _current


def get_mailer() -> Mailer:
    """The process's :class:`Mailer`, built from ``settings.I18NMAIL`` on first use."""
    return _configured()[1]


def get_settings() -> MailerSettings:
    """The checked ``settings.I18NMAIL`` the current mailer was built from."""
    return _configured()[0]


def reset() -> None:
    """Forget the process's mailer; the next call builds it from settings again.

    Called automatically when a test changes ``I18NMAIL`` with ``override_settings``.
    """
    global _current
    with _lock:
        _current = None


def _on_setting_changed(*, setting: str, **_: Any) -> None:
    if setting == "I18NMAIL":
        reset()


setting_changed.connect(_on_setting_changed, dispatch_uid="i18nmail.django.reset")


def enforce_strict(email: RenderedEmail) -> RenderedEmail:
    """Return *email*, or raise :class:`StrictFallbackError` if text fell back."""
    if any(f.kind in STRICT_KINDS for f in email.fallbacks):
        raise StrictFallbackError(email)
    return email


def current_locale() -> str:
    """Django's active language, else ``LANGUAGE_CODE``."""
    return translation.get_language() or str(getattr(settings, "LANGUAGE_CODE", "en"))


def render(
    scenario: str,
    context: Mapping[str, Any],
    locale: object = None,
    *,
    now: datetime | None = None,
) -> RenderedEmail:
    """Render *scenario* with the process's mailer.

    ``locale`` defaults to the active Django language (the request's, or the
    one a ``translation.override(customer.language)`` block sets). In strict
    mode a message or catalog fallback raises :class:`StrictFallbackError`.
    """
    config, mailer = _configured()
    email = mailer.render(scenario, locale=current_locale() if locale is None else locale,
                          context=context, now=now)
    return enforce_strict(email) if config.strict else email


def send(
    scenario: str,
    context: Mapping[str, Any],
    *,
    to: Recipients,
    locale: object = None,
    from_email: AddressLike | None = None,
    now: datetime | None = None,
    fail_silently: bool = False,
    **kwargs: Any,
) -> int:
    """Render and send through Django's email backend; return the number sent (0 or 1).

    ``from_email`` defaults to ``I18NMAIL["from_email"]``, then Django's
    ``DEFAULT_FROM_EMAIL``. Other keyword arguments (``cc``, ``bcc``,
    ``reply_to``, ``headers``, ``connection``) go to the Django message.
    A render error is raised before anything is sent, whatever ``fail_silently``.
    """
    email = render(scenario, context, locale, now=now)
    sender = from_email if from_email is not None else get_settings().from_email
    message = build_message(email, to=to, from_email=sender, **kwargs)
    return int(message.send(fail_silently=fail_silently))
