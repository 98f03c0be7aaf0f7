"""The compiled render path (issue 14): the same email as the full templates, byte for byte."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from i18nmail import Mailer, RenderedEmail, Shop, StrictModeError, TemplateError
from i18nmail.render import builtin_templates
from tests.catalog_builders import po_text, write_po

NOW = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
FIELDS = ("subject", "preheader", "text", "html", "fallbacks", "locale", "direction")
#: Values that need every kind of escaping: markup, entities, both quotes,
#: a no-break space, right-to-left letters, a bidi override, a carriage return.
HOSTILE = [
    '<b>Emma & "Jo" O\'Neil</b>',
    "سارة <script>x</script> & co",
    "Tom\xa0&amp; Jerry's \u202e reversed",
    "a\rb > c < d",
    "{{ 7*7 }} %(name)s %%",
]


def compiled_mailer(**options: Any) -> Mailer:
    """A Mailer that compiles on the first render and lets compiler failures through."""
    mailer = Mailer(**options)
    mailer._compile_after = 1
    mailer._compiled_fallback = False
    return mailer


def assert_same(a: RenderedEmail, b: RenderedEmail) -> None:
    for name in FIELDS:
        assert getattr(a, name) == getattr(b, name), name


def was_compiled(mailer: Mailer, scenario: str) -> bool:
    return any(key[0] == scenario and entry.compiled is not None for key, entry in mailer._compiled_cache.items())


def hostile_contexts(mailer: Mailer, scenario: str, catalog: str) -> list[dict[str, Any]]:
    """The sample context with each hostile value in every free-text field (and item name)."""
    declared = mailer.scenario(scenario)
    sample = declared.sample(catalog, now=NOW)
    texts = [name for name, field in declared.fields.items()
             if field.type in ("str", "text") and not field.choices and name in sample
             and name not in ("currency", "country", "timezone", "refund_method", "agent_email")]
    contexts = []
    for value in HOSTILE:
        context = dict(sample)
        for name in texts:
            context[name] = value
        if "items" in context:
            context["items"] = [{**item, "name": value} for item in context["items"]]
        contexts.append(context)
    return contexts


@pytest.mark.parametrize("tag", ["sv-SE", "ar-SA", "ko-KR", "ja-JP", "fr-FR"])
def test_hostile_values_render_the_same_compiled(tag: str) -> None:
    """Markup, entities, quotes, no-break spaces, RTL text and bidi controls in every
    free-text value give the same subject, text, HTML and fallbacks on both paths."""
    full = Mailer(compiled=False)
    fast = compiled_mailer()
    catalog = full.negotiate(tag).catalogs[0]
    for scenario in [s.id for s in full.scenarios()]:
        for context in hostile_contexts(full, scenario, catalog):
            expected = full.render(scenario, locale=tag, context=context, now=NOW)
            assert_same(fast.render(scenario, locale=tag, context=context, now=NOW), expected)
        assert was_compiled(fast, scenario)


def test_the_first_render_of_a_locale_does_not_wait_for_the_compiler() -> None:
    """A scenario is compiled for a locale on its second render there; compiled=False never compiles."""
    mailer = Mailer()
    context = mailer.scenario("refund_approved").sample("sv", now=NOW)
    mailer.render("refund_approved", locale="sv-SE", context=context, now=NOW)
    assert not was_compiled(mailer, "refund_approved")
    mailer.render("refund_approved", locale="sv-SE", context=context, now=NOW)
    assert was_compiled(mailer, "refund_approved")
    never = Mailer(compiled=False)
    for _ in range(3):
        never.render("refund_approved", locale="sv-SE", context=context, now=NOW)
    assert never._compiled_cache == {}


def override(root: Path, scenario: str, old: str, new: str) -> Path:
    target = root / "scenarios" / f"{scenario}.j2"
    target.parent.mkdir(parents=True, exist_ok=True)
    source = (builtin_templates() / "scenarios" / f"{scenario}.j2").read_text("utf-8")
    assert old in source
    target.write_text(source.replace(old, new, 1), "utf-8")
    return target


def test_a_template_the_compiler_does_not_handle_renders_in_full(tmp_path: Path) -> None:
    """A shop template using {% include %} is not compiled; its emails are the full path's."""
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "note.j2").write_text("Note for {{ order_number }}\n", "utf-8")
    override(tmp_path, "refund_approved", "{% block body %}\n", "{% block body %}\n{% include 'snippets/note.j2' %}\n")
    full = Mailer(templates=tmp_path, compiled=False)
    fast = compiled_mailer(templates=tmp_path)
    context = full.scenario("refund_approved").sample("sv", now=NOW)
    email = fast.render("refund_approved", locale="sv-SE", context=context, now=NOW)
    assert "Note for" in email.text
    assert_same(email, full.render("refund_approved", locale="sv-SE", context=context, now=NOW))
    assert not was_compiled(fast, "refund_approved")


