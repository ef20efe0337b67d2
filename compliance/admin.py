"""The audit trail in the Django admin: search, one event, CSV export and
integrity verification, registered as the index's "Compliance" section.
PortalAdminSite lets only admins in; the export and the verification are
recorded by audit.selectors before anything is shown."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import admin
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from audit import selectors as trail
from audit.domain import timestamp_bound
from compliance.forms import AuditSearchForm, VerifyForm
from compliance.selectors import UnknownPerson, audit_search_filters
from medisecure import clinic_time, clock
from medisecure.admin_sections import RecordSection

LIST = "audit_list"
EXPORT = "audit_export"
VERIFY = "audit_verify"
EVENT = "audit_event"
FILTER_FIELDS = ("user", "patient", "action", "outcome", "since", "until")


def _context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, **extra}


def _filters(cleaned: dict):
    return audit_search_filters(**{name: cleaned[name] for name in FILTER_FIELDS})


@require_GET
def audit_list(request):
    form = AuditSearchForm(request.GET or None)
    events, next_page = [], None
    if form.is_bound and form.is_valid():
        try:
            filters = _filters(form.cleaned_data)
        except UnknownPerson as unknown:
            form.add_error(unknown.field, "Nobody with this email has signed in to the portal.")
        else:
            events, next_page = trail.audit_event_list(
                filters=filters, page_token=form.cleaned_data["page"] or None
            )
    elif not form.is_bound:
        events, next_page = trail.audit_event_list(filters=audit_search_filters(), page_token=None)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "admin/compliance/list.html",
        _context(
            request,
            "Audit trail",
            form=form,
            events=events,
            next_page=next_page,
            export_query=export_query.urlencode(),
        ),
    )


@require_GET
def audit_event(request, event_id: str, timestamp: str):
    event, intact = trail.audit_event_get(event_id=event_id, timestamp=timestamp)
    fields = [(name.replace("_", " "), value) for name, value in asdict(event).items() if name != "detail"]
    return render(
        request,
        "admin/compliance/event.html",
        _context(request, f"Audit event {event.event_id}", event=event, fields=fields, intact=intact),
    )


@require_GET
def audit_export(request):
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        raise Http404  # a query it cannot run is a 404, never a partial file
    lines = trail.audit_export(actor=request.actor, audit=request.audit, filters=_filters(form.cleaned_data))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response


@require_GET
def audit_verify(request):
    # The admin thinks in the clinic's days.
    form = VerifyForm(request.GET or None, today=clinic_time.in_clinic(clock.recorded_now()).date())
    verdict = None
    if form.is_bound and form.is_valid():
        verdict = trail.audit_verify(
            actor=request.actor,
            audit=request.audit,
            since=timestamp_bound(form.cleaned_data["since"], end=False, zone=clinic_time.zone()),
            until=timestamp_bound(form.cleaned_data["until"], end=True, zone=clinic_time.zone()),
        )
    return render(
        request,
        "admin/compliance/verify.html",
        _context(
            request,
            "Verify the audit trail",
            form=form,
            verdict=verdict,
            last_run=_shown(trail.audit_verification_last()),
        ),
    )


def _shown(run):
    """The last scheduled run, its times as moments (shown in clinic time)."""
    if run is None:
        return None
    return {
        "ran_at": clock.from_stamp(run.ran_at),
        "since": None if run.since == trail.BEFORE_EVERY_EVENT else clock.from_stamp(run.since),
        "until": clock.from_stamp(run.until),
        "events_checked": run.events_checked,
        "findings": run.findings,
        "intact": run.intact,
    }


def urls(site):
    return [
        path("audit/", site.admin_view(audit_list), name=LIST),
        path("audit/export.csv", site.admin_view(audit_export), name=EXPORT),
        path("audit/verify/", site.admin_view(audit_verify), name=VERIFY),
        path("audit/event/<str:event_id>/<str:timestamp>/", site.admin_view(audit_event), name=EVENT),
    ]


admin.site.register_section(
    RecordSection(
        app_label="compliance",
        app_name="Compliance",
        name="Audit trail",
        object_name="AuditEvent",
        list_url_name=LIST,
        urls=urls,
    )
)
