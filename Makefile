# Storefront: the everyday commands. `make demo` to look around, `make test` before a commit.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STOREFRONT := $(BIN)/storefront
INSTANCE := $(CURDIR)/instance
PLUGIN_DIRS := $(sort $(dir $(wildcard plugins/*/__init__.py)))

export STOREFRONT_INSTANCE_PATH ?= $(INSTANCE)

.PHONY: venv demo demo-reset test lint format translations docs bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/storefront: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

venv: $(BIN)/storefront  ## create .venv and install Storefront with its test tools

demo: venv  ## database + demo data (kept if it exists), then serve on 127.0.0.1:5000
	$(STOREFRONT) init-db
	$(STOREFRONT) seed-demo
	$(STOREFRONT) run --host 127.0.0.1 --port 5000

demo-reset: venv  ## throw the demo database and uploads away and start again
	rm -rf $(INSTANCE)/uploads
	$(STOREFRONT) init-db --drop
	$(STOREFRONT) seed-demo
	$(STOREFRONT) run --host 127.0.0.1 --port 5000

test: venv  ## the whole suite, browser tests included (needs Debian's chromium)
	$(BIN)/pytest -q

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The core catalogue and each plugin's own: extract, merge into zh_CN, compile.
translations: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o /tmp/storefront-core.pot core themes
	@if [ -f core/translations/zh_CN/LC_MESSAGES/messages.po ]; then \
		$(BIN)/pybabel update -i /tmp/storefront-core.pot -d core/translations -l zh_CN; \
	else \
		$(BIN)/pybabel init -i /tmp/storefront-core.pot -d core/translations -l zh_CN; \
	fi
	$(BIN)/pybabel compile -d core/translations
	@for dir in $(PLUGIN_DIRS); do \
		dir=$${dir%/}; name=$$(basename $$dir); pot=/tmp/storefront-$$name.pot; \
		echo "translations: $$dir"; \
		$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o $$pot $$dir || exit 1; \
		if [ -f $$dir/translations/zh_CN/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update -i $$pot -d $$dir/translations -l zh_CN || exit 1; \
		else \
			$(BIN)/pybabel init -i $$pot -d $$dir/translations -l zh_CN || exit 1; \
		fi; \
		$(BIN)/pybabel compile -d $$dir/translations || exit 1; \
	done

docs: venv  ## regenerate docs/hooks.md from the hookspecs
	STOREFRONT_ENTRY_POINTS=0 $(STOREFRONT) hooks --markdown > docs/hooks.md

# BENCH_ARGS="--postgres postgresql://postgres@127.0.0.1:5432/bench --quick" for more or less
bench: venv  ## performance figures into bench/RESULTS.md (not part of make test)
	$(BIN)/python -m bench $(BENCH_ARGS)
