"""The README's code blocks, for the tests that run them as written."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_files(section: str) -> dict[str, str]:
    """The ```python blocks of a README section that start with a ``# path`` line, by path."""
    text = (ROOT / "README.md").read_text("utf-8")
    start = text.index(f"## {section}\n")
    end = text.find("\n## ", start + 1)
    body = text[start:end if end != -1 else None]
    files = {}
    for block in re.findall(r"```python\n(.*?)```", body, flags=re.DOTALL):
        first, _, rest = block.partition("\n")
        if re.fullmatch(r"# [\w/]+\.py", first):
            files[first[2:]] = rest
    return files
