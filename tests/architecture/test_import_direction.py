"""The house's import direction: plumbing (medisecure) <- audit <- rooms
<- web shell (portal); a room uses another app's rooms only through their
selectors, services and domain objects; and no module imports itself back
round a circle, lazily or not."""

from __future__ import annotations

from functools import cache

import grimp

from tests.architecture.house import APPS, LAYERS, PUBLIC_FACES


@cache
def graph():
    return grimp.build_graph(*APPS, exclude_type_checking_imports=True)


def _runtime(module: str) -> bool:
    parts = module.split(".")
    return "tests" not in parts and "testing" not in parts and "migrations" not in parts


def _imports():
    built = graph()
    for importer in sorted(built.modules):
        if not _runtime(importer):
            continue
        for imported in sorted(built.find_modules_directly_imported_by(importer)):
            if _runtime(imported):
                yield importer, imported


def layer_breaks(imports) -> list[str]:
    broken = []
    for importer, imported in imports:
        own, other = importer.split(".")[0], imported.split(".")[0]
        if LAYERS[other] > LAYERS[own]:
            broken.append(f"{importer} -> {imported}")
    return broken


def private_uses(imports) -> list[str]:
    """Imports of another app's room that is not one of its public faces."""
    used = []
    for importer, imported in imports:
        own, other = importer.split(".")[0], imported.split(".")[0]
        if own == other or LAYERS[own] != 2 or LAYERS[other] != 2:
            continue
        if imported.split(".")[-1] not in PUBLIC_FACES:
            used.append(f"{importer} -> {imported}")
    return used


def cycles(imports) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    edges: dict[str, set[str]] = {}
    for importer, imported in imports:
        if importer != imported:
            edges.setdefault(importer, set()).add(imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(edges.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_each_layer_imports_only_the_layers_below_it():
    assert layer_breaks(_imports()) == []


def test_a_room_uses_another_apps_rooms_only_through_selectors_services_and_domain():
    assert private_uses(_imports()) == []


def test_no_module_imports_itself_back_round_a_circle():
    assert cycles(_imports()) == []


def test_the_readings_see_a_break_a_private_use_and_a_circle():
    imports = [
        ("medisecure.dynamo", "audit.services"),
        ("patients.services", "clinicians.repository"),
        ("patients.services", "clinicians.selectors"),
        ("audit.services", "medisecure.dynamo"),
    ]

    assert layer_breaks(imports) == ["medisecure.dynamo -> audit.services"]
    assert private_uses(imports) == ["patients.services -> clinicians.repository"]
    assert cycles(imports) == [["audit.services", "medisecure.dynamo"]]
