"""Run pip-audit over the installed packages and judge its report.

A known vulnerability always fails. A package pip-audit could not check
(its vulnerability data unreachable: the registry mirror on the build
machines serves no per-version JSON, and OSV is not reachable) is listed
loudly. When NOT ONE package could be checked the run fails, since it
proved nothing, unless PIP_AUDIT_OFFLINE_OK=1 says explicitly that this
machine is known to be offline (CI here sets it in .ci/run). With
PIP_AUDIT_STRICT=1, set where PyPI's vulnerability data is reachable, any
unchecked package fails. Either way the output says plainly how many
packages were checked, so an unchecked run never reads as a clean one.

Usage: python tools/dependency_audit.py   (exit 1 on failure)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile


class AuditDidNotRun(Exception):
    """pip-audit wrote no report (it stopped before auditing anything)."""


def _report() -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        ran = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip_audit",
                "--local",
                "--progress-spinner",
                "off",
                "--format",
                "json",
                "--output",
                output.name,
            ],
            check=False,
            # Its own summary would say "No known vulnerabilities found" even
            # when it checked nothing; main() gives the true one.
            capture_output=True,
        )
        with open(output.name, encoding="utf-8") as handle:
            written = handle.read()
    if not written.strip():
        # Without any network pip-audit stops before it audits (it cannot
        # even ask for the first package): nothing was checked, and the
        # reason is in its last words, not in a report.
        last_words = ran.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["(nothing)"]
        raise AuditDidNotRun(last_words[0])
    return json.loads(written)


def main() -> int:
    try:
        dependencies = _report()["dependencies"]
    except AuditDidNotRun as stopped:
        print(f"FAILED: pip-audit stopped without a report, so nothing was audited: {stopped}")
        return 1
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    unchecked = [dep for dep in dependencies if "skip_reason" in dep]
    checked = len(dependencies) - len(unchecked)

    for dep in vulnerable:
        ids = ", ".join(vuln["id"] for vuln in dep["vulns"])
        print(f"VULNERABLE: {dep['name']} {dep['version']}: {ids}")
    print(
        f"pip-audit: {checked} of {len(dependencies)} installed packages checked, {len(vulnerable)} vulnerable."
    )
    if unchecked:
        print(
            f"WARNING: {len(unchecked)} packages could NOT be checked (vulnerability data unreachable from "
            "this machine); they are not known to be safe. Set PIP_AUDIT_STRICT=1 where PyPI's "
            "vulnerability data is reachable to make this a failure."
        )
    nothing_checked = bool(dependencies) and checked == 0
    offline_ok = os.environ.get("PIP_AUDIT_OFFLINE_OK") == "1"
    if nothing_checked:
        if offline_ok:
            print(
                "WARNING: NO package was checked; passing only because PIP_AUDIT_OFFLINE_OK=1 says this "
                "machine cannot reach any vulnerability data. This run proves nothing about them."
            )
        else:
            print(
                "FAILED: no package could be checked, so this audit proved nothing. Run it where PyPI's or "
                "OSV's vulnerability data is reachable, or set PIP_AUDIT_OFFLINE_OK=1 to accept that."
            )
    strict = os.environ.get("PIP_AUDIT_STRICT") == "1"
    failed = vulnerable or (strict and unchecked) or (nothing_checked and not offline_ok) or not dependencies
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
