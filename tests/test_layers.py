"""A shop's layer in the catalog tools: extract, update, init and override (new-shop trial B2, A9, N2)."""

from __future__ import annotations

import os
from pathlib import Path

import polib
import pytest

from i18nmail import layers, messages
from i18nmail.exceptions import MessagesError
from i18nmail.layers import Layers
from tests.catalog_builders import po_text, write_po

LOWER_TEMPLATE = """\
{% block subject %}{{ pgettext("subject", "Order %(order)s", order=order) }}{% endblock %}
{{ pgettext("greeting", "Hi %(name)s,", name=name) }}
{{ _("Your parcel is on its way.") }}
{{ ngettext("%(num)s parcel", "%(num)s parcels", count) }}
"""

LOWER_SV = """\
msgctxt "subject"
msgid "Order %(order)s"
msgstr "Order %(order)s"

msgctxt "greeting"
msgid "Hi %(name)s,"
msgstr "Hej %(name)s,"

msgid "Your parcel is on its way."
msgstr "Ditt paket är på väg."

msgid "%(num)s parcel"
msgid_plural "%(num)s parcels"
msgstr[0] "%(num)s paket"
msgstr[1] "%(num)s paket"
"""

SHOP_TEMPLATE = """\
{{ pgettext("greeting", "Hi %(name)s,", name=name) }}
{{ _("Your parcel is on its way.") }}
{{ _("We will tell you when it is back in stock.") }}
"""


@pytest.fixture()
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Layers:
    """A lower layer (templates, .pot, Swedish) and a shop layer with one template of its own."""
    monkeypatch.chdir(tmp_path)
    lower_tpl = tmp_path / "pack" / "templates"
    lower_cat = tmp_path / "pack" / "catalogs"
    (lower_tpl / "scenarios").mkdir(parents=True)
    (lower_tpl / "scenarios" / "parcel.j2").write_text(LOWER_TEMPLATE, "utf-8")
    messages.extract(lower_tpl, lower_cat)
    write_po(lower_cat, "sv", po_text(LOWER_SV))
    shop_tpl = Path("emails/templates")
    (shop_tpl / "scenarios").mkdir(parents=True)
    (shop_tpl / "scenarios" / "restock.j2").write_text(SHOP_TEMPLATE, "utf-8")
    shop_cat = Path("emails/catalogs")
    shop_cat.mkdir(parents=True)
    return Layers(shop_cat, shop_tpl, (lower_tpl,), (lower_cat,), project="Nordic Home",
                  contact="help@nordichome.se")


def entries(path: Path) -> dict[tuple[str | None, str], polib.POEntry]:
    """The live entries of a catalog, by (msgctxt, msgid)."""
    return {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path)) if not e.obsolete}


def test_extract_names_the_shops_files_and_header(shop: Layers) -> None:
    """The shop's .pot holds its own messages, #: references into the shop folder, and the shop's header."""
    assert layers.extract(shop) is True
    pot = messages.pot_path(shop.catalogs).read_text("utf-8")
    assert "#: emails/templates/scenarios/restock.j2:3" in pot
    assert 'msgid "We will tell you when it is back in stock."' in pot
    assert "i18nmail contributors" not in pot and "github.com/i18nmail" not in pot
    assert "Report-Msgid-Bugs-To: help@nordichome.se" in pot
    assert 'msgid "Order %(order)s"' not in pot  # a built-in message the shop does not override
    assert layers.extract(shop) is False  # stable output


def test_override_prefills_the_builtin_translation_and_survives_update_twice(shop: Layers) -> None:
    """`override sv` copies the sentence with the built-in Swedish; extract + update twice keep the shop's text."""
    result = layers.override(shop, "sv", "Order %(order)s")
    assert result.created and result.msgctxt == "subject" and result.msgstr == "Order %(order)s"
    po = Path(result.path)
    entry = entries(po)[("subject", "Order %(order)s")]
    assert entry.linenum == result.line
    entry.msgstr = "Din order %(order)s"
    pofile = polib.pofile(str(po))
    pofile.find("Order %(order)s", msgctxt="subject").msgstr = "Din order %(order)s"
    pofile.save()
    for _ in range(2):
        layers.extract(shop)
        [update] = layers.update(shop)
        assert update.obsolete == ()
        assert entries(po)[("subject", "Order %(order)s")].msgstr == "Din order %(order)s"
    assert 'msgid "Order %(order)s"' in messages.pot_path(shop.catalogs).read_text("utf-8")


def test_update_adds_only_what_the_lower_layer_does_not_translate(shop: Layers) -> None:
    """A shop's Swedish catalog gets its new sentence, not the ones the built-in Swedish already translates."""
    layers.override(shop, "sv", "Hi %(name)s,", translation="Tjena %(name)s!")
    layers.extract(shop)
    [result] = layers.update(shop)
    keys = set(entries(messages.po_path(shop.catalogs, "sv")))
    assert (None, "We will tell you when it is back in stock.") in keys
    assert (None, "Your parcel is on its way.") not in keys
    assert result.added == ("We will tell you when it is back in stock.",)


