"""The dependency locks: each `requirements*.in` compiled into a lock file of
every package it needs, each pinned with `==` and the sha256 of every file
the index has of that version (wheels for any platform and the sdist), so
`pip install --require-hashes` installs exactly what was locked on any
machine, or nothing.

    python tools/lock.py            # recompile every lock (needs uv)
    python tools/lock.py --check    # say which locks are out of date with their .in

The locks are layered: the portal's runtime (what the container image
installs), the local stack on top (what `make run` installs), the test tools
on top of that (what `make test` installs). Each layer is compiled
constrained by the lock below it, so one package has one version in all
three. Each lock's header records a digest of its .in and every .in it
includes, so an edited .in without a recompiled lock fails the suite
(tests/test_locks.py). uv is the compiler; it is not a dependency of the
portal, so it is installed apart (`make lock` puts it in $(LOCK_VENV)).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON_VERSION = "3.11"
DIGEST_LINE = "# input-sha256: "


@dataclass(frozen=True)
class Lock:
    source: str
    lock: str
    below: str | None  # the lock this one is constrained by


LOCKS = (
    Lock("requirements-runtime.in", "requirements-runtime.txt", None),
    Lock("requirements-local.in", "requirements-local.txt", "requirements-runtime.txt"),
    Lock("requirements.in", "requirements.txt", "requirements-local.txt"),
)


def normal_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lines(path: Path) -> list[str]:
    return [line.split(" #")[0].strip() for line in path.read_text().splitlines()]


def included_sources(source: Path) -> list[Path]:
    """The .in file and every .in it includes with -r, in the order read."""
    found = [source]
    for line in _lines(source):
        if line.startswith("-r "):
            found += included_sources(source.parent / line[3:].strip())
    return found


def input_digest(source: Path) -> str:
    digest = hashlib.sha256()
    for path in included_sources(source):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def direct_requirements(source: Path) -> dict[str, str]:
    """Each requirement the .in files name (its own and its includes'), by
    normalised name: its specifier ("==5.2.19", or "" when unpinned)."""
    wanted = {}
    for path in included_sources(source):
        for line in _lines(path):
            if not line or line.startswith(("#", "-")):
                continue
            match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)", line)
            if match is None:
                raise ValueError(f"{path.name}: cannot read {line!r}")
            wanted[normal_name(match.group(1))] = match.group(3).split(";")[0].strip()
    return wanted


def pins(lock: Path) -> dict[str, tuple[str, int]]:
    """Each package the lock pins: its version and how many hashes it lists."""
    pinned: dict[str, tuple[str, int]] = {}
    current = None
    for raw in lock.read_text().splitlines():
        line = raw.strip().rstrip("\\").strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash="):
            if current is None:
                raise ValueError(f"{lock.name}: a hash before any requirement")
            version, hashes = pinned[current]
            pinned[current] = (version, hashes + 1)
            continue
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;]+)", line)
        if match is None:
            raise ValueError(f"{lock.name}: {line!r} is not pinned with ==")
        current = normal_name(match.group(1))
        pinned[current] = (match.group(3), 0)
    return pinned


def recorded_digest(lock: Path) -> str | None:
    for line in lock.read_text().splitlines():
        if line.startswith(DIGEST_LINE):
            return line[len(DIGEST_LINE) :].strip()
    return None


def stale_reasons(lock: Lock, repo: Path = REPO) -> list[str]:
    """Why `lock` is not a lock of its .in as the .in stands (empty: it is)."""
    source, locked = repo / lock.source, repo / lock.lock
    if not locked.exists():
        return [f"{lock.lock} is missing"]
    reasons = []
    if recorded_digest(locked) != input_digest(source):
        reasons.append(f"{lock.lock} was compiled from another {lock.source} (or an .in it includes)")
    pinned = pins(locked)
    for name, specifier in direct_requirements(source).items():
        if name not in pinned:
            reasons.append(f"{lock.source} asks for {name}, which {lock.lock} does not pin")
        elif specifier.startswith("==") and specifier[2:] != pinned[name][0]:
            reasons.append(f"{lock.source} pins {name}{specifier}, {lock.lock} {pinned[name][0]}")
    reasons += [f"{lock.lock} has no hash for {name}" for name, (_, hashes) in pinned.items() if not hashes]
    if lock.below:
        for name, (version, _) in pins(repo / lock.below).items():
            if name in pinned and pinned[name][0] != version:
                reasons.append(f"{lock.lock} has {name} {pinned[name][0]}, {lock.below} {version}")
    return reasons


def compile_lock(lock: Lock, *, uv: str, prefer: Path | None = None) -> None:
    """Compile one .in with uv into its lock, hashes of every file of each
    pinned version included, and write the digest header."""
    command = [
        uv,
        "pip",
        "compile",
        lock.source,
        "--generate-hashes",
        "--python-version",
        PYTHON_VERSION,
        "--no-header",
        "--quiet",
    ]
    if lock.below:
        command += ["--constraint", lock.below]
    if prefer:
        # Versions already in use (a venv's `pip freeze`) win where the .in
        # allows them, so a first lock moves nothing the suite was run on.
        command += ["--constraint", str(prefer)]
    # uv reads the system's certificate store, as pip does here.
    environment = {**os.environ, "UV_SYSTEM_CERTS": "1"}
    body = subprocess.run(
        command, cwd=REPO, env=environment, check=True, capture_output=True, text=True
    ).stdout
    header = (
        f"# The lock of {lock.source}: every package pinned, with the sha256 of each file of its\n"
        f"# version. Made by `make lock` (tools/lock.py, uv pip compile --generate-hashes, Python\n"
        f"# {PYTHON_VERSION}); do not edit. Install with pip install --require-hashes -r {lock.lock}.\n"
        f"{DIGEST_LINE}{input_digest(REPO / lock.source)}\n"
    )
    (REPO / lock.lock).write_text(header + body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say which locks are out of date")
    parser.add_argument("--uv", default="uv", help="the uv to compile with")
    parser.add_argument("--prefer", type=Path, help="a pip freeze whose versions to keep where allowed")
    options = parser.parse_args(argv)
    if options.check:
        reasons = [reason for lock in LOCKS for reason in stale_reasons(lock)]
        for reason in reasons:
            print(reason)
        if reasons:
            print("Run `make lock` to recompile.")
        return 1 if reasons else 0
    for lock in LOCKS:
        compile_lock(lock, uv=options.uv, prefer=options.prefer)
        print(f"{lock.lock}: {len(pins(REPO / lock.lock))} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
