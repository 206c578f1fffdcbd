# The two commands a new developer needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8
HELPNET := $(VENV)/bin/helpnet
PYTEST_ARGS ?=

.PHONY: run test install lint format messages browser-deps bench clean

$(UV):
	$(PY) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

install: $(VENV)/.synced

run: install
	@mkdir -p var
	$(HELPNET) migrate --noinput -v0
	$(HELPNET) load_demo --if-empty
	$(HELPNET) runserver 127.0.0.1:8000

# Browser tests drive Debian's chromium; never a downloaded browser.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "Could not install chromium; browser tests will be skipped."; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "NOTE: /usr/bin/chromium is missing and cannot be installed here; browser tests will be skipped."; \
	  fi; \
	fi

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy helpnet
	$(HELPNET) makemigrations --check --dry-run -v0

test: install browser-deps lint
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Refresh the translation catalogues (needs GNU gettext) after changing user-facing strings.
messages: install
	$(HELPNET) makemessages -l sl -l da -l en --no-obsolete --ignore=.venv --ignore=var
	$(HELPNET) compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var/helpnet.sqlite3*
