"""The system check run when Django starts: the mailer builds and every email renders.

It runs :meth:`i18nmail.Mailer.validate`: every template compiled, every
catalog loaded, each scenario's sample data rendered in each locale of
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

from pathlib import Path
from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from ..exceptions import I18nMailError
from ..formatting import utc_now
from . import get_mailer, get_settings

__all__ = ["check_i18nmail"]

#: At most this many findings of one id; the rest are summed up in one line.
_LIMIT = 20


#: Validation codes that mean "this text would fall back", not "this breaks".
_FALLBACK_CODES = frozenset({"message-fallback", "catalog-fallback", "currency-guessed"})


def check_i18nmail(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Build the mailer and run :meth:`Mailer.validate` over the configured locales."""
    try:
        mailer = get_mailer()
        config = get_settings()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), hint="fix settings.I18NMAIL", id="i18nmail.E001")]
    locales = list(config.locales) if config.locales is not None else None
    try:
        report = mailer.validate(locales, now=utc_now())
    except I18nMailError as exc:
        return [checks.Error(f"validation could not run: {exc}", id="i18nmail.E002")]
    errors: list[checks.CheckMessage] = []
    fallbacks: list[checks.CheckMessage] = []
    for problem in report.problems:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        text = f"{where}: {problem.message}"
        if problem.scenario:
            text = f"{problem.scenario} in {problem.locale}: {text}"
        obj = f"i18nmail:{problem.scenario or Path(problem.path).name}"
        if problem.code not in _FALLBACK_CODES:
            errors.append(checks.Error(text, id="i18nmail.E002", obj=obj, hint=problem.code))
        elif config.strict:
            fallbacks.append(checks.Error(text, id="i18nmail.E003", obj=obj,
                                          hint="translate the messages, or set I18NMAIL['strict'] = False"))
        else:
            fallbacks.append(checks.Warning(text, id="i18nmail.W001", obj=obj,
                                            hint="these emails go out partly in another language"))
    return _capped(errors) + _capped(fallbacks)


def _capped(found: list[checks.CheckMessage]) -> list[checks.CheckMessage]:
    if len(found) <= _LIMIT:
        return found
    last = found[-1]
    summary = type(last)(f"... and {len(found) - _LIMIT} more like these", id=last.id)
    return found[:_LIMIT] + [summary]
