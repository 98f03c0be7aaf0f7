"""A shop's settings and layers at render time: several folders, strict mode, validate() (new-shop trial A1-A11)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from i18nmail import ConfigError, Mailer, Shop, StrictModeError, TemplateError
from i18nmail.render import builtin_templates
from tests.catalog_builders import po_text, write_po

REAL = {"support_email": "help@nordichome.se", "help_centre_url": "https://nordichome.se/help",
        "refund_policy_url": "https://nordichome.se/returns", "website_url": "https://nordichome.se"}
CONTEXT = {"customer_name": "Emma", "order_number": "10437", "refund_amount": "129.00",
           "refund_method": "card", "currency": "SEK"}


def shop(**changes: object) -> Shop:
    """A shop with real (non-placeholder) addresses."""
    return Shop(name="Nordic Home", country="SE", **{**REAL, **changes})  # type: ignore[arg-type]


def override_template(root: Path, scenario: str, old: str, new: str) -> Path:
    """Copy one built-in scenario template into *root* with *old* replaced by *new*."""
    target = root / "scenarios" / f"{scenario}.j2"
    target.parent.mkdir(parents=True, exist_ok=True)
    source = (builtin_templates() / "scenarios" / f"{scenario}.j2").read_text("utf-8")
    assert old in source
    target.write_text(source.replace(old, new, 1), "utf-8")
    return target


def line_containing(path: Path, text: str) -> int:
    """1-based line of the first line of *path* containing *text*."""
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def test_folders_accept_a_list_searched_in_order(tmp_path: Path, now: datetime) -> None:
    """Mailer(catalogs=[shop, pack]) uses the shop's sentence first, then the pack's, then the built-in."""
    shop_dir, pack_dir = tmp_path / "shop", tmp_path / "pack"
    write_po(shop_dir, "sv", po_text('msgctxt "greeting"\nmsgid "Hi %(name)s,"\nmsgstr "Tjena %(name)s!"\n'))
    write_po(pack_dir, "sv", po_text('msgctxt "greeting"\nmsgid "Hi %(name)s,"\nmsgstr "Hallå %(name)s!"\n'
                                     'msgctxt "closing"\nmsgid "Kind regards,"\nmsgstr "Kram,"\n'))
    email = Mailer(shop(), catalogs=[shop_dir, pack_dir]).render("refund_approved", locale="sv",
                                                                 context=CONTEXT, now=now)
    assert email.text.startswith("Tjena Emma!") and "Kram," in email.text
    assert email.fallbacks == ()
    alone = Mailer(shop(), catalogs=str(pack_dir)).render("refund_approved", locale="sv", context=CONTEXT, now=now)
    assert alone.text.startswith("Hallå Emma!")


def test_strict_mode_raises_listing_every_fallback(tmp_path: Path, now: datetime) -> None:
    """A sentence missing in the customer's language makes a strict render raise, naming it; lax renders record it."""
    override_template(tmp_path, "refund_approved", '{{ ui.p(_("Thank you for your time',
                      '{{ ui.p(_("A sentence nobody translated.")) }}\n{{ ui.p(_("Thank you for your time')
    lax = Mailer(shop(), templates=tmp_path).render("refund_approved", locale="sv", context=CONTEXT, now=now)
    assert [f.message for f in lax.fallbacks] == ["A sentence nobody translated."]
    strict = Mailer(shop(), templates=tmp_path, strict=True)
    with pytest.raises(StrictModeError) as caught:
        strict.render("refund_approved", locale="sv", context=CONTEXT, now=now)
    assert [f.message for f in caught.value.fallbacks] == ["A sentence nobody translated."]
    assert "A sentence nobody translated." in str(caught.value)
    assert strict.render("refund_approved", locale="en", context=CONTEXT, now=now).fallbacks == ()


def test_strict_mode_refuses_placeholder_shop_settings() -> None:
    """Mailer(strict=True) with the example shop's .example addresses raises, naming each setting."""
    with pytest.raises(ConfigError, match="help_centre_url") as caught:
        Mailer(Shop(), strict=True)
    assert "support_email" in str(caught.value)
    assert Shop(support_email="a@b.example.com").placeholder_settings()[0].startswith("Shop.support_email")
    assert shop(logo_url="https://cdn.shop.invalid/logo.png").placeholder_settings() == [
        "Shop.logo_url: 'https://cdn.shop.invalid/logo.png' uses a placeholder domain"]
    Mailer(shop(), strict=True)  # a real shop is fine


