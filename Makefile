# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
KAM := $(VENV)/bin/kam
export KAM_DATABASE_URL ?= sqlite:///kam.db

.PHONY: install run test demo

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Set up, load the demo data into local SQLite, and chat with the bot through
# the local Slack emulator (no Slack workspace needed).
run: install
	$(KAM) demo
	$(KAM) chat

# Set up and run the whole suite (PostgreSQL too when KAM_TEST_POSTGRES_URL is set).
# pytest's exit 5 (nothing collected) fails too, with a word saying so.
test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS) || { rc=$$?; [ $$rc -ne 5 ] || echo "pytest collected no tests" >&2; exit $$rc; }
