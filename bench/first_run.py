"""From `git clone` to the portal answering: what a clinic's IT waits for the
first time they try MediSecure (issue: under 90 s with pip's cache warm,
under 3 minutes cold).

Each run clones this repository's HEAD into a new directory, runs `make run`
there and polls http://127.0.0.1:8000/ until it answers 200, then stops the
portal with SIGTERM (as a closed terminal would). It reports, per run, when
the local lock was installed, when the portal first answered, and the
machine's load average, and the median over the runs.

    .venv/bin/python bench/first_run.py --runs 3            # pip's cache as it is
    .venv/bin/python bench/first_run.py --runs 3 --cold     # an empty pip cache

Ports 8000 and 4566 must be free (no other `make run`)."""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PORTAL = "http://127.0.0.1:8000/"
INSTALLED_MARK = ".installed-requirements-local"
TIMEOUT_SECONDS = 600


def _answers() -> bool:
    try:
        with urllib.request.urlopen(PORTAL, timeout=2) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except OSError:
        return False


def one_run(cold: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="medisecure-first-run-") as scratch:
        clone = Path(scratch) / "medisecure"
        env = {key: value for key, value in os.environ.items() if not key.startswith("VIRTUAL_ENV")}
        if cold:
            env["PIP_CACHE_DIR"] = str(Path(scratch) / "empty-pip-cache")
        started = time.monotonic()
        subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
        log = open(Path(scratch) / "make-run.log", "w")  # noqa: SIM115 (closed below)
        make = subprocess.Popen(
            ["make", "run"], cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        installed_at = answered_at = None
        try:
            while time.monotonic() - started < TIMEOUT_SECONDS:
                if installed_at is None and (clone / ".venv" / INSTALLED_MARK).exists():
                    installed_at = time.monotonic() - started
                if _answers():
                    answered_at = time.monotonic() - started
                    break
                if make.poll() is not None:
                    raise SystemExit(f"make run stopped (exit {make.returncode}); see its log")
                time.sleep(0.25)
            else:
                raise SystemExit(f"the portal did not answer within {TIMEOUT_SECONDS} s")
        finally:
            os.killpg(make.pid, signal.SIGTERM)
            make.wait(timeout=60)
            log.close()
        return {
            "installed": installed_at or 0.0,
            "answered": answered_at,
            "load": os.getloadavg()[0],
        }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="install from an empty pip cache")
    options = parser.parse_args()
    results = []
    for number in range(1, options.runs + 1):
        result = one_run(options.cold)
        results.append(result)
        print(
            f"run {number}: lock installed at {result['installed']:.0f} s, portal answered at "
            f"{result['answered']:.0f} s (load average {result['load']:.1f})",
            flush=True,
        )
    kind = "cold pip cache" if options.cold else "pip cache as it is"
    print(
        f"median over {len(results)} runs ({kind}): installed {statistics.median(r['installed'] for r in results):.0f} s,"
        f" answering {statistics.median(r['answered'] for r in results):.0f} s"
    )


if __name__ == "__main__":
    main()
