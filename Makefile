# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed

.PHONY: run test audit install browser clean

run: $(STAMP)
	$(BIN)/python -m deploy.local.run

# One worker per core: each starts its own moto server on a free port.
test: $(STAMP) browser
	$(BIN)/python -m pytest -n 2
	$(MAKE) --no-print-directory audit

# Static security checks: bandit must find nothing of high severity in the
# code (pyproject.toml says what it reads); pip-audit must find no known
# vulnerability in any installed package (tools/dependency_audit.py: it also
# says how many packages it could not check, and PIP_AUDIT_STRICT=1 makes
# that a failure where PyPI's vulnerability data is reachable).
audit: $(STAMP)
	$(BIN)/bandit -q -c pyproject.toml -r . --severity-level high
	$(BIN)/python tools/dependency_audit.py

install: $(STAMP)

$(STAMP): requirements.txt requirements-runtime.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# Browser tests drive Debian's Chromium; Playwright's own download cannot
# work here (no internet beyond the package registries).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update && apt-get install -y chromium; }

clean:
	rm -rf $(VENV) .local db.sqlite3 staticfiles .pytest_cache
