"""tools/dependency_audit.py judges pip-audit's report: a vulnerability
fails, an unchecked package is announced and fails only when strict, and a
run that checked nothing fails unless PIP_AUDIT_OFFLINE_OK=1 is set."""

import pytest

from tools import dependency_audit

CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {"name": "django", "version": "5.2.19", "vulns": [{"id": "PYSEC-0000-1"}]}
UNCHECKED = {"name": "boto3", "skip_reason": "Dependency not found on PyPI and could not be audited"}


@pytest.fixture(autouse=True)
def no_audit_settings(monkeypatch):
    monkeypatch.delenv("PIP_AUDIT_STRICT", raising=False)
    monkeypatch.delenv("PIP_AUDIT_OFFLINE_OK", raising=False)


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


def test_it_fails_when_not_one_package_could_be_checked(report, capsys):
    report(UNCHECKED, {**UNCHECKED, "name": "django"})

    assert dependency_audit.main() == 1
    out = capsys.readouterr().out
    assert "0 of 2 installed packages checked" in out and "FAILED: no package could be checked" in out


@pytest.mark.parametrize("value", ["", "0", "true", "yes"])
def test_only_an_explicit_one_accepts_an_audit_that_checked_nothing(report, monkeypatch, value):
    monkeypatch.setenv("PIP_AUDIT_OFFLINE_OK", value)
    report(UNCHECKED)

    assert dependency_audit.main() == 1


def test_offline_ok_passes_an_audit_that_checked_nothing_and_says_so(report, monkeypatch, capsys):
    monkeypatch.setenv("PIP_AUDIT_OFFLINE_OK", "1")
    report(UNCHECKED)

    assert dependency_audit.main() == 0
    assert "NO package was checked; passing only because PIP_AUDIT_OFFLINE_OK=1" in capsys.readouterr().out


def test_offline_ok_never_passes_a_known_vulnerability(report, monkeypatch):
    monkeypatch.setenv("PIP_AUDIT_OFFLINE_OK", "1")
    report(UNCHECKED, VULNERABLE)

    assert dependency_audit.main() == 1


def test_an_empty_report_fails(report):
    report()

    assert dependency_audit.main() == 1


@pytest.mark.parametrize("offline_ok", ["0", "1"])
def test_a_pip_audit_that_stops_without_a_report_fails_with_its_reason(monkeypatch, capsys, offline_ok):
    """Not a traceback, and not passed even offline: an audit that never ran
    is not an audit that found its data unreachable."""
    monkeypatch.setenv("PIP_AUDIT_OFFLINE_OK", offline_ok)

    class Stopped:
        stderr = b"Traceback ...\nrequests.exceptions.ConnectionError: no route to pypi.org\n"

    def pip_audit(command, **options):
        return Stopped()  # and writes nothing to the --output file

    monkeypatch.setattr(dependency_audit.subprocess, "run", pip_audit)

    assert dependency_audit.main() == 1
    said = capsys.readouterr().out
    assert "FAILED: pip-audit stopped without a report" in said and "no route to pypi.org" in said


def test_ci_accepts_an_offline_audit_explicitly_and_still_runs_exactly_make_test():
    from pathlib import Path

    lines = [
        line.strip()
        for line in (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert lines[-1] == "make test"
    assert "export PIP_AUDIT_OFFLINE_OK=1" in lines[:-1]