def test_shop_currency_is_the_default_money(now: datetime) -> None:
    """Context currency > Shop.currency > the customer's country; the last is a recorded fallback (trial A1)."""
    context = {k: v for k, v in CONTEXT.items() if k != "currency"}
    sek = Mailer(shop(currency="sek")).render("refund_approved", locale="de-DE", context=context, now=now)
    assert "129,00\xa0SEK" in sek.text and sek.fallbacks == ()
    eur = Mailer(shop(currency="SEK")).render("refund_approved", locale="de-DE",
                                              context={**context, "currency": "EUR"}, now=now)
    assert "129,00\xa0€" in eur.text
    guessed = Mailer(shop()).render("refund_approved", locale="de-DE", context=context, now=now)
    assert "129,00\xa0€" in guessed.text
    assert [f.kind for f in guessed.fallbacks] == ["currency"]
    with pytest.raises(StrictModeError, match="no currency"):
        Mailer(shop(), strict=True).render("refund_approved", locale="de-DE", context=context, now=now)
    with pytest.raises(ValueError, match="unknown currency"):
        shop(currency="SKR")


def test_signature_title_per_language(now: datetime) -> None:
    """Shop.signature_title as a table gives each language its title, English for the rest (trial A6)."""
    mailer = Mailer(shop(signature_title={"en": "Customer care", "sv": "Kundtjänst", "nb": "Kundeservice"}))
    context = {k: v for k, v in CONTEXT.items()}
    titles = {loc: mailer.render("refund_approved", locale=loc, context=context, now=now).text
              for loc in ("sv-FI", "nb", "de")}
    assert "Kundtjänst" in titles["sv-FI"] and "Kundeservice" in titles["nb"]
    assert "Customer care" in titles["de"]
    with pytest.raises(ValueError, match="not a locale"):
        shop(signature_title={"Swedish": "Kundtjänst"})


def test_to_message_takes_the_shops_sender(now: datetime) -> None:
    """to_message() without sender uses Shop.sender_name or name and support_email."""
    email = Mailer(shop(sender_name="Nordic Home Support")).render("refund_approved", locale="sv",
                                                                  context=CONTEXT, now=now)
    msg = email.to_message(recipient=("Emma", "emma@example.org"))
    assert msg["From"] == "Nordic Home Support <help@nordichome.se>"


def test_text_fields_accept_integers(now: datetime) -> None:
    """An integer order number (a database key) renders as its digits (trial A10); bool stays refused."""
    mailer = Mailer(shop())
    email = mailer.render("refund_approved", locale="en", context={**CONTEXT, "order_number": 10437}, now=now)
    assert "10437" in email.subject
    with pytest.raises(TypeError):
        mailer.render("refund_approved", locale="en", context={**CONTEXT, "order_number": True}, now=now)


def test_runtime_template_errors_name_the_layer_file_and_line(tmp_path: Path, now: datetime) -> None:
    """An undefined value, a misspelt macro or gettext keyword in a shop override names the shop's file and line (A11)."""
    path = override_template(tmp_path, "refund_approved", "{{ ui.greeting() }}",
                             "{{ ui.greeting() }}\n{{ ui.p(item.name) }}")
    with pytest.raises(TemplateError) as caught:
        Mailer(shop(), templates=tmp_path).render("refund_approved", locale="en", context=CONTEXT, now=now)
    assert caught.value.path == str(path) and caught.value.lineno == line_containing(path, "item.name")
    path.write_text(path.read_text("utf-8").replace("ui.p(item.name)", "ui.itemz([])"), "utf-8")
    with pytest.raises(TemplateError, match="no macro 'itemz'") as caught:
        Mailer(shop(), templates=tmp_path).render("refund_approved", locale="en", context=CONTEXT, now=now)
    assert caught.value.lineno == line_containing(path, "itemz")
    path.write_text(path.read_text("utf-8").replace("ui.itemz([])", '_("Order %(order)s", ordr=order_number)'),
                    "utf-8")
    with pytest.raises(TemplateError, match="needs the variable 'order'") as caught:
        Mailer(shop(), templates=tmp_path).render("refund_approved", locale="en", context=CONTEXT, now=now)
    assert (caught.value.path, caught.value.lineno) == (str(path), line_containing(path, "ordr="))


