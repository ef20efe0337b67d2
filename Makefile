# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# What each command needs, from the locks (tools/lock.py): `make run` the
# portal and the local AWS stack only (requirements-local.txt), `make test`
# the test tools as well (requirements.txt, a superset of the same pins).
RUN_STAMP := $(VENV)/.installed-requirements-local
STAMP := $(VENV)/.installed-requirements
# Every file pip installs must match a sha256 its lock records: a package
# changed on the index, or one the lock does not pin, stops the install. A
# lock is complete, so pip resolves nothing (--no-deps); modules are compiled
# when first imported rather than all at install (--no-compile: botocore's
# thousands of files were most of a first `make run`'s install).
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps --no-compile
# The lock compiler lives outside the project's venv: it is not a dependency.
LOCK_VENV ?= /tmp/medisecure-lock-venv
UV_VERSION := 0.13.9

.PHONY: run test lint audit install lock lock-check browser clean messages

run: $(RUN_STAMP) messages
	$(BIN)/python -m deploy.local.run

# One worker per core: each starts its own moto server on a free port.
test: $(STAMP) browser messages
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest -n 2
	$(MAKE) --no-print-directory audit

# The habits that keep the house as ARCHITECTURE.md draws it: ruff's lint
# and format, the import layers (import-linter, pyproject.toml), and mypy
# over every domain, services and selectors module and the unit of work.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python tools/typecheck.py

# Static security checks: bandit must find nothing of high severity in the
# code (pyproject.toml says what it reads); pip-audit must find no known
# vulnerability in any installed package (tools/dependency_audit.py: it also
# says how many packages it could not check; it fails when it could check
# none unless PIP_AUDIT_OFFLINE_OK=1, which .ci/run sets; PIP_AUDIT_STRICT=1
# makes any unchecked package a failure where PyPI's data is reachable).
audit: $(STAMP)
	$(BIN)/bandit -q -c pyproject.toml -r . --severity-level high
	$(BIN)/python tools/dependency_audit.py

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): requirements-local.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements-local.txt
	touch $(RUN_STAMP)

$(STAMP): requirements.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements.txt
	touch $(STAMP) $(RUN_STAMP)

# Recompile every lock from its .in (after editing an .in; the suite fails
# until the locks match, tests/test_locks.py).
lock:
	@test -x $(LOCK_VENV)/bin/uv || { $(PYTHON) -m venv $(LOCK_VENV) && \
		$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION); }
	$(PYTHON) tools/lock.py --uv $(LOCK_VENV)/bin/uv

lock-check:
	$(PYTHON) tools/lock.py --check

# The Spanish catalogue, compiled (refused when an entry is untranslated or
# fuzzy); the image runs the same step.
messages: $(RUN_STAMP)
	$(BIN)/python tools/compile_messages.py

# Browser tests drive Debian's Chromium; Playwright's own download cannot
# work here (no internet beyond the package registries).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update && apt-get install -y chromium; }

clean:
	rm -rf $(VENV) .local db.sqlite3 staticfiles .pytest_cache
