"""Checks of rendered emails: every scenario in every locale, rendered with its sample data.

Each check takes a :class:`RenderedSample` and is registered by name in
:data:`RENDERED_CHECKS`. This module is imported only when rendered checks
run (it needs the renderer through the mailer it is given).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .checks_text import invisible_characters
from .exceptions import I18nMailError
from .findings import ERROR, WARNING, Finding, display_path
from .pofile import PoEntry, PoFile, read_catalog

__all__ = ["RENDERED_CHECKS", "RenderedCheck", "RenderedSample", "render_checks"]

#: Subject length: a warning above the first number, an error above the second.
SUBJECT_SOFT_LIMIT = 40
SUBJECT_LIMIT = 60
#: The fixed "now" of rendered checks, so that dates in subjects are stable.
RENDER_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class RenderedSample:
    """One scenario rendered in one locale with its sample data.

    ``layers`` are the catalogs of that locale the render read, in overlay
    order (a shop's own first); ``path``/``line`` point at the scenario's
    subject in the layer that supplied it.
    """

    scenario: str
    locale: str
    email: Any
    path: str
    line: int = 0
    layers: tuple[PoFile, ...] = ()

    def entry(self, context: str | None, msgid: str) -> tuple[PoFile, PoEntry] | None:
        """The first layer's entry for a message, if any layer has it."""
        for po in self.layers:
            for candidate in po.entries:
                if candidate.msgctxt == context and candidate.msgid == msgid:
                    return po, candidate
        return None

    def problem(self, code: str, message: str, *, severity: str = ERROR) -> Finding:
        """Build a finding for this scenario and locale."""
        return Finding(self.path, self.line, code, severity, f"{self.scenario}: {message}",
                       self.locale, None)

    @property
    def own_subject(self) -> bool:
        """False when the subject fell back to another language (checked there instead)."""
        return not any(f.kind == "message" and (f.message or "").startswith("subject|")
                       for f in self.email.fallbacks)


RenderedCheck = Callable[[RenderedSample], Iterable[Finding]]


def check_subject_length(sample: RenderedSample) -> Iterator[Finding]:
    """Subjects stay within 60 characters (a warning above 40: phones show less)."""
    subject = sample.email.subject
    if not sample.own_subject:
        return
    if len(subject) > SUBJECT_LIMIT:
        yield sample.problem("subject-length",
                             f"subject is {len(subject)} characters, limit {SUBJECT_LIMIT}: {subject!r}")
    elif len(subject) > SUBJECT_SOFT_LIMIT:
        yield sample.problem("subject-length", f"subject is {len(subject)} characters; mail apps "
                             f"cut after about {SUBJECT_SOFT_LIMIT}: {subject!r}", severity=WARNING)


_CAPS_RE = re.compile(r"\b[^\W\d_]{3,}\b")


def check_subject_caps(sample: RenderedSample) -> Iterator[Finding]:
    """No shouting: no word of three or more letters in ALL CAPS in a subject."""
    words = [w for w in _CAPS_RE.findall(sample.email.subject) if w.isupper()]
    if words and sample.own_subject:
        yield sample.problem("subject-caps", f"ALL-CAPS word {words[0]!r} in subject", severity=WARNING)


_PUNCT_RE = re.compile(r"[!?！？¡¿]{2,}")


def check_subject_punctuation(sample: RenderedSample) -> Iterator[Finding]:
    """No repeated ``!``/``?`` in a subject."""
    match = _PUNCT_RE.search(sample.email.subject)
    if match and sample.own_subject:
        yield sample.problem("subject-punctuation",
                             f"repeated punctuation {match.group(0)!r} in subject", severity=WARNING)


def check_subject_bidi(sample: RenderedSample) -> Iterator[Finding]:
    """No bidi controls or invisible characters in a subject (balanced isolates in RTL pass)."""
    for what in invisible_characters(sample.email.subject, language=sample.locale):
        yield sample.problem("subject-bidi", f"{what} in subject {sample.email.subject!r}")


#: Traces of formatting that did not happen: ``%(name)s`` left over, a printed
#: dict (``{'``), Jinja syntax (item 11).
_LEFTOVER_RE = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)|\{'|\{\{|\}\}|\{%|%\}")


def check_leftovers(sample: RenderedSample) -> Iterator[Finding]:
    """No placeholder, printed dict or template syntax survives into any part."""
    for part in ("subject", "preheader", "text", "html"):
        text = getattr(sample.email, part)
        match = _LEFTOVER_RE.search(text)
        if match:
            start = max(0, match.start() - 30)
            yield sample.problem("leftover", f"{match.group(0)!r} left in the {part}: "
                                 f"{text[start:match.end() + 30]!r}")


def check_fallback(sample: RenderedSample) -> Iterator[Finding]:
    """A complete catalog renders with no fallback at all.

    A message that falls back because it is untranslated or fuzzy is already
    reported at its own line by those checks and is not repeated here; any
    other fallback (a rejected translation, a message missing from the
    catalog, a catalog that does not load) is reported once per message.
    """
    for fallback in sample.email.fallbacks:
        if fallback.kind in {"country", "calendar"}:
            continue  # about the customer's data (an assumed country, estimated bank days), not the catalog
        if fallback.kind != "message" or not fallback.message:
            yield Finding(sample.path, 0, "fallback", ERROR, str(fallback), sample.locale, None)
            continue
        context, sep, msgid = fallback.message.partition("|")
        found = sample.entry(context, msgid) if sep else sample.entry(None, fallback.message)
        if found is None:
            hint = " (missing from the catalog: run `i18nmail update`)" if sample.layers else ""
            yield Finding(sample.path, 0, "fallback", ERROR, f"{fallback.message!r}: {fallback.detail}{hint}",
                          sample.locale, msgid)
            continue
        po, entry = found
        if entry.fuzzy or not entry.translated:
            continue
        yield Finding(po.path, entry.msgstr_lines.get(0, entry.line), "fallback", ERROR,
                      f"{fallback.message!r}: {fallback.detail}", sample.locale, msgid)


#: Checks of rendered emails by name; extend by merging.
RENDERED_CHECKS: dict[str, RenderedCheck] = {
    "subject-length": check_subject_length,
    "subject-caps": check_subject_caps,
    "subject-punctuation": check_subject_punctuation,
    "subject-bidi": check_subject_bidi,
    "leftover": check_leftovers,
    "fallback": check_fallback,
}


def _subject_line(po: PoFile, scenario: str) -> int:
    """The line of *scenario*'s translated subject in *po* (of its msgid in a template), or 0."""
    for entry in po.entries:
        if entry.msgctxt == "subject" and any(
                loc.rsplit(":", 1)[0].endswith(f"/{scenario}.j2") for loc in entry.locations):
            if po.is_template:
                return entry.line
            if entry.translated and not entry.fuzzy:
                return entry.msgstr_lines.get(0, entry.line)
    return 0


class _Layers:
    """The catalogs a render of one locale reads: the checked file first, then
    the mailer's catalog folders (parsed on first use)."""

    def __init__(self, checked: Mapping[str, PoFile], roots: Sequence[Path]) -> None:
        self.checked = checked
        self.roots = roots
        self.cache: dict[str, tuple[PoFile, ...]] = {}

    def __call__(self, folder: str) -> tuple[PoFile, ...]:
        if folder not in self.cache:
            layers = [self.checked[folder]] if folder in self.checked else []
            seen = {Path(po.path).resolve() for po in layers}
            for root in self.roots:
                path = root / "messages.pot" if folder == "en" else root / folder / "LC_MESSAGES" / "messages.po"
                if path.is_file() and path.resolve() not in seen:
                    seen.add(path.resolve())
                    layers.append(read_catalog(path, display=display_path(path)))
            self.cache[folder] = tuple(layers)
        return self.cache[folder]


def render_checks(mailer: Any, catalogs: Mapping[str, PoFile] | None = None, *,
                  default_path: str = "catalogs", locales: Iterable[str] | None = None,
                  checks: Mapping[str, RenderedCheck] | None = None) -> list[Finding]:
    """Render every scenario in every locale of *mailer* with its sample data and check it.

    *catalogs* maps catalog ids (``"sv"``, ``"zh_Hans"``; ``"en"`` for the
    template) to the parsed files being checked; with the files in the
    mailer's catalog folders they locate each finding at the line of the
    subject that was used. *locales* (catalog ids, ``"en"`` for the source)
    limits the locales rendered; locales built in memory (the pseudo-locale)
    are skipped. The clock is fixed at :data:`RENDER_NOW`.
    """
    wanted = None if locales is None else set(locales)
    checks = RENDERED_CHECKS if checks is None else checks
    layers_of = _Layers(catalogs or {}, tuple(getattr(mailer, "catalog_roots", ())))
    virtual = set(getattr(mailer.catalogs, "virtual", {}))
    found: list[Finding] = []
    for scenario in sorted(mailer.scenarios(), key=lambda s: s.id):
        for tag in sorted(mailer.locales()):
            folder = tag.replace("-", "_")
            if folder in virtual or wanted is not None and folder not in wanted:
                continue
            layers = layers_of(folder)
            path, line = (layers[0].path if layers else default_path), 0
            for po in layers:
                line = _subject_line(po, scenario.id)
                if line:
                    path = po.path
                    break
            try:
                email = mailer.render(scenario.id, locale=tag, context=scenario.sample(tag),
                                      now=RENDER_NOW)
            except (I18nMailError, ValueError, TypeError, LookupError) as exc:
                found.append(Finding(path, line, "render-error", ERROR, f"{scenario.id}: {exc}", tag, None))
                continue
            sample = RenderedSample(scenario.id, tag, email, path, line, layers)
            for check in checks.values():
                found.extend(check(sample))
    return sorted(set(found), key=Finding.sort_key)
