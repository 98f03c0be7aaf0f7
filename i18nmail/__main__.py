"""``python -m i18nmail`` runs the command line."""

from .cli import run

if __name__ == "__main__":  # pragma: no branch
    run()