def test_errors_on_the_compiled_path_name_the_file_and_line(tmp_path: Path) -> None:
    """An undefined value in a shop's template raises the full path's TemplateError
    (layer file and line), also once the scenario is compiled."""
    path = override(tmp_path, "refund_approved", "{% block body %}\n",
                    "{% block body %}\n{% if order_number == '0' %}{{ no_such_value }}{% endif %}\n")
    mailer = Mailer(templates=tmp_path)
    mailer._compile_after = 1
    context = mailer.scenario("refund_approved").sample("sv", now=NOW)
    mailer.render("refund_approved", locale="sv-SE", context=context, now=NOW)
    assert was_compiled(mailer, "refund_approved")
    with pytest.raises(TemplateError) as caught:
        mailer.render("refund_approved", locale="sv-SE", context={**context, "order_number": "0"}, now=NOW)
    assert caught.value.path == str(path)
    assert caught.value.lineno is not None and "no_such_value" in str(caught.value)


def test_fallback_sentences_are_recorded_the_same(tmp_path: Path) -> None:
    """In a partly translated catalog, the compiled path records every fallback
    sentence (and only those) in the same order as the full path."""
    write_po(tmp_path, "is", po_text(
        'msgctxt "closing"\nmsgid "Kind regards,"\nmsgstr "Bestu kveðjur,"\n', lang="is"))
    full = Mailer(catalogs=tmp_path, compiled=False)
    fast = compiled_mailer(catalogs=tmp_path)
    context = full.scenario("refund_approved").sample(now=NOW)
    expected = full.render("refund_approved", locale="is-IS", context=context, now=NOW)
    email = fast.render("refund_approved", locale="is-IS", context=context, now=NOW)
    assert "Bestu kveðjur," in email.text
    assert len([f for f in expected.fallbacks if f.kind == "message"]) > 5
    assert_same(email, expected)
    assert was_compiled(fast, "refund_approved")


def test_strict_mode_refuses_the_same_emails_compiled(tmp_path: Path) -> None:
    """Strict mode raises StrictModeError for a fallback sentence on the compiled path too."""
    write_po(tmp_path, "is", po_text(
        'msgctxt "closing"\nmsgid "Kind regards,"\nmsgstr "Bestu kveðjur,"\n', lang="is"))
    shop = Shop(name="Nordic Home", country="SE", support_email="help@nordichome.se",
                help_centre_url="https://nordichome.se/help", refund_policy_url="https://nordichome.se/returns",
                website_url="https://nordichome.se")
    mailer = compiled_mailer(catalogs=tmp_path, shop=shop, strict=True)
    context = mailer.scenario("refund_approved").sample(now=NOW)
    for _ in range(2):
        with pytest.raises(StrictModeError):
            mailer.render("refund_approved", locale="is-IS", context=context, now=NOW)


def bump(path: Path) -> None:
    """Move *path*'s mtime forward, so a change within the same second is seen."""
    later = time.time() + 5
    os.utime(path, (later, later))


