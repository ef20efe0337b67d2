"""Services and selectors are called the same way from a page, a command,
a stream handler or a test: keyword-only, with an Actor and an audit
context, never a request, and they answer with domain errors, never
Django's HTTP exceptions."""

from __future__ import annotations

import ast

from tests.architecture.house import is_services_or_selectors, runtime_modules

HTTP_EXCEPTIONS = {"Http404", "PermissionDenied", "SuspiciousOperation", "BadRequest"}
HTTP_MODULES = {"django.http", "django.shortcuts"}
# A function that adds its writes to a unit of work takes the transaction
# first, as the one positional argument (`audit_event_add(tx, actor=...)`,
# like the repositories' `appointment_add(tx, appointment)`): the work it
# joins, not an option of the call.
UNIT_OF_WORK = "tx"


def signature_problems(tree: ast.Module) -> list[str]:
    problems = []
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name.startswith("_"):
            continue
        arguments = node.args
        names = [arg.arg for arg in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
        if "request" in names:
            problems.append(f"{node.name} takes a request")
        positional = [arg.arg for arg in arguments.posonlyargs + arguments.args]
        if positional and positional != [UNIT_OF_WORK]:
            problems.append(f"{node.name} takes positional arguments")
    return problems


def http_problems(tree: ast.Module) -> list[str]:
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in HTTP_MODULES:
            problems.append(f"imports {node.module}")
        elif isinstance(node, ast.ImportFrom) and any(alias.name in HTTP_EXCEPTIONS for alias in node.names):
            problems.append(f"imports {', '.join(alias.name for alias in node.names)}")
        elif isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = raised.id if isinstance(raised, ast.Name) else getattr(raised, "attr", "")
            if name in HTTP_EXCEPTIONS:
                problems.append(f"raises {name} (line {node.lineno})")
    return problems


def _signature_offenders() -> dict[str, list[str]]:
    found = {}
    for module in runtime_modules():
        if not is_services_or_selectors(module):
            continue
        problems = signature_problems(module.tree)
        if problems:
            found[module.relative] = problems
    return found


def test_services_and_selectors_take_an_actor_and_keywords_never_a_request():
    assert _signature_offenders() == {}


def test_services_and_selectors_raise_domain_errors_not_http_ones():
    offenders = {
        module.relative: http_problems(module.tree)
        for module in runtime_modules()
        if is_services_or_selectors(module) and http_problems(module.tree)
    }

    assert offenders == {}


def test_the_reading_sees_a_request_and_an_http_404():
    source = (
        "from django.http import Http404\n"
        "def chart_get(*, request, patient_id):\n"
        "    raise Http404\n"
        "def entry_add(actor, *, audit):\n"
        "    pass\n"
        "def event_add(tx, *, actor, audit):\n"
        "    pass\n"
    )
    tree = ast.parse(source)

    assert signature_problems(tree) == ["chart_get takes a request", "entry_add takes positional arguments"]
    assert http_problems(tree) == ["imports django.http", "raises Http404 (line 3)"]
