"""Runs mypy over the modules that hold the rules: every `domain.py`,
`services.py` (or services package), `selectors.py` and the unit of work.
Listed by name, so a new room's modules are checked without anyone adding
them here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHECKED_NAMES = {"domain.py", "services.py", "selectors.py"}
ALWAYS = [
    "medisecure/unit_of_work.py",
    "medisecure/dynamo.py",
    "medisecure/identity/actors.py",
    "medisecure/errors.py",
]
NOT_PROJECT = {".venv", "tests", "migrations", "deploy", "bench", "node_modules"}


def checked_modules() -> list[str]:
    found = set(ALWAYS)
    for path in REPO.rglob("*.py"):
        relative = path.relative_to(REPO)
        if NOT_PROJECT & set(relative.parts):
            continue
        if path.name in CHECKED_NAMES or "services" in relative.parts[:-1]:
            found.add(relative.as_posix())
    return sorted(found)


def main() -> int:
    modules = checked_modules()
    print(f"mypy over {len(modules)} modules")
    return subprocess.call([sys.executable, "-m", "mypy", *modules], cwd=REPO)


if __name__ == "__main__":
    sys.exit(main())
