"""The patient's statement of who has looked at their record,
/patient/records/access/ (mounted with their record's pages, in
patients.records.urls, under the name records:access_log)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from medisecure.identity.access import role_required
from medisecure.identity.roles import Role
from patients.access_log import selectors
from patients.access_log.forms import AccessPeriodForm


@role_required(Role.PATIENT)
@require_GET
def record_access_log(request):
    form = AccessPeriodForm(request.GET)
    if not form.is_valid():
        # Nothing is read for a period that cannot be: the page says what to fix.
        return render(request, "patients/records/record_access_log.html", {"form": form, "statement": None})
    statement = selectors.own_record_access_list(
        actor=request.actor,
        audit=request.audit,
        period=form.cleaned_data["access_period"],
        page_token=form.cleaned_data["page"] or None,
    )
    return render(request, "patients/records/record_access_log.html", {"form": form, "statement": statement})
