"""`check` on every catalog shipped in Django, Wagtail and Sphinx, compared file by file with msgfmt --check.

Every fatal error of GNU msgfmt must be reported by `check` in the same entry;
every error `check` adds must be a reviewed true find in
tests/data/corpus_allowlist.txt (issue 12, "a real-world corpus in the tests").
"""

from __future__ import annotations

import shutil

import pytest

from tests.corpus import Difference, allowlist, compare, corpus


@pytest.fixture(scope="module")
def differences() -> list[Difference]:
    """All differences between check and msgfmt over the corpus (computed once)."""
    assert shutil.which("msgfmt"), "GNU gettext's msgfmt is required (make test installs it)"
    files = corpus()
    assert len(files) > 2000, "the test extra installs Django, Wagtail and Sphinx with their catalogs"
    return list(compare(files))


def allowed(diff: Difference, reviewed: dict[str, str]) -> bool:
    """Whether *diff* is listed, by its line or for its whole file."""
    return diff.key() in reviewed or f"{diff.ident}:*: {diff.code}" in reviewed


def test_every_msgfmt_error_is_found_in_its_entry(differences: list[Difference]) -> None:
    """No file msgfmt rejects passes check: each msgfmt error has a check error in the same entry."""
    missed = [d for d in differences if d.kind == "missed"]
    assert missed == [], "\n".join(f"{d.key()} {d.text}" for d in missed[:20])


def test_every_extra_error_is_a_reviewed_true_find(differences: list[Difference]) -> None:
    """Errors msgfmt does not report are all listed, with the reason, in the reviewed allow-list."""
    reviewed = allowlist()
    extra = [d for d in differences if d.kind == "extra" and not allowed(d, reviewed)]
    assert extra == [], "\n".join(f"{d.key()} -- {d.text}" for d in extra[:20])


def test_the_allow_list_has_no_stale_entries(differences: list[Difference]) -> None:
    """Each allow-list line still matches a finding, so the list says what check really adds."""
    keys = {d.key() for d in differences} | {f"{d.ident}:*: {d.code}" for d in differences}
    stale = sorted(set(allowlist()) - keys)
    assert stale == []
