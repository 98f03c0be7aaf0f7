"""``python -m i18nmail`` runs the command line."""

from .cli import main

if __name__ == "__main__":  # pragma: no branch
    main(prog_name="i18nmail")
