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
# code (pyproject.toml says what it reads), and pip-audit must find no known
# vulnerability in any installed package. --strict makes a package that could
# not be checked a failure: pip-audit asks PyPI's JSON API about each exact
# version, and where no answer comes (a registry mirror without that API, no
# network) it would otherwise say "No known vulnerabilities found" having
# checked nothing.
audit: $(STAMP)
	$(BIN)/bandit -q -c pyproject.toml -r . --severity-level high
	@$(BIN)/pip-audit --strict --local --progress-spinner off || { \
	  echo ""; \
	  echo "pip-audit FAILED: a known vulnerability was found, or PyPI's vulnerability data could not be"; \
	  echo "reached for a package (\"could not be audited\" above). The dependencies are NOT known to be safe."; \
	  exit 1; }

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
