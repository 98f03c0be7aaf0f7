"""The system check run when Django starts: the mailer builds and every email renders.

It renders each scenario's sample data in each locale of
``I18NMAIL["locales"]`` (every locale with a catalog when unset), so a broken
template override, a catalog that does not load or a scenario that cannot be
rendered stops ``runserver``, ``migrate`` and the test runner before the first
customer meets it. Findings:

- ``i18nmail.E001``: ``settings.I18NMAIL`` is invalid or the mailer cannot be built;
- ``i18nmail.E002``: a scenario does not render in a locale (the error says why);
- ``i18nmail.E003``: strict mode, and a sentence or catalog falls back;
- ``i18nmail.W001``: not strict, and a sentence or catalog falls back.
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from ..exceptions import I18nMailError
from ..formatting import utc_now
from . import STRICT_KINDS, get_mailer, get_settings

__all__ = ["check_i18nmail"]

#: At most this many findings of one id; the rest are summed up in one line.
_LIMIT = 20


def check_i18nmail(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Build the mailer and render every scenario in every configured locale."""
    try:
        mailer = get_mailer()
        config = get_settings()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), hint="fix settings.I18NMAIL", id="i18nmail.E001")]
    locales = list(config.locales) if config.locales is not None else mailer.locales()
    now = utc_now()
    errors: list[checks.CheckMessage] = []
    fallbacks: list[checks.CheckMessage] = []
    for scenario in mailer.scenarios():
        for tag in locales:
            try:
                match = mailer.negotiate(tag)
                sample = scenario.sample(match.catalogs[0] if match.catalogs else "en", now=now)
                email = mailer.render(scenario.id, locale=tag, context=sample, now=now)
            except I18nMailError as exc:
                errors.append(checks.Error(f"{scenario.id} in {tag}: {exc}", id="i18nmail.E002",
                                           obj=f"i18nmail:{scenario.id}"))
                continue
            bad = [str(f) for f in email.fallbacks if f.kind in STRICT_KINDS]
            if not bad:
                continue
            text = f"{scenario.id} in {tag}: {len(bad)} fallback(s): {'; '.join(bad[:3])}"
            if config.strict:
                fallbacks.append(checks.Error(text, id="i18nmail.E003", obj=f"i18nmail:{scenario.id}",
                                              hint="translate the messages, or set I18NMAIL['strict'] = False"))
            else:
                fallbacks.append(checks.Warning(text, id="i18nmail.W001", obj=f"i18nmail:{scenario.id}",
                                                hint="these emails go out partly in another language"))
    return _capped(errors) + _capped(fallbacks)


def _capped(found: list[checks.CheckMessage]) -> list[checks.CheckMessage]:
    if len(found) <= _LIMIT:
        return found
    last = found[-1]
    summary = type(last)(f"... and {len(found) - _LIMIT} more like these", id=last.id)
    return found[:_LIMIT] + [summary]
