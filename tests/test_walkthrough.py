"""The README's "Customise it for your shop", performed step by step on a non-editable install.

A wheel is built from the checkout and installed into a fresh virtual
environment in a temporary folder; every command of the walk-through is taken
from the README text itself and run there with umask 022, and the files the
README shows are written from its code blocks. The steps a person does by
hand (editing the copied template, translating) are done here in code.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
import venv
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")
SECTION = README[README.index("## Customise it for your shop"):]
SECTION = SECTION[:SECTION.index("\n## ", 10)]
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", SECTION, re.DOTALL)


def blocks(kind: str) -> list[str]:
    """The walk-through's code blocks of one kind (sh, toml, jinja, yaml), in order."""
    return [body for lang, body in BLOCKS if lang == kind]


def commands(block: str) -> list[str]:
    """The command lines of a shell block."""
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def file_blocks() -> dict[str, str]:
    """Blocks whose first line names the file they are (``# emails/...`` or ``{#- emails/... -#}``)."""
    found = {}
    for _lang, body in BLOCKS:
        first = body.splitlines()[0]
        name = re.fullmatch(r"(?:# |\{#- )(emails/\S+)(?: -#\})?", first)
        if name:
            found[name.group(1)] = body
    return found


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with i18nmail installed from a wheel (not editable); returns its bin folder."""
    base = tmp_path_factory.mktemp("install")
    dist = base / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
                   check=True, cwd=base)
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    wheel = next(dist.glob("i18nmail-*.whl"))
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    str(wheel)], check=True, cwd=base)
    return env_dir / "bin"


class Shop:
    """The shop's folder and a way to run commands in it with the installed package."""

    def __init__(self, folder: Path, bin_dir: Path) -> None:
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        self.env["PATH"] = f"{bin_dir}{os.pathsep}{self.env.get('PATH', '')}"
        self.bin = bin_dir

    def sh(self, command: str, *, ok: bool = True) -> subprocess.CompletedProcess[str]:
        """Run one README command line with umask 022; fail the test on a non-zero exit if *ok*."""
        result = subprocess.run(["bash", "-c", f"umask 022 && {command}"], check=False, cwd=self.folder, env=self.env,
                                capture_output=True, text=True, timeout=300)
        if ok:
            assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        return result

    def python(self, code: str) -> subprocess.CompletedProcess[str]:
        """Run Python code with the installed package."""
        return subprocess.run([str(self.bin / "python"), "-c", code], check=False, cwd=self.folder, env=self.env,
                              capture_output=True, text=True, timeout=300)

    def po(self, locale: str) -> Path:
        return self.folder / "emails" / "catalogs" / locale / "LC_MESSAGES" / "messages.po"


#: Messages whose translation is a setting, not a sentence.
SETTINGS = frozenset({"greeting form", "casual greeting form", "full name"})


def translate(path: Path, tag: str) -> None:
    """What a translator does: fill every empty entry (placeholders and tags kept).

    Setting messages (how the greeting names the customer, the name order) take
    one of the values their comment lists, not prose: the translator keeps them.
    """
    po = polib.pofile(str(path))
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgctxt in SETTINGS and not entry.msgstr:
            entry.msgstr = entry.msgid
            continue
        if entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                entry.msgstr_plural = {i: f"{tag} " + (entry.msgid if i == 0 else entry.msgid_plural)
                                       for i in entry.msgstr_plural}
        elif not entry.msgstr:
            entry.msgstr = f"{tag} {entry.msgid}"
    po.save()


def swedish_override(shop: Shop) -> str:
    entry = polib.pofile(str(shop.po("sv"))).find("Kind regards,", msgctxt="closing")
    assert entry is not None and not entry.obsolete
    return str(entry.msgstr)


