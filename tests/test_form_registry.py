"""The hostile-input tests reach every form: a Django form defined in the
project, or a page of the access matrix that accepts a POST, fails here
until tests/form_registry.py lists it (or excuses it, with the reason)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access_matrix import FLOW_ROUTES, ROUTES
from tests.form_registry import NOT_TARGETS, TARGETS

PROJECT_ROOT = Path(settings.BASE_DIR).resolve()


def _project_packages() -> list:
    """The project's own apps (not Django's or a library's), by where they live."""
    return [
        config.module
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == PROJECT_ROOT
    ]


def _import_everything_but_tests(package) -> None:
    for module in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
        if (
            ".tests" in module.name
            or ".migrations" in module.name
            or module.name.endswith(".testing.environment")
        ):
            continue
        importlib.import_module(module.name)


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def project_forms() -> set[type]:
    packages = _project_packages()
    for package in packages:
        _import_everything_but_tests(package)
    prefixes = tuple(f"{package.__name__}." for package in packages)
    # Only forms a module names: a class made at run time (a chart entry's
    # amendment form) is covered through the form it is made from.
    return {
        form
        for form in _subclasses(forms.BaseForm)
        if form.__module__.startswith(prefixes)
        and ".tests" not in form.__module__
        and getattr(sys.modules[form.__module__], form.__name__, None) is form
    }


def _callbacks(patterns=None, namespace="") -> dict:
    found = {}
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for name, callback in _callbacks(pattern.url_patterns, inner).items():
                found.setdefault(name, callback)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.setdefault(f"{namespace}{pattern.name}", pattern.callback)
    return found


def accepts_post(view) -> bool:
    """Whether a view can be sent a POST: a class-based view with a `post`,
    or a function view not held to other methods by require_http_methods
    (found in the decorators' closures, through functools.wraps)."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post") and "post" in view_class.http_method_names
    while view is not None:
        if inspect.isfunction(view):
            methods = inspect.getclosurevars(view).nonlocals.get("request_method_list")
            if methods is not None:
                return "POST" in methods
        view = getattr(view, "__wrapped__", None)
    return True


def post_routes() -> set[str]:
    callbacks = _callbacks()
    callbacks.update({f"admin:{pattern.name}": pattern.callback for pattern in admin.site.portal_urls()})
    names = {route.name for route in ROUTES} | set(FLOW_ROUTES)
    return {name for name in names if name in callbacks and accepts_post(callbacks[name])}


def test_every_form_in_the_project_is_fed_hostile_input():
    submitted = {target.form for target in TARGETS if target.form is not None}
    submitted |= {form for target in TARGETS for form in target.covers}
    # A base class is covered when every form made from it is.
    bases = {
        form for form in project_forms() if form.__subclasses__() and set(_subclasses(form)) <= submitted
    }

    assert project_forms() - submitted - bases == set()


def test_every_page_that_takes_a_post_is_fed_hostile_input():
    listed = {target.name for target in TARGETS if target.method == "POST"} | set(NOT_TARGETS)

    assert post_routes() - listed == set()


def test_it_finds_the_pages_that_take_a_post():
    found = post_routes()

    assert {"patients:profile", "clinician_apply", "sign_out", "admin:clinicians_application_decide"} <= found
    assert not {"patients:home", "appointments:doctor_home", "landing"} & found


def test_it_finds_the_projects_forms():
    from clinicians.applications.forms import DecisionForm
    from patients.forms import ProfileForm

    assert {ProfileForm, DecisionForm} <= project_forms()
