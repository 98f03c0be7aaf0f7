"""`check` over real-world catalogs from another project: Django's Swedish and Korean."""

from __future__ import annotations

import json
from pathlib import Path

import django
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from i18nmail.cli import main

DJANGO = Path(django.__file__).resolve().parent
CATALOGS = [
    DJANGO / "conf" / "locale" / "sv" / "LC_MESSAGES" / "django.po",
    DJANGO / "conf" / "locale" / "ko" / "LC_MESSAGES" / "django.po",
    DJANGO / "contrib" / "admin" / "locale" / "sv" / "LC_MESSAGES" / "django.po",
    DJANGO / "contrib" / "admin" / "locale" / "ko" / "LC_MESSAGES" / "django.po",
]


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: "/".join(p.parts[-5:-2]))
def test_check_reads_djangos_catalogs_and_reports_only_true_findings(path: Path) -> None:
    """Django's catalogs are checked without a crash, and every finding points at what it names."""
    assert path.is_file(), f"{path} is not in the installed Django"
    result = CliRunner().invoke(main, ["check", "--format", "json", str(path)], catch_exceptions=False)
    assert result.exit_code in (0, 1)
    report = json.loads(result.stdout)
    lines = path.read_text("utf-8").splitlines()
    with path.open("rb") as fh:
        catalog = read_po(fh)
    for finding in report["findings"]:
        # These catalogs are valid gettext and complete: no syntax, header or plural findings.
        assert finding["code"] in {"html-unsafe", "whitespace", "obsolete", "fuzzy", "line-break"}, finding
        assert Path(finding["path"]).resolve() == path
        near = "\n".join(lines[max(0, finding["line"] - 1):finding["line"] + 6])
        if finding["code"] == "html-unsafe":
            # Our policy: <meta> and friends never belong in a translatable message.
            assert "<meta" in near, finding
        if finding["code"] == "line-break":  # a line break the translator added: a warning
            assert finding["severity"] == "warning" and "\\n" in near, finding
        if finding["code"] == "whitespace":
            message = catalog.get(finding["msgid"]) or next(
                m for m in catalog if isinstance(m.id, tuple) and m.id[0] == finding["msgid"])
            source = message.id if isinstance(message.id, str) else message.id[0]
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            edges = {(f[:1].isspace(), f[-1:].isspace()) for f in forms if f}
            assert edges != {(source[:1].isspace(), source[-1:].isspace())}, finding