def test_auto_reload_recompiles_after_a_catalog_or_template_change(tmp_path: Path) -> None:
    """With auto-reload, an edited catalog or template shows in the next compiled render."""
    catalogs, templates = tmp_path / "catalogs", tmp_path / "templates"
    po = write_po(catalogs, "sv", po_text('msgctxt "closing"\nmsgid "Kind regards,"\nmsgstr "Hälsningar,"\n'))
    template = override(templates, "refund_approved", "{% block body %}\n", "{% block body %}\nFirst edit\n")
    mailer = compiled_mailer(catalogs=catalogs, templates=templates, auto_reload=True)
    context = mailer.scenario("refund_approved").sample("sv", now=NOW)
    email = mailer.render("refund_approved", locale="sv-SE", context=context, now=NOW)
    assert "Hälsningar," in email.text and "First edit" in email.text
    assert was_compiled(mailer, "refund_approved")
    po.write_text(po.read_text("utf-8").replace("Hälsningar,", "Vänliga hälsningar från oss,"), "utf-8")
    bump(po)
    template.write_text(template.read_text("utf-8").replace("First edit", "Second edit"), "utf-8")
    bump(template)
    email = mailer.render("refund_approved", locale="sv-SE", context=context, now=NOW)
    assert "Vänliga hälsningar från oss," in email.text and "Second edit" in email.text
    assert "Second edit" in email.html
    assert_same(email, Mailer(catalogs=catalogs, templates=templates, compiled=False).render(
        "refund_approved", locale="sv-SE", context=context, now=NOW))


def test_mark_fallbacks_renders_through_the_full_templates() -> None:
    """The preview's fallback marks come from the full path; the compiled one is not used for them."""
    mailer = compiled_mailer(pseudo=True)
    context = mailer.scenario("refund_approved").sample(now=NOW)
    marked = mailer.render("refund_approved", locale="en-XA", context=context, now=NOW, mark_fallbacks=True)
    plain = mailer.render("refund_approved", locale="en-XA", context=context, now=NOW)
    assert_same(plain, Mailer(pseudo=True, compiled=False).render("refund_approved", locale="en-XA",
                                                                   context=context, now=NOW))
    assert marked.text == plain.text


def test_plural_sentences_follow_the_catalogs_rule_and_its_failures(tmp_path: Path) -> None:
    """A compiled plural sentence picks the catalog's form for each count, and a count
    the Plural-Forms rule fails for falls back (and is recorded) exactly as in full."""
    write_po(tmp_path, "sv", po_text(
        'msgid "We\'ve also added %(num)s loyalty point to your account."\n'
        'msgid_plural "We\'ve also added %(num)s loyalty points to your account."\n'
        'msgstr[0] "En bonuspoäng (%(num)s) har lagts till."\n'
        'msgstr[1] "%(num)s bonuspoäng har lagts till."\n',
        plural="nplurals=2; plural=(n > 100000 ? 7 : n != 1);"))
    full = Mailer(catalogs=tmp_path, compiled=False)
    fast = compiled_mailer(catalogs=tmp_path)
    context = full.scenario("order_cancelled_out_of_stock").sample("sv", now=NOW)
    seen = []
    for points in (1, 7, 250_000):
        case = {**context, "loyalty_points": points}
        expected = full.render("order_cancelled_out_of_stock", locale="sv-SE", context=case, now=NOW)
        email = fast.render("order_cancelled_out_of_stock", locale="sv-SE", context=case, now=NOW)
        assert_same(email, expected)
        seen.append(email)
    assert "En bonuspoäng (1) har lagts till." in seen[0].text
    assert "7 bonuspoäng har lagts till." in seen[1].text
    assert any("Plural-Forms gives form 7" in f.detail for f in seen[2].fallbacks)
    assert was_compiled(fast, "order_cancelled_out_of_stock")


def test_without_css_inlining_the_compiled_html_is_the_full_paths() -> None:
    """With inline_css=False the compiled HTML keeps Jinja's own escaping, as the full path does."""
    full = Mailer(inline_css=False, compiled=False)
    fast = compiled_mailer(inline_css=False)
    for scenario in ("order_cancelled_out_of_stock", "support_acknowledgement"):
        for context in hostile_contexts(full, scenario, "sv")[:2]:
            assert_same(fast.render(scenario, locale="sv-SE", context=context, now=NOW),
                        full.render(scenario, locale="sv-SE", context=context, now=NOW))
        assert was_compiled(fast, scenario)


