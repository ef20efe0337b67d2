"""The audit trail in the Django admin: search, one event, CSV export and
integrity verification. Registered by PortalAdminSite, which lets only
admins in."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import admin
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit import review
from audit.domain import timestamp_bound
from audit.forms import AuditSearchForm, VerifyForm


def _context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, **extra}


@require_GET
def audit_list(request):
    form = AuditSearchForm(request.GET or None)
    events, next_page = [], None
    if form.is_bound and form.is_valid():
        try:
            filters = review.audit_filters(**form.cleaned_data)
        except review.UnknownPerson as unknown:
            form.add_error(unknown.field, "Nobody with this email has signed in to the portal.")
        else:
            events, next_page = review.audit_search(filters=filters, page_token=form.cleaned_data["page"] or None)
    elif not form.is_bound:
        events, next_page = review.audit_search(filters=review.audit_filters(), page_token=None)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "admin/audit/list.html",
        _context(request, "Audit trail", form=form, events=events, next_page=next_page,
                 export_query=export_query.urlencode()),
    )


@require_GET
def audit_event(request, event_id: str, timestamp: str):
    found = review.audit_event_detail(event_id=event_id, timestamp=timestamp)
    if found is None:
        raise Http404
    event, intact = found
    fields = [(name.replace("_", " "), value) for name, value in asdict(event).items() if name != "detail"]
    return render(
        request,
        "admin/audit/event.html",
        _context(request, f"Audit event {event.event_id}", event=event, fields=fields, intact=intact),
    )


@require_GET
def audit_export(request):
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        raise Http404
    try:
        filters = review.audit_filters(**form.cleaned_data)
    except review.UnknownPerson:
        raise Http404
    lines = review.audit_export(request=request, filters=filters)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response


@require_GET
def audit_verify(request):
    form = VerifyForm(request.GET or None)
    verdict = None
    if form.is_bound and form.is_valid():
        verdict = review.audit_verify(
            since=timestamp_bound(form.cleaned_data["since"], end=False),
            until=timestamp_bound(form.cleaned_data["until"], end=True),
            request=request,
        )
    return render(request, "admin/audit/verify.html", _context(request, "Verify the audit trail", form=form, verdict=verdict))


def urls(site):
    return [
        path("audit/", site.admin_view(audit_list), name="audit_list"),
        path("audit/export.csv", site.admin_view(audit_export), name="audit_export"),
        path("audit/verify/", site.admin_view(audit_verify), name="audit_verify"),
        path("audit/event/<str:event_id>/<str:timestamp>/", site.admin_view(audit_event), name="audit_event"),
    ]
