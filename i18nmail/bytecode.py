"""A bytecode cache for the compiled templates, so a fresh process does not
recompile them (compiling the layouts, components and one scenario for both
channels is most of a first email's template work).

Jinja's own :class:`jinja2.FileSystemBytecodeCache` stores the compiled code
in a private per-user folder of the temporary directory (created with mode
0700, refused when another user owns it). Jinja keys an entry by template
name and file only, and checks the source's checksum on load, so an edited
template is recompiled; the code generated for a template also depends on the
environment's settings (autoescape above all: the text and HTML channels
compile the same file differently), so :class:`EnvironmentCache` adds a salt
naming those settings to the key.

A cache never breaks a render: an unreadable, corrupt or unwritable entry is
skipped and the template compiled as usual. ``I18NMAIL_BYTECODE_CACHE=0`` in
the environment turns the cache off (and the holiday cache of
:mod:`i18nmail.holidaydata` with it).
"""

from __future__ import annotations

import hashlib

import jinja2
from jinja2.bccache import Bucket

from .cachedir import caches_enabled

__all__ = ["EnvironmentCache", "bytecode_cache"]


class EnvironmentCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file-system bytecode cache, keyed by the environment's settings too."""

    def __init__(self, salt: str, directory: str | None = None) -> None:
        super().__init__(directory)
        # Jinja's own format check knows the Python version, not Jinja's: code
        # compiled by one Jinja release is never loaded by another.
        keyed = f"{salt}; jinja2 {jinja2.__version__}"
        self.salt = hashlib.sha1(keyed.encode("utf-8")).hexdigest()[:16]

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(f"{self.salt}:{name}", filename)

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError):  # a damaged entry: compile instead
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:  # a full or read-only disk: the next process compiles again
            pass


def bytecode_cache(salt: str) -> jinja2.BytecodeCache | None:
    """The cache for an environment described by *salt*, or ``None`` when
    turned off or when no private cache folder can be made."""
    if not caches_enabled():
        return None
    try:
        return EnvironmentCache(salt)
    except (OSError, RuntimeError):  # no usable temporary directory
        return None
