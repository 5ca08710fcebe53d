# The two commands of the README: `make run` and `make test`; and `make image-test`.
VENV ?= .venv
PYTHON ?= python3
KAM := $(VENV)/bin/kam
export KAM_DATABASE_URL ?= sqlite:///kam.db

.PHONY: install run test demo image-test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Set up, load the demo data into KAM_DATABASE_URL (local SQLite kam.db) the first time, and chat with the bot through
# the local Slack emulator (no Slack workspace needed). A database that already holds anything (the demo,
# imports, notes) is left as it is: `kam demo --if-empty` never replaces data.
run: install
	$(KAM) demo --if-empty
	$(KAM) chat

# Set up and run the whole suite (PostgreSQL too when KAM_TEST_POSTGRES_URL is set).
# pytest's exit 5 (nothing collected) fails too, with a word saying so.
test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS) || { rc=$$?; [ $$rc -ne 5 ] || echo "pytest collected no tests" >&2; exit $$rc; }

# Build deploy/Dockerfile and test the image (tests/image): installs and starts a Docker engine when missing
# (deploy/image/engine.sh), takes python:3.11-slim or, without a registry, makes a stand-in base from Debian
# packages once (deploy/image/base.sh), builds $(IMAGE_TAG) with BuildKit (deploy/image/build.sh), then runs
# it against the local PostgreSQL server (127.0.0.1:5432) and the Slack emulator.
IMAGE_TAG ?= kam-bot:test
image-test: install
	deploy/image/engine.sh
	base="$$(deploy/image/base.sh)" && deploy/image/build.sh $(IMAGE_TAG) "$$base"
	KAM_TEST_IMAGE=$(IMAGE_TAG) $(VENV)/bin/pytest tests/image $(PYTEST_ARGS)

# The gettext catalogs (templates/locales): extract each template's messages, update every language's
# catalog (new messages empty, gone ones dropped) and compile the .mo files; says what lacks a translation.
.PHONY: i18n
i18n: install
	$(VENV)/bin/python -m templates.catalogs
