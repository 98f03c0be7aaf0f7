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


def test_shop_settings_for_a_real_shop_from_toml() -> None:
    """currency, locales and a per-language signature title come from plain TOML data, checked."""
    shop = Shop.from_mapping({"currency": " sek ", "locales": ["sv", "nb"],
                              "signature_title": {"en": "Customer care", "sv-FI": "Kundtjänst"}})
    assert shop.currency == "SEK" and shop.locales == ("sv", "nb")
    assert shop.title_for(["sv_FI", "sv"]) == "Kundtjänst" and shop.title_for(["de"]) == "Customer care"
    with pytest.raises(TypeError, match="Shop.locales"):
        Shop(locales="sv")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="single line"):
        Shop(signature_title="Kund\ntjänst")


@pytest.mark.parametrize(("host", "placeholder"), [
    ("shop.example", True), ("example.com", True), ("www.example.org", True), ("x.invalid", True),
    ("shop.test", True), ("nordichome.se", False), ("example.com.au", False), ("myexample.com", False),
])
def test_placeholder_domains(host: str, placeholder: bool) -> None:
    """Reserved documentation and test domains are recognised, look-alikes are not (trial A5)."""
    from i18nmail.config import is_placeholder_domain

    assert is_placeholder_domain(host) is placeholder
