# i18nmail: the two commands of the quick start are `make demo` and `make test`.
# Both create .venv, install what they need and then run; nothing is assumed
# installed except Python 3.11+, pip and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml setup.py | cksum | cut -d' ' -f1)

# Debian packages the test suite needs: Chromium for the browser tests, fonts
# for Korean, Japanese, Chinese and Arabic, GNU gettext for `msgfmt --check`,
# openssl for the certificate of the STARTTLS/smtps delivery tests.
SYSTEM_PACKAGES := chromium fonts-noto-cjk fonts-noto-core gettext openssl
SYSTEM_COMMANDS := chromium msgfmt openssl

.PHONY: demo test venv system-deps bench check lint clean

demo: venv
	$(BIN)/i18nmail render order_cancelled_out_of_stock --sample --locale en --format text
	$(BIN)/i18nmail render order_cancelled_out_of_stock --sample --locale sv-SE --format text
	@for tag in ko nb fi; do \
	  if [ -d catalogs/$$tag ]; then $(BIN)/i18nmail render refund_approved --sample --locale $$tag --format text || exit 1; fi; \
	done
	$(BIN)/i18nmail window --country SE --from 2026-12-22 --days 3-5 --locale sv

test: venv system-deps
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

venv: $(STAMP)

$(STAMP):
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "i18nmail needs Python 3.11 or newer")'
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

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
	  echo "(Chromium drives the browser tests; the Noto fonts render Korean, Japanese, Chinese and Arabic; gettext gives msgfmt; openssl makes a test certificate.)" >&2; \
	  exit 1; \
	fi

bench: venv
	$(BIN)/python bench/run.py

check: venv
	$(BIN)/i18nmail extract --check
	$(BIN)/i18nmail check

lint: venv
	$(BIN)/python -m mypy
	$(BIN)/python -m ruff check i18nmail tests bench

clean:
	rm -rf $(VENV) build dist *.egg-info
