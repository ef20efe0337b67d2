"""The parts of the Django admin over records kept in DynamoDB, which no
ModelAdmin can serve. Each room's admin module registers its sections with
the admin site (portal.admin_site), which lists them on its index."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RecordSection:
    """A part of the admin over records kept in DynamoDB, which no ModelAdmin
    can serve: its pages (built by `urls(site)`, each wrapped in
    site.admin_view) and the entry the admin's index shows for them."""

    app_label: str
    app_name: str
    name: str  # as the index lists it, e.g. "Clinician applications"
    object_name: str
    list_url_name: str  # the section's list page, in the admin namespace
    urls: Callable
    # What the index shows beside the section's name ("2 waiting for
    # review"), or "" for nothing; None: the section has no such count.
    badge: Callable[[], str] | None = None
