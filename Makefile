# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed

.PHONY: run test lint audit install browser clean messages

run: $(STAMP) messages
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

$(STAMP): requirements.txt requirements-runtime.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# The Spanish catalogue, compiled (refused when an entry is untranslated or
# fuzzy); the image runs the same step.
messages: $(STAMP)
	$(BIN)/python tools/compile_messages.py

# Browser tests drive Debian's Chromium; Playwright's own download cannot
# work here (no internet beyond the package registries).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update && apt-get install -y chromium; }

clean:
	rm -rf $(VENV) .local db.sqlite3 staticfiles .pytest_cache
