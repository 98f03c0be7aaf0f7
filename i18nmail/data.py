"""Where i18nmail's built-in templates and catalogs live (a wheel or a checkout).

Kept apart from the renderer so that the catalog tools can find the built-in
folders without importing it.
"""

from __future__ import annotations

from pathlib import Path

from .exceptions import RenderError

__all__ = ["builtin_catalogs", "builtin_templates"]


def _data_dir(name: str) -> Path:
    here = Path(__file__).resolve().parent
    packaged = here / "_data" / name  # an installed wheel
    if packaged.is_dir():
        return packaged
    source = here.parent / name  # a source checkout or editable install
    if source.is_dir():
        return source
    raise RenderError(f"i18nmail's built-in {name}/ folder is missing from the installation")


def builtin_templates() -> Path:
    """The folder of templates shipped with i18nmail."""
    return _data_dir("templates")


def builtin_catalogs() -> Path:
    """The folder of catalogs shipped with i18nmail."""
    return _data_dir("catalogs")
