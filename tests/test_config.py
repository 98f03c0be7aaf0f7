"""Shop settings from code, plain data and a pyproject.toml."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from i18nmail import RefundPolicy, Shop

PYPROJECT = """
[tool.i18nmail.shop]
name = "Nordic Home"
support_email = "help@nordichome.example"
signature_name = "Sara Lind"
country = "SE"
timezone = "Europe/Stockholm"
cutoff = "16:00"
closures = ["2026-12-28"]

[tool.i18nmail.shop.refund_policy]
swish = [0, 0]
"""


def test_shop_from_pyproject_reads_the_readme_example(tmp_path: Path) -> None:
    """[tool.i18nmail.shop] gives a Shop with typed cut-off, closures and refund methods."""
    path = tmp_path / "pyproject.toml"
    path.write_text(PYPROJECT, "utf-8")
    shop = Shop.from_pyproject(path)
    assert shop.name == "Nordic Home" and shop.country == "SE"
    assert shop.cutoff == time(16, 0)
    assert shop.closures == (date(2026, 12, 28),)
    assert shop.refund_policy.days("swish") == (0, 0)
    assert shop.refund_policy.days("card") == RefundPolicy().days("card")


def test_unknown_shop_setting_is_named(tmp_path: Path) -> None:
    """A misspelled setting is a ValueError naming it, not silently ignored."""
    with pytest.raises(ValueError, match="suport_email"):
        Shop.from_mapping({"suport_email": "x@y.example"})


def test_missing_pyproject_section_gives_defaults(tmp_path: Path) -> None:
    """A pyproject.toml without [tool.i18nmail.shop] gives the default Shop."""
    path = tmp_path / "pyproject.toml"
    path.write_text("[project]\nname = 'x'\n", "utf-8")
    assert Shop.from_pyproject(path) == Shop()
