"""The project's runtime modules as the architecture tests read them: the
apps' packages, without tests, test plumbing, migrations, the local stack
(deploy/), benchmarks and tools."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APPS = ("medisecure", "audit", "accounts", "patients", "clinicians", "appointments", "compliance", "portal")
NOT_RUNTIME = {"tests", "testing", "migrations", "__pycache__"}
# The layers, lowest first: a module may import its own layer and those below.
LAYERS = {
    "medisecure": 0,
    "audit": 1,
    "accounts": 2,
    "patients": 2,
    "clinicians": 2,
    "appointments": 2,
    "compliance": 2,
    "portal": 3,
}
# What a room may use of another app's rooms: its reads, its writes, and the
# plain domain objects they return.
PUBLIC_FACES = {"selectors", "services", "domain"}


@dataclass(frozen=True)
class Module:
    path: Path

    @property
    def relative(self) -> str:
        return self.path.relative_to(REPO).as_posix()

    @property
    def dotted(self) -> str:
        parts = list(self.path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    @property
    def tree(self) -> ast.Module:
        return _parsed(self.path)


@cache
def _parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def runtime_modules() -> list[Module]:
    modules = []
    for app in APPS:
        for path in sorted((REPO / app).rglob("*.py")):
            if NOT_RUNTIME & set(path.relative_to(REPO).parts):
                continue
            modules.append(Module(path))
    return modules


def is_services_or_selectors(module: Module) -> bool:
    parts = module.path.relative_to(REPO).with_suffix("").parts
    return parts[-1] in ("services", "selectors") or "services" in parts[:-1]