def test_update_revives_an_override_an_older_update_obsoleted(shop: Layers) -> None:
    """An override marked #~ obsolete (the old behaviour) comes back live, translation kept."""
    layers.extract(shop)
    write_po(shop.catalogs, "sv", po_text('#~ msgctxt "greeting"\n#~ msgid "Hi %(name)s,"\n'
                                          '#~ msgstr "Tjena %(name)s!"\n'))
    layers.update(shop)
    assert entries(messages.po_path(shop.catalogs, "sv"))[("greeting", "Hi %(name)s,")].msgstr == "Tjena %(name)s!"


def test_init_prefills_from_the_builtin_translation(shop: Layers) -> None:
    """`init sv` in a shop folder starts from the shop's template with the built-in Swedish filled in."""
    layers.extract(shop)
    path = layers.init(shop, "sv")
    found = entries(path)
    assert found[("greeting", "Hi %(name)s,")].msgstr == "Hej %(name)s,"
    assert found[(None, "We will tell you when it is back in stock.")].msgstr == ""
    assert oct(path.stat().st_mode & 0o777) == oct(0o666 & ~messages.current_umask())


def test_init_of_a_language_the_package_lacks_covers_every_message(shop: Layers) -> None:
    """`init nl` gets every built-in and shop message (plural forms included); update keeps them all."""
    layers.extract(shop)
    path = layers.init(shop, "nl")
    found = entries(path)
    assert (None, "Your parcel is on its way.") in found
    assert (None, "We will tell you when it is back in stock.") in found
    assert ("subject", "Order %(order)s") in found
    assert found[(None, "%(num)s parcel")].msgid_plural == "%(num)s parcels"
    pofile = polib.pofile(str(path))
    for entry in pofile:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: "%(num)s pakket", 1: "%(num)s pakketten"}
        else:
            entry.msgstr = "NL " + entry.msgid
    pofile.save()
    for _ in range(2):
        layers.extract(shop)
        [result] = layers.update(shop)
        assert result.obsolete == ()
    assert all(e.translated() for e in polib.pofile(str(path)) if not e.obsolete)


def test_update_brings_new_builtin_messages_to_a_shop_language(shop: Layers) -> None:
    """A sentence added to the built-in templates later appears in the shop's own language on update."""
    layers.extract(shop)
    layers.init(shop, "nl")
    lower_tpl = shop.lower_templates[0]
    (lower_tpl / "scenarios" / "more.j2").write_text('{{ _("A brand new sentence.") }}\n', "utf-8")
    messages.extract(lower_tpl, shop.lower_catalogs[0])
    [result] = layers.update(shop)
    assert result.added == ("A brand new sentence.",)


def test_override_with_an_unknown_sentence_suggests_the_closest(shop: Layers) -> None:
    """A misspelled msgid names the closest built-in message; nothing is written."""
    with pytest.raises(MessagesError, match="Did you mean 'Your parcel is on its way.'"):
        layers.override(shop, "sv", "Your parcel is on it's way.")
    assert not messages.po_path(shop.catalogs, "sv").exists()


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_written_files_follow_the_umask(shop: Layers, mask: int) -> None:
    """extract, override, init and compile write files with the umask's mode, not 0600 (trial B4)."""
    old = os.umask(mask)
    try:
        layers.extract(shop)
        layers.override(shop, "sv", "Hi %(name)s,")
        layers.init(shop, "nl")
        messages.compile(shop.catalogs, ["sv"])
    finally:
        os.umask(old)
    written = [messages.pot_path(shop.catalogs), messages.po_path(shop.catalogs, "sv"),
               messages.po_path(shop.catalogs, "nl"), messages.po_path(shop.catalogs, "sv").with_suffix(".mo")]
    assert {oct(p.stat().st_mode & 0o777) for p in written} == {oct(0o666 & ~mask)}
    assert not [p for p in shop.catalogs.rglob(".*.tmp")]


def test_override_without_the_templates_folder_keeps_the_shops_own_messages(shop: Layers) -> None:
    """`override` given only the catalogs folder adds its message to the .pot and drops nothing from it."""
    layers.extract(shop)
    catalogs_only = Layers(shop.catalogs, None, shop.lower_templates, shop.lower_catalogs)
    layers.override(catalogs_only, "sv", "Your parcel is on its way.", translation="Paketet är på väg!")
    pot = messages.pot_path(shop.catalogs).read_text("utf-8")
    assert 'msgid "We will tell you when it is back in stock."' in pot
    assert 'msgid "Your parcel is on its way."' in pot
    assert layers.extract(shop, check=True).stale is False  # type: ignore[union-attr]
