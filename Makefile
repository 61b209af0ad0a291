# Mentoring: `make run` to try it, `make test` to test it. See README.md.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: install run newcomer test test-fast lighthouse check bench format clean

LIGHTHOUSE := tests/lighthouse
IDP := tests/idp

install: $(VENV)/.installed $(LIGHTHOUSE)/node_modules/.installed $(IDP)/node_modules/.installed

# Re-installs when the declared or locked dependencies change; with uv when it
# can be had (seconds from its cache), else with pip.
$(VENV)/.installed: pyproject.toml requirements.lock
	scripts/install.sh
	@touch $@

# The identity providers the sign-in tests start on loopback (tests/idp: OpenID
# Connect and SAML 2.0), held to package-lock.json; without npm those tests fail
# and say so.
$(IDP)/node_modules/.installed: $(IDP)/package.json $(IDP)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(IDP) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
		echo "No npm here: the single sign-on tests (tests/idp) need Node.js 20+ and npm." >&2; \
	fi

# Lighthouse for its browser test (tests/lighthouse), held to package-lock.json;
# skipped with a note where there is no npm (only that test needs it).
$(LIGHTHOUSE)/node_modules/.installed: $(LIGHTHOUSE)/package.json $(LIGHTHOUSE)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(LIGHTHOUSE) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
		echo "No npm here: the Lighthouse test (tests/lighthouse) needs Node.js 18.20+ and npm." >&2; \
	fi

run: install
	scripts/run.sh

# A fresh clone of this commit: `make run` timed to its first page, with the
# package cache warm and cold (NEWCOMER_ARGS=--warm-only skips the cold one).
newcomer: install
	$(BIN)/python -m bench.newcomer $(NEWCOMER_ARGS)

test: install
	PY=$(BIN)/python scripts/services.sh
	scripts/chromium.sh
	$(BIN)/pytest $(PYTEST_ARGS)

# Everything but the browser and worker tests, for a quick loop.
test-fast: install
	PY=$(BIN)/python scripts/services.sh
	$(BIN)/pytest -m "not browser and not worker" $(PYTEST_ARGS)

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run
	# Every word shown marked for translation; the Spanish and German catalogues complete (needs gettext).
	$(BIN)/python scripts/check_translations.py
	DJANGO_ENV=production DJANGO_SECRET_KEY=check-only-$$(printf '%064d' 0) DJANGO_ALLOWED_HOSTS=example.org \
		$(BIN)/python manage.py check --deploy --fail-level WARNING
	DJANGO_SECRET_KEY=check-only docker-compose config -q

# Lighthouse accessibility and best practices of the main pages, as each person
# who opens them, at phone and laptop sizes: scores printed and in test-results/lighthouse.json.
lighthouse: install
	PY=$(BIN)/python scripts/services.sh
	scripts/chromium.sh
	LIGHTHOUSE_FORM_FACTORS="mobile desktop" LIGHTHOUSE_EVERY_PERSON=1 \
		$(BIN)/pytest tests/lighthouse -s -p no:cacheprovider $(PYTEST_ARGS)

# Program-scale figures in a database of its own (mentoring_bench): SCALE=small for a quick look.
SCALE ?= full
bench: install
	PY=$(BIN)/python scripts/services.sh
	$(BIN)/python -m bench --scale $(SCALE)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