def test_threads_rendering_one_locale_get_one_compiled_scenario() -> None:
    """Eight threads rendering the same scenario and locale get identical emails,
    and the Mailer keeps one compiled scenario for that locale."""
    from concurrent.futures import ThreadPoolExecutor

    mailer = Mailer()
    context = mailer.scenario("refund_approved").sample("sv", now=NOW)
    expected = Mailer(compiled=False).render("refund_approved", locale="sv-SE", context=context, now=NOW)
    with ThreadPoolExecutor(8) as pool:
        emails = list(pool.map(lambda _: mailer.render("refund_approved", locale="sv-SE", context=context,
                                                        now=NOW), range(64)))
    for email in emails:
        assert_same(email, expected)
    assert [key[0] for key in mailer._compiled_cache] == ["refund_approved"]


@given(st.text(alphabet=" \t\n\xa0ab-\u200f\u2068", max_size=60))
def test_tidy_lines_is_the_regex_it_replaced(text: str) -> None:
    """Line tidying (trailing spaces, blank-line runs, bidi controls) gives what the
    former whole-text regexes gave, for any mix of spaces, tabs, blank lines and controls."""
    import re

    from i18nmail.render import _tidy_lines
    from i18nmail.typography import BIDI_CONTROLS, drop_bidi_controls

    blank_lines = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
    trailing = re.compile(r"[ \t]+\n")
    expected = trailing.sub("\n", blank_lines.sub("\n\n", BIDI_CONTROLS.sub("", text))).strip() + "\n"
    assert _tidy_lines(drop_bidi_controls(text)) == expected


@given(st.text(alphabet=" \t\n\r\x0b\x0c\xa0\u202fab:\u200e", max_size=40))
def test_collapse_spaces_is_the_regex_it_replaced(text: str) -> None:
    """Collapsing spaces with its shortcut for text with nothing to collapse gives
    what the single whole-text regex gave."""
    import re

    from i18nmail.message import collapse_spaces

    assert collapse_spaces(text) == re.sub(r"[ \t\n\r\f\v]+", " ", text).strip(" ")


def assert_shop_block_renders_the_same(tmp_path: Path, block: str, value: str, *, fallback: bool = False) -> None:
    """The refund_approved email with *block* at the top of its body and *value* as the
    order number, in Swedish and Arabic, compiled (compiler failures surfacing unless
    *fallback*) and in full."""
    override(tmp_path, "refund_approved", "{% block body %}\n", "{% block body %}\n" + block + "\n")
    full = Mailer(templates=tmp_path, compiled=False)
    fast = Mailer(templates=tmp_path) if fallback else compiled_mailer(templates=tmp_path)
    fast._compile_after = 1
    for tag in ("sv-SE", "ar-SA"):
        context = {**full.scenario("refund_approved").sample(full.negotiate(tag).catalogs[0], now=NOW),
                   "order_number": value}
        for _ in range(2):
            assert_same(fast.render("refund_approved", locale=tag, context=context, now=NOW),
                        full.render("refund_approved", locale=tag, context=context, now=NOW))


@pytest.mark.parametrize("block", [
    "{% set x %}Tom & Jerry > 1 &mdash; &#160;{% endset %}<p>{{ x }}</p>",
    "{% set x = 'a & b' %}{% set y %}{{ x }} & c{% endset %}<p>{{ y }}</p>",
])
def test_set_block_text_the_inliner_would_rewrite_renders_the_same(tmp_path: Path, block: str) -> None:
    """Review 14: a {% set %} block's own text with a bare &, > or an entity, shown in
    the HTML, is written as the inliner re-serialises it, not as it is."""
    assert_shop_block_renders_the_same(tmp_path, block, "A&B")


def test_a_set_block_with_a_double_quote_in_an_attribute_renders_the_same(tmp_path: Path) -> None:
    """Review 14: a {% set %} block's double quote written into an attribute ends it
    in the full templates, and so in the email the compiled path gives."""
    assert_shop_block_renders_the_same(tmp_path, '{% set x %}say "hi"{% endset %}<a title="{{ x }}" href="#">y</a>',
                                       "A&B", fallback=True)


@pytest.mark.parametrize("block", [
    '<a title="a>b" href="{{ order_number }}">y</a>',
    "<!-- a > b {{ order_number }} -->",
    "<noscript>{{ order_number }}</noscript>",
    "<p>&{{ order_number }}</p>",
])
def test_values_in_markup_the_compiler_misreads_render_the_same(tmp_path: Path, block: str) -> None:
    """Review 14: a value after a quoted attribute holding '>', inside a comment holding
    '>', inside <noscript> or right after a bare '&' gets the full path's escaping."""
    assert_shop_block_renders_the_same(tmp_path, block, 'amp;A"B<c>&x')