@pytest.fixture(scope="module")
def walked(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """Steps 1-6 of the walk-through, done in order in a fresh shop folder."""
    shop = Shop(tmp_path_factory.mktemp("shop"), installed)
    sh = blocks("sh")
    # 1. brand and settings
    [settings] = [b for b in blocks("toml") if b.startswith("[tool.i18nmail.shop]")]
    (shop.folder / "pyproject.toml").write_text(settings, "utf-8")
    # 2. one sentence in Swedish
    for command in commands(sh[0]):
        shop.sh(command)
    # 3. one changed template: copy (README commands), then the edit a person makes
    for command in commands(sh[1]):
        shop.sh(command)
    copied = shop.folder / "emails/templates/scenarios/order_cancelled_out_of_stock.j2"
    text = copied.read_text("utf-8")
    [sentence] = [b for b in blocks("jinja") if "back in stock" in b]
    text = re.sub(r"\{% if loyalty_points %\}.*?\{% endif %\}\n", sentence, text, count=1, flags=re.DOTALL)
    assert "loyalty" not in text
    copied.write_text(text, "utf-8")
    # 4. a new scenario: the files as the README shows them
    for name, body in file_blocks().items():
        if "scenarios/" in name:
            (shop.folder / name).write_text(body, "utf-8")
    # 5. extract + update, then the translator's work on the new Swedish sentences
    for command in commands(sh[2]):
        shop.sh(command)
    translate(shop.po("sv"), "[sv]")
    # 6. a new language, translated, with sample data
    for command in commands(sh[3]):
        shop.sh(command)
    translate(shop.po("nl"), "[nl]")
    for name, body in file_blocks().items():
        if "samples/" in name:
            (shop.folder / name).parent.mkdir(parents=True, exist_ok=True)
            (shop.folder / name).write_text(body, "utf-8")
    yield shop


def test_the_swedish_sentence_survives_extract_and_update_twice(walked: Shop) -> None:
    """After two more rounds of extract + update the shop's Swedish closing is still there and rendered."""
    for _ in range(2):
        for command in commands(blocks("sh")[2]):
            result = walked.sh(command)
            assert "obsolete: " not in result.stdout
    assert swedish_override(walked) == "Varma hälsningar,"
    sv = polib.pofile(str(walked.po("sv")))
    assert sv.find("Hi %(name)s,", msgctxt="greeting") is None  # built-in Swedish, not copied
    assert sv.find("We will email you as soon as the item is back in stock.") is not None
    pot = (walked.folder / "emails/catalogs/messages.pot").read_text("utf-8")
    assert "#: emails/templates/scenarios/refund_partial.j2:" in pot
    assert "i18nmail contributors" not in pot
    rendered = walked.sh("i18nmail render refund_status --locale sv-SE --sample "
                         "--templates emails/templates --catalogs emails/catalogs")
    assert "Varma hälsningar," in rendered.stdout and "Kundtjänst" in rendered.stdout


def test_init_nl_covers_every_scenario(walked: Shop) -> None:
    """The Dutch catalog from `init nl`, once translated, renders every scenario with no fallback (strict)."""
    code = """
import json
from datetime import datetime, timezone
from i18nmail import Mailer, Shop
m = Mailer(Shop.from_pyproject(), templates="emails/templates", catalogs="emails/catalogs", strict=True)
now = datetime(2026, 12, 22, 9, tzinfo=timezone.utc)
out = {}
for s in m.scenarios():
    e = m.render(s.id, locale="nl-NL", context=s.sample("nl"), now=now)
    out[s.id] = [e.subject, e.text]
print(json.dumps(out))
"""
    result = walked.python(code)
    assert result.returncode == 0, result.stderr
    emails = json.loads(result.stdout)
    assert {"refund_partial", "order_cancelled_out_of_stock", "refund_approved"} <= set(emails)
    assert all(subject.startswith("[nl] ") for subject, _ in emails.values())
    assert "Klantenservice" in emails["refund_partial"][1]
    assert "[nl] We will email you as soon as the item is back in stock." in emails["order_cancelled_out_of_stock"][1]


def test_compile_check_stats_validate_preview_and_ci(walked: Shop) -> None:
    """Step 6's commands and the CI lines succeed; files are 0644; check reports only the shop's files."""
    seen: dict[str, subprocess.CompletedProcess[str]] = {}
    for command in commands(blocks("sh")[4]):
        if command.startswith("i18nmail preview"):
            continue  # served below, in the background
        seen[command.split()[1]] = walked.sh(command)
    catalogs = walked.folder / "emails" / "catalogs"
    written = [catalogs / "messages.pot", walked.po("sv"), walked.po("nl"), walked.po("nl").with_suffix(".mo")]
    assert {oct(p.stat().st_mode & 0o777) for p in written} == {"0o644"}
    assert re.search(r"^nl +(\d+) +0 +0 +\1 +100\.0%$", seen["stats"].stdout, re.MULTILINE)
    assert seen["validate"].stdout.startswith("0 problem(s)")
    for line in re.findall(r"^- run: (.*)$", "\n".join(blocks("yaml")), re.MULTILINE):
        walked.sh(line)
    # No finding about a file the shop does not own (the installed package's catalogs).
    findings = seen["check"].stdout.splitlines()[:-1]
    assert all(line.startswith("emails/") for line in findings), findings


def test_preview_shows_the_shop_in_its_locales(walked: Shop) -> None:
    """The README's preview command serves the shop's brand and only its locales."""
    [command] = [c for c in commands(blocks("sh")[4]) if c.startswith("i18nmail preview")]
    process = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=walked.folder, env=walked.env,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        url = re.search(r"http://\S+", line)
        assert url, line
        with urllib.request.urlopen(url.group(0).rstrip("/") + "/", timeout=120) as response:
            page = response.read().decode("utf-8")
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()
    assert "refund_partial" in page
    assert re.search(r"\bnl\b", page) and re.search(r"\bsv\b", page)
    assert not re.search(r"\bko\b", page)


def test_strict_mode_raises_on_a_missing_sentence_and_currency_defaults_to_the_shops(walked: Shop) -> None:
    """Strict: Finnish lacks the shop's new sentences -> StrictModeError; no currency in context -> SEK, not USD."""
    code = """
from datetime import datetime, timezone
from i18nmail import Mailer, Shop, StrictModeError
shop = Shop.from_pyproject()
now = datetime(2026, 12, 22, 9, tzinfo=timezone.utc)
strict = Mailer(shop, templates="emails/templates", catalogs="emails/catalogs", strict=True)
sample = strict.scenario("refund_partial").sample("fi")
try:
    strict.render("refund_partial", locale="fi-FI", context=sample, now=now)
except StrictModeError as exc:
    print("strict:", [f.message for f in exc.fallbacks])
lax = Mailer(shop, templates="emails/templates", catalogs="emails/catalogs")
context = {k: v for k, v in lax.scenario("refund_partial").sample().items() if k != "currency"}
email = lax.render("refund_partial", locale="en-US", context=context, now=now)
print("money:", email.text.split("\\n")[2], email.fallbacks)
print("sender:", email.to_message(recipient="emma@example.org")["From"])
"""
    result = walked.python(code)
    assert result.returncode == 0, result.stderr
    assert "strict: [" in result.stdout and "We have refunded %(amount)s for these items:" in result.stdout
    assert re.search(r"^money: We have refunded SEK\xa0?298\.00 for these items: \(\)$", result.stdout,
                     re.MULTILINE), result.stdout
    assert "sender: Nordic Home <help@nordichome.se>" in result.stdout


def test_validate_names_file_and_line_of_a_broken_override(walked: Shop) -> None:
    """A syntax error in the shop's template makes `i18nmail validate` exit 1 with file:line (last: it breaks the shop)."""
    path = walked.folder / "emails/templates/scenarios/order_cancelled_out_of_stock.j2"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if "back in stock" in line)
    lines[number - 1] = lines[number - 1].replace('stock.")) }}', 'stock.") }}')
    path.write_text("".join(lines), "utf-8")
    [command] = [c for c in commands(blocks("sh")[4]) if c.startswith("i18nmail validate")]
    result = walked.sh(command, ok=False)
    assert result.returncode == 1
    assert f"emails/templates/scenarios/order_cancelled_out_of_stock.j2:{number}: template-syntax:" in result.stdout