def test_a_damaged_mo_falls_back_to_the_po_beside_it(tmp_path: Path, now: datetime) -> None:
    """A .mo that cannot be read is replaced by its .po, and the problem is recorded (trial B4); strict raises."""
    po = write_po(tmp_path, "sv", po_text('msgctxt "greeting"\nmsgid "Hi %(name)s,"\nmsgstr "Tjena %(name)s!"\n'))
    mo = po.with_suffix(".mo")
    mo.write_bytes(b"\x00" * 40)
    email = Mailer(shop(), catalogs=tmp_path).render("refund_approved", locale="sv", context=CONTEXT, now=now)
    assert email.text.startswith("Tjena Emma!")
    assert [f.kind for f in email.fallbacks] == ["catalog"]
    assert "messages.mo" in email.fallbacks[0].detail and "used messages.po" in email.fallbacks[0].detail
    with pytest.raises(StrictModeError, match="damaged"):
        Mailer(shop(), catalogs=tmp_path, strict=True).render("refund_approved", locale="sv",
                                                              context=CONTEXT, now=now)


def test_validate_reports_every_problem_with_file_and_line(tmp_path: Path, now: datetime) -> None:
    """validate() finds a broken override's syntax error, an untranslated sentence and a catalog that will not load."""
    templates, catalogs = tmp_path / "templates", tmp_path / "catalogs"
    broken = override_template(templates, "refund_denied", "{{ ui.greeting() }}", "{{ ui.greeting( }}")
    override_template(templates, "refund_approved", "{{ ui.greeting() }}",
                      '{{ ui.greeting() }}\n{{ ui.p(_("Only in English so far.")) }}')
    bad_po = write_po(catalogs, "nb", po_text('msgid "a"\nmsgstr "b"\nthis is not po\n', lang="nb"))
    sv_po = write_po(catalogs, "sv", po_text('msgctxt "greeting"\nmsgid "Hi %(name)s,"\nmsgstr "Hej %(namn)s,"\n'))
    report = Mailer(shop(), templates=templates, catalogs=catalogs).validate(["sv", "nb"], now=now)
    assert not report.ok
    rejected = [p for p in report.problems if "placeholders differ" in p.message]
    assert rejected and {(p.path, p.line) for p in rejected} == {(str(sv_po), line_containing(sv_po, 'msgctxt "greeting"'))}
    found = {(p.code, p.path, p.line) for p in report.problems}
    assert ("template-syntax", str(broken), line_containing(broken, "ui.greeting(")) in found
    assert any(p.code == "catalog-load" and p.path == str(bad_po) and p.line for p in report.problems)
    missing = [p for p in report.problems if p.code == "message-fallback" and "not translated" in p.message]
    assert {p.locale for p in missing} == {"sv", "nb"}
    assert all("Only in English so far." in p.message for p in missing)
    assert report.renders == 2 * len(Mailer(shop(), templates=templates).scenarios())


def test_validate_passes_on_the_builtin_catalogs(now: datetime) -> None:
    """The shipped templates and catalogs validate clean in the shipped locales."""
    report = Mailer(shop(currency="EUR")).validate(["sv", "ko", "de"], now=now)
    assert report.ok, report.to_text()


def test_shop_locales_limit_validate(tmp_path: Path, now: datetime) -> None:
    """Shop.locales is the default locale list of validate()."""
    report = Mailer(shop(locales=["sv", "fi"])).validate(now=now)
    assert report.renders == 2 * len(Mailer().scenarios())


def test_shop_currency_with_a_decimal_amount(now: datetime) -> None:
    """A Decimal refund in the shop's currency keeps two decimals in Swedish."""
    email = Mailer(shop(currency="SEK")).render(
        "refund_approved", locale="sv-SE",
        context={**{k: v for k, v in CONTEXT.items() if k != "currency"}, "refund_amount": Decimal(599)}, now=now)
    assert "599,00\xa0kr" in email.text
