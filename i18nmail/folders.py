"""A shop's layers of templates and catalogs, and errors traced back to them.

A :class:`~i18nmail.render.Mailer` searches a stack of folders, the shop's
first (one folder or a list, in the order given) and the built-in ones
(:mod:`i18nmail.data`) last. This module turns the ``templates=``/
``catalogs=`` arguments into that stack, names the fallbacks a strict render
refuses, and maps a template error back to the file of the layer it came from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

__all__ = ["STRICT_KINDS", "Folders", "layer_roots", "plain_undefined", "template_frame"]

#: One folder or several, searched in the order given (before the built-in one).
Folders = str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None
#: Fallback kinds that make a strict render fail: a sentence or catalog from
#: another language, a catalog that did not load, a guessed currency.
STRICT_KINDS = frozenset({"message", "catalog", "currency"})


def layer_roots(folders: Folders) -> tuple[Path, ...]:
    """*folders* (one path, a list of paths, or ``None``) as a tuple of paths.

    >>> layer_roots("shop/templates"), layer_roots(None)
    ((PosixPath('shop/templates'),), ())
    >>> layer_roots(["shop/a", "pack/b"])
    (PosixPath('shop/a'), PosixPath('pack/b'))
    """
    if folders is None:
        return ()
    if isinstance(folders, (str, os.PathLike)):
        return (Path(folders),)
    if isinstance(folders, bytes) or not isinstance(folders, Sequence):
        raise TypeError("templates/catalogs must be a folder or a list of folders")
    return tuple(Path(f) for f in folders)


def template_frame(tb: TracebackType | None, default: str) -> tuple[str, int | None]:
    """The innermost template file and line in *tb* (Jinja maps its frames to
    template lines), else *default* without a line."""
    found: tuple[str, int | None] = (default, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") and os.path.isfile(filename):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


_MODULE_ATTR = re.compile(r"^'jinja2\.environment\.TemplateModule object' has no attribute '([^']*)'$")


def plain_undefined(message: str | None) -> str:
    """Jinja's undefined-value message, without its internals.

    >>> plain_undefined("'jinja2.environment.TemplateModule object' has no attribute 'itemz'")
    "no macro 'itemz' in the imported components (ui.*, common.*)"
    """
    text = message or "undefined"
    found = _MODULE_ATTR.match(text)
    if found:
        return f"no macro {found.group(1)!r} in the imported components (ui.*, common.*)"
    return text
