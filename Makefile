# Broadsheet: `make run` serves a demo site, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
PYTEST_ARGS ?= -n 2

.DEFAULT_GOAL := help
.PHONY: help run dev test lint bench lock clean browser-deps bench-deps

help:
	@echo "make run    serve a demo site on http://$(HOST):$(PORT) (SQLite under var/)"
	@echo "make test   install development tools and run the whole test suite"
	@echo "make lint   ruff and mypy"
	@echo "make dev    Django's autoreloading development server"
	@echo "make bench  bulk writes, thread pages at 1,000 and 10,000 comments, 16 concurrent writers,"
	@echo "            thread pages of 100 to 20,000 comments served under wrk beside nginx, and (as root)"
	@echo "            one host against two behind nginx, and a 200,000-comment WordPress import"
	@echo "            -> docs/performance.md"
	@echo "make lock   refresh requirements/constraints.txt from the current environment"

$(BIN)/python:
	@python=$$(scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: $(BIN)/python pyproject.toml requirements/constraints.txt
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	@touch $@

run: $(VENV)/.installed-run
	$(BIN)/broadsheet manage migrate --no-input -v 0
	$(BIN)/broadsheet demo
	@echo
	@echo "  Site:   http://$(HOST):$(PORT)/"
	@echo "  Admin:  http://$(HOST):$(PORT)/admin/  login: $$(cat var/admin-login.txt 2>/dev/null || echo 'see var/admin-login.txt')"
	@echo
	$(BIN)/broadsheet serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

dev: $(VENV)/.installed-dev
	$(BIN)/broadsheet manage migrate --no-input -v 0
	$(BIN)/broadsheet demo
	DEBUG=true $(BIN)/broadsheet manage runserver $(HOST):$(PORT)

browser-deps:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		scripts/apt-install chromium; \
	else \
		echo "The browser tests need Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'"; \
		exit 1; \
	fi

test: $(VENV)/.installed-dev browser-deps
	$(BIN)/pytest $(PYTEST_ARGS)

# The serving benchmark loads the site with wrk and serves the same pages with nginx: Debian's.
# The two-host run also forwards the hosts' connections to PostgreSQL and Redis with socat.
bench-deps:
	@missing=""; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing="$$missing nginx"; \
	command -v socat >/dev/null || missing="$$missing socat"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's$$missing for the serving benchmark"; \
		scripts/apt-install $$missing; \
	else \
		echo "The serving benchmark needs$$missing: run 'sudo apt-get install$$missing'"; \
		exit 1; \
	fi

bench: $(VENV)/.installed-dev bench-deps
	$(BIN)/python -m bench
	$(BIN)/python -m bench.writers
	$(BIN)/python -m bench.serving
	$(BIN)/python -m bench.hosts
	$(BIN)/python -m bench.wxr_import

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src
	$(BIN)/lint-imports

lock: $(VENV)/.installed-dev
	$(BIN)/pip freeze --exclude-editable | grep -v '^pip==' > requirements/constraints.txt

clean:
	rm -rf $(VENV) build dist src/*.egg-info
