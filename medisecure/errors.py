"""The domain errors every room's services raise, and that one place (the
web shell's DomainErrorMiddleware) turns into the 404 and 403 pages.

A room's own errors derive from these: `AppointmentNotFound(NotFound)`,
`ChartReadOnly(Forbidden)`. A service that audits its own refusal (with the
action it refused, the resource and the patient) says so by raising the
error with `audited=True`; any other reaches the middleware unaudited, and
the middleware records the generic `access.not_found` / `access.denied`
event for it. So every refusal is audited exactly once, from a command or
a test as well as from a page.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain said no."""

    def __init__(self, *args: object, audited: bool = False) -> None:
        super().__init__(*args)
        self.audited = audited


class NotFound(DomainError):
    """No such record, or none the actor has any relationship to: the two
    answer alike (404), so an identifier cannot be probed."""


class Forbidden(DomainError):
    """The actor may know the record is there, but not do this (403)."""


class ConcurrentUpdate(DomainError):
    """The record changed after it was read (its version moved on); nothing
    was saved. The person looks again and repeats their change."""
