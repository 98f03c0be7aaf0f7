# i18nmail: the two commands of the quick start are `make demo` and `make test`.
# Both create .venv, install what they need and then run; nothing is assumed
# installed except Python 3.11+, pip and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The committed lock: exact versions and hashes of everything the development
# and test install pulls in (`make lock` refreshes it). `make demo`, `make test`
# and CI install from it; users get the ranges in pyproject.toml.
LOCK   := requirements/dev.lock
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml setup.py $(LOCK) | cksum | cut -d' ' -f1)
# `make test-latest`: a second environment with the newest release of every
# dependency, as a user who runs `pip install i18nmail` gets today.
LATEST := .venv-latest
# The tool that writes the lock, pinned so that two people refreshing it agree.
UV_VERSION := 0.13.9
TOOLS  := .venv-tools

# Debian packages the test suite needs: Chromium for the browser tests, fonts
# for Korean, Japanese, Chinese and Arabic, GNU gettext for `msgfmt --check`,
# openssl for the certificate of the STARTTLS/smtps delivery tests,
# redis-server for the Celery tests (broker and journal; the tests start it).
SYSTEM_PACKAGES := chromium fonts-noto-cjk fonts-noto-core gettext openssl redis-server
SYSTEM_COMMANDS := chromium msgfmt openssl redis-server

# The oldest Django that pyproject.toml allows; `make test` runs the Django
# tests on it too, from a --target folder beside the venv (the newest comes
# with the venv itself).
DJANGO_OLDEST := $(shell sed -n 's/.*"django>=\([0-9.]*\)".*/\1/p' pyproject.toml | head -1)
DJANGO_OLDEST_DIR := $(VENV)/django-$(DJANGO_OLDEST)

.PHONY: demo test test-django-oldest test-latest venv venv-latest lock system-deps bench preview review check lint clean

demo: venv
	$(BIN)/i18nmail render order_cancelled_out_of_stock --sample --locale en --format text
	$(BIN)/i18nmail render order_cancelled_out_of_stock --sample --locale sv-SE --format text
	@for tag in ko nb fi; do \
	  if [ -d catalogs/$$tag ]; then $(BIN)/i18nmail render refund_approved --sample --locale $$tag --format text || exit 1; fi; \
	done
	$(BIN)/i18nmail window --country SE --from 2026-12-22 --days 3-5 --locale sv

test: venv system-deps
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-django-oldest

test-django-oldest: venv
	@test -d $(DJANGO_OLDEST_DIR)/django || $(BIN)/python -m pip install --quiet --no-deps \
	  --target $(DJANGO_OLDEST_DIR) 'django==$(DJANGO_OLDEST).*'
	@PYTHONPATH=$(DJANGO_OLDEST_DIR) $(BIN)/python -c 'import django; print("Django", django.get_version())'
	PYTHONPATH=$(DJANGO_OLDEST_DIR) $(BIN)/python -m pytest -p no:cacheprovider -q \
	  tests/test_django.py tests/test_django_quickstart.py

# The whole suite against the newest releases. Golden HTML differences are
# printed as a drift report instead of failing; the golden text of every email
# (every word, date, time and amount) must still match exactly.
test-latest: venv-latest system-deps
	@echo "newest releases:"; $(LATEST)/bin/python -m pip list --format=freeze 2>/dev/null \
	  | grep -iE '^(babel|jinja2|holidays|langcodes|polib|click|css.inline|django|pytest)==' | sed 's/^/    /'
	I18NMAIL_GOLDEN=drift $(LATEST)/bin/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

venv: $(STAMP)

$(STAMP):
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "i18nmail needs Python 3.11 or newer")'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

# Always rebuilt: "newest" means newest today.
venv-latest:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "i18nmail needs Python 3.11 or newer")'
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade -e '.[dev]'
	$(LATEST)/bin/python -m pip check

# Refresh the lock from pyproject.toml's ranges (every extra) and the build
# requirements; review the diff and commit it.
lock:
	test -x $(TOOLS)/bin/uv || { $(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"; }
	$(TOOLS)/bin/uv pip compile pyproject.toml requirements/build.in --all-extras --generate-hashes \
	  --python-version 3.11 --no-header --quiet -o $(LOCK)

system-deps:
	@missing=""; \
	for cmd in $(SYSTEM_COMMANDS); do command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$cmd"; done; \
	fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || missing="$$missing fonts"; \
	fc-list 2>/dev/null | grep -qi 'Noto Sans Arabic\|Noto Naskh Arabic' || missing="$$missing fonts"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ]; then \
	  echo "installing system packages: $(SYSTEM_PACKAGES)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) fontconfig >/dev/null && fc-cache -f >/dev/null; \
	else \
	  echo "make test needs these system packages (missing:$$missing):" >&2; \
	  echo "    sudo apt-get install $(SYSTEM_PACKAGES)" >&2; \
	  echo "(Chromium drives the browser tests; the Noto fonts render Korean, Japanese, Chinese and Arabic; gettext gives msgfmt;" >&2; \
	  echo " openssl makes the delivery tests' certificate; redis-server is the broker and journal of the Celery tests, started by the tests themselves.)" >&2; \
	  exit 1; \
	fi

bench: venv
	$(BIN)/python bench/run.py

# Every scenario x locale into review/<tag>.md for native reviewers (REVIEW_ARGS="--now ... --html").
# The translators' preview: every email in every locale, re-read when a .po is saved.
preview: venv
	$(BIN)/i18nmail preview $(PREVIEW_ARGS)

review: venv
	$(BIN)/python scripts/review_pack.py --out review $(REVIEW_ARGS)

check: venv
	$(BIN)/i18nmail extract --check
	$(BIN)/i18nmail check --require-complete

lint: venv
	$(BIN)/python -m mypy
	$(BIN)/python -m ruff check i18nmail tests bench scripts

clean:
	rm -rf $(VENV) $(LATEST) $(TOOLS) build dist *.egg-info