@pytest.mark.parametrize("block", [
    "<p>{{ order_number|safe }}</p>",
    "<p>{{ order_number|urlize }}</p>",
    "<p>{{ '<b>'|safe ~ order_number }}</p>",
])
def test_markup_made_while_rendering_renders_the_same(tmp_path: Path, block: str) -> None:
    """Review 14: a value made markup while rendering (|safe, |urlize) is not written
    as the compiled template's escaping guesses; the email is the full path's."""
    assert_shop_block_renders_the_same(tmp_path, block, "see https://x.example/?a=1&b=2 <b>now</b> &mdash; '", fallback=True)


def test_auto_reload_after_an_edit_of_a_component_the_components_import(tmp_path: Path) -> None:
    """Review 14: with auto-reload, editing components/common.j2 (which components/html.j2
    and text.j2 import) gives the edited email on the next render, compiled, not a KeyError."""
    common = tmp_path / "components" / "common.j2"
    common.parent.mkdir(parents=True)
    source = (builtin_templates() / "components" / "common.j2").read_text("utf-8")
    common.write_text(source, "utf-8")
    mailer = compiled_mailer(templates=tmp_path, auto_reload=True)
    context = {**mailer.scenario("refund_approved").sample("sv", now=NOW), "refund_method": "store_credit"}
    mailer.render("refund_approved", locale="sv-SE", context=context, now=NOW)
    assert was_compiled(mailer, "refund_approved")
    old = '{{ pgettext("refund timing", "Right away") }}'
    assert old in source
    common.write_text(source.replace(old, "At once (edited)"), "utf-8")
    bump(common)
    email = mailer.render("refund_approved", locale="sv-SE", context=context, now=NOW)
    assert "At once (edited)" in email.text and "At once (edited)" in email.html
    assert_same(email, Mailer(templates=tmp_path, compiled=False).render(
        "refund_approved", locale="sv-SE", context=context, now=NOW))
    assert was_compiled(mailer, "refund_approved")


def test_fallback_sentences_in_a_right_to_left_locale_keep_their_bdi_isolates(tmp_path: Path) -> None:
    """Review 14: in a partly translated right-to-left catalog, a fallback sentence's
    values are wrapped in <bdi> in the compiled HTML too (it is computed with
    autoescaping on), in every scenario."""
    write_po(tmp_path, "he", po_text('msgctxt "closing"\nmsgid "Kind regards,"\nmsgstr "בברכה,"\n', lang="he"))
    full = Mailer(catalogs=tmp_path, compiled=False)
    fast = compiled_mailer(catalogs=tmp_path)
    for scenario in [s.id for s in full.scenarios()]:
        context = {**full.scenario(scenario).sample(now=NOW), "customer_given_name": "שרה"}
        expected = full.render(scenario, locale="he-IL", context=context, now=NOW)
        assert "<bdi>" in expected.html
        assert_same(fast.render(scenario, locale="he-IL", context=context, now=NOW), expected)
        assert was_compiled(fast, scenario)


def test_a_filter_on_a_translation_in_a_shop_component_renders_the_same(tmp_path: Path) -> None:
    """Review 14: a shop's components/html.j2 writing {{ text|upper }} (which turns
    &amp; into &AMP; and <bdi> into <BDI>) gives the full path's email, compiled or not."""
    source = (builtin_templates() / "components" / "html.j2").read_text("utf-8")
    assert "<p>{{ text }}</p>" in source
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "html.j2").write_text(source.replace("<p>{{ text }}</p>", "<p>{{ text|upper }}</p>"),
                                                     "utf-8")
    full = Mailer(templates=tmp_path, compiled=False)
    fast = Mailer(templates=tmp_path)
    fast._compile_after = 1
    for tag in ("sv-SE", "ar-SA"):
        for scenario in ("refund_approved", "order_cancelled_out_of_stock"):
            context = {**full.scenario(scenario).sample(full.negotiate(tag).catalogs[0], now=NOW),
                       "order_number": 'A&"<b>'}
            for _ in range(2):
                assert_same(fast.render(scenario, locale=tag, context=context, now=NOW),
                            full.render(scenario, locale=tag, context=context, now=NOW))


