"""tools/dependency_audit.py judges pip-audit's report: a vulnerability
fails, an unchecked package is announced and fails only when strict."""

import pytest

from tools import dependency_audit

CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {"name": "django", "version": "5.2.19", "vulns": [{"id": "PYSEC-0000-1"}]}
UNCHECKED = {"name": "boto3", "skip_reason": "Dependency not found on PyPI and could not be audited"}


@pytest.fixture
def report(monkeypatch):
    def use(*dependencies):
        monkeypatch.setattr(dependency_audit, "_report", lambda: {"dependencies": list(dependencies)})

    return use


def test_it_fails_on_a_known_vulnerability(report, capsys):
    report(CLEAN, VULNERABLE)

    assert dependency_audit.main() == 1
    assert "VULNERABLE: django 5.2.19: PYSEC-0000-1" in capsys.readouterr().out


def test_it_passes_when_every_package_was_checked_and_clean(report, capsys):
    report(CLEAN)

    assert dependency_audit.main() == 0
    assert "1 of 1 installed packages checked, 0 vulnerable" in capsys.readouterr().out


def test_it_says_loudly_which_share_it_could_not_check(report, capsys, monkeypatch):
    monkeypatch.delenv("PIP_AUDIT_STRICT", raising=False)
    report(CLEAN, UNCHECKED)

    assert dependency_audit.main() == 0
    out = capsys.readouterr().out
    assert "1 of 2 installed packages checked" in out and "1 packages could NOT be checked" in out


def test_it_fails_on_an_unchecked_package_when_strict(report, monkeypatch):
    monkeypatch.setenv("PIP_AUDIT_STRICT", "1")
    report(CLEAN, UNCHECKED)

    assert dependency_audit.main() == 1
