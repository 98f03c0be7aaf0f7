"""Render every scenario in every shipped locale into one file per locale, for native reviewers.

    .venv/bin/python scripts/review_pack.py --out review/            # now = the current time
    .venv/bin/python scripts/review_pack.py --out review/ --now 2026-12-22T09:00:00+00:00 --html

Each ``<tag>.md`` holds, per scenario, what the customer sees: subject,
preheader and the plain-text part, rendered with the market's sample data and
the same ``now`` for the samples and the render (so no date lies in the past).
``en-US.md`` is the English source to compare against. With ``--html`` the
HTML parts are written too (``<tag>/<scenario>.html``). A reviewer needs only
these files; findings go back into the catalogs, templates or samples.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

import langcodes

from i18nmail import Mailer
from i18nmail.negotiation import bcp47

#: The market each catalog is reviewed in, where the likeliest region is not the shop's market.
MARKETS = {"en": "en-US", "en_GB": "en-GB", "ar": "ar-SA", "zh_Hans": "zh-Hans-CN"}


def market(catalog: str) -> str:
    """The BCP 47 tag a catalog is reviewed in (``sv`` -> ``sv-SE``)."""
    if catalog in MARKETS:
        return MARKETS[catalog]
    lang = langcodes.Language.get(bcp47(catalog))
    region = lang.maximize().territory
    return f"{lang.to_tag()}-{region}" if region and not lang.territory else lang.to_tag()


def render_locale(mailer: Mailer, catalog: str, now: datetime, html_dir: Path | None) -> str:
    """The review file of one locale: every scenario's subject, preheader and text."""
    tag = market(catalog)
    out = [f"# {tag}: every email as the customer sees it\n",
           f"Catalog `{catalog}`; rendered at {now.isoformat()} with the market's sample data.\n"]
    for scenario in mailer.scenarios():
        email = mailer.render(scenario.id, locale=tag, context=scenario.sample(catalog, now=now), now=now)
        out.append(f"## {scenario.id}\n")
        out.append(f"_{scenario.description}_\n")
        out.append(f"**Subject:** {email.subject}  \n**Preheader:** {email.preheader}\n")
        if email.fallbacks:
            out.append("**Fallbacks:** " + "; ".join(str(f) for f in email.fallbacks) + "\n")
        out.append("```text\n" + email.text.rstrip("\n") + "\n```\n")
        if html_dir is not None:
            folder = html_dir / tag
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{scenario.id}.html").write_text(email.html, "utf-8")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for <tag>.md (created)")
    parser.add_argument("--now", help="ISO datetime with offset; default: the current time")
    parser.add_argument("--locale", action="append", dest="catalogs", metavar="CATALOG",
                        help="catalog id to render (repeatable); default: English and every catalog")
    parser.add_argument("--html", action="store_true", help="also write the HTML parts")
    args = parser.parse_args(argv)
    now = datetime.now(UTC)
    if args.now:
        now = datetime.fromisoformat(args.now)
        if now.utcoffset() is None:
            parser.error("--now needs a UTC offset, e.g. 2026-12-22T09:00:00+00:00")
    mailer = Mailer()
    catalogs = args.catalogs or ["en", *sorted(mailer.catalogs.available())]
    args.out.mkdir(parents=True, exist_ok=True)
    for catalog in catalogs:
        path = args.out / f"{market(catalog)}.md"
        path.write_text(render_locale(mailer, catalog, now, args.out if args.html else None), "utf-8")
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