def test_without_auto_reload_a_template_edited_after_loading_is_not_compiled(tmp_path: Path) -> None:
    """Review 14: without auto-reload the full path keeps the template it loaded; a file
    edited on disk after that is not compiled in, so the Mailer's emails do not change."""
    template = override(tmp_path, "refund_approved", "{% block body %}\n", "{% block body %}\n<p>Version one</p>\n")
    mailer = Mailer(templates=tmp_path)
    reference = Mailer(templates=tmp_path, compiled=False)
    context = mailer.scenario("refund_approved").sample("sv", now=NOW)
    for each in (mailer, reference):
        each.render("refund_approved", locale="sv-SE", context=context, now=NOW)
    template.write_text(template.read_text("utf-8").replace("Version one", "Version two"), "utf-8")
    bump(template)
    email = mailer.render("refund_approved", locale="sv-SE", context=context, now=NOW)
    assert "Version one" in email.html
    assert_same(email, reference.render("refund_approved", locale="sv-SE", context=context, now=NOW))


def test_a_scenario_that_stays_on_the_full_templates_is_logged(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    """The i18nmail logger says, at DEBUG level, which scenario is not compiled and why."""
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "note.j2").write_text("Note\n", "utf-8")
    override(tmp_path, "refund_approved", "{% block body %}\n", "{% block body %}\n{% include 'snippets/note.j2' %}\n")
    mailer = compiled_mailer(templates=tmp_path)
    with caplog.at_level("DEBUG", logger="i18nmail"):
        mailer.render("refund_approved", locale="sv-SE", context=mailer.scenario("refund_approved").sample("sv"),
                      now=NOW)
    assert any("refund_approved in sv-SE renders through the full templates" in r.getMessage()
               and "Include" in r.getMessage() for r in caplog.records)


def test_a_compiled_render_that_fails_where_the_full_one_does_not_is_not_tried_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """When the compiled templates fail and the full ones render the email, the email is
    the full path's and later emails of that scenario and locale skip the compiled try."""
    from i18nmail.compiled import CompiledScenario

    mailer = Mailer()
    mailer._compile_after = 1
    context = mailer.scenario("refund_approved").sample("sv", now=NOW)
    calls = []

    def broken(self: CompiledScenario, variables: dict[str, Any]) -> str:
        calls.append(1)
        raise RuntimeError("a compiler fault")

    monkeypatch.setattr(CompiledScenario, "render_html", broken)
    expected = Mailer(compiled=False).render("refund_approved", locale="sv-SE", context=context, now=NOW)
    for _ in range(3):
        assert_same(mailer.render("refund_approved", locale="sv-SE", context=context, now=NOW), expected)
    assert calls == [1]
    assert not was_compiled(mailer, "refund_approved")


def test_a_fault_of_the_compiler_costs_no_email(monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    """An unexpected error while compiling is logged as a warning and the email is rendered in full."""
    import i18nmail.compiled

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a compiler fault")

    monkeypatch.setattr(i18nmail.compiled, "compile_scenario", broken)
    mailer = Mailer()
    mailer._compile_after = 1
    context = mailer.scenario("refund_approved").sample("sv", now=NOW)
    with caplog.at_level("WARNING", logger="i18nmail"):
        email = mailer.render("refund_approved", locale="sv-SE", context=context, now=NOW)
    assert_same(email, Mailer(compiled=False).render("refund_approved", locale="sv-SE", context=context, now=NOW))
    assert any("compiling it failed" in r.getMessage() for r in caplog.records)


def test_the_mailer_keeps_a_bounded_number_of_compiled_scenarios(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the limit, compiling another (scenario, locale) drops the oldest one."""
    import i18nmail.render

    monkeypatch.setattr(i18nmail.render, "_MAX_COMPILED", 2)
    mailer = compiled_mailer()
    for scenario in ("refund_approved", "refund_denied", "refund_status"):
        mailer.render(scenario, locale="sv-SE", context=mailer.scenario(scenario).sample("sv", now=NOW), now=NOW)
    assert [key[0] for key in mailer._compiled_cache] == ["refund_denied", "refund_status"]
