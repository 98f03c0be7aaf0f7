"""The Django app config: ``INSTALLED_APPS = [..., "i18nmail.django"]``."""

from __future__ import annotations

from django.apps import AppConfig


class I18nMailConfig(AppConfig):  # type: ignore[misc]  # Django is untyped
    """Registers the start-up check that renders every scenario (``i18nmail.E001``...)."""

    name = "i18nmail.django"
    label = "i18nmail"
    verbose_name = "i18nmail"

    def ready(self) -> None:
        from django.core import checks

        from .checks import check_i18nmail

        checks.register(check_i18nmail, "i18nmail")
