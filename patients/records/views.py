"""The pages over a patient's medical history.

For doctors, under /doctor/patients/: their care-team patients, a patient's
chart, its history page by page, one entry with its earlier versions, and
adding and amending entries. A chart the doctor may not open is a 404
(decided in patients.records.selectors.chart_get_for).

For the patient, under /patient/records/: their own record (its download
is patients.exports; who has looked at it, patients.access_log)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medisecure.forms import PageForm
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role
from patients.emergency.domain import ChartReadOnly
from patients.records import selectors, services
from patients.records.domain import KIND_LABELS, EntryConflict, KindMismatch, NoPatientRecord, NothingToAmend
from patients.records.forms import (
    CHART_FORMS,
    ENTRY_FORMS,
    AddendumForm,
    PatientSearchForm,
    amendment_form,
)
from patients.records.vitals import trends

READ_ONLY = (
    "Emergency access lets you read this chart. To write to it, say why this change cannot wait; "
    "nothing was saved."
)


def _page_token(request) -> str | None:
    form = PageForm(request.GET)
    return (form.cleaned_data["page"] if form.is_valid() else None) or None


# --- The doctor's chart ----------------------------------------------------------


@role_required(Role.DOCTOR)
@require_GET
def patients(request):
    form = PatientSearchForm(request.GET)
    cleaned = form.cleaned_data if form.is_valid() else {"q": "", "page": ""}
    listing = selectors.chart_patient_list(
        actor=request.actor, audit=request.audit, search=cleaned["q"], page_token=cleaned["page"] or None
    )
    return render(request, "patients/records/patients.html", {"form": form, "listing": listing})


@role_required(Role.DOCTOR)
@require_GET
def chart(request, patient_id: str):
    return _chart_page(request, patient_id)


def _chart_page(request, patient_id: str, *, bound_form=None, status: int = 200):
    chart = selectors.chart_get(actor=request.actor, audit=request.audit, patient_id=patient_id)
    forms = [
        (
            kind,
            KIND_LABELS[kind],
            bound_form if bound_form is not None and bound_form.kind == kind else form_class(),
        )
        for kind, form_class in CHART_FORMS.items()
    ]
    context = {
        "chart": chart,
        "access": chart.access,
        "patient": chart.access.patient,
        "summary": chart.access.summary,
        "current_medications": chart.access.summary.current_medications(timezone.localdate()),
        "trends": trends(
            chart.access.summary.vitals_series, temperature_unit=settings.CLINIC_TEMPERATURE_UNIT
        ),
        "entry_forms": forms,
        "open_kind": bound_form.kind if bound_form is not None else "",
    }
    return render(request, "patients/records/chart.html", context, status=status)


@role_required(Role.DOCTOR)
@require_POST
def chart_entry_add(request, patient_id: str, kind: str):
    if kind not in CHART_FORMS:
        raise Http404
    form = CHART_FORMS[kind](request.POST)
    if not form.is_valid():
        return _chart_page(request, patient_id, bound_form=form)
    try:
        services.chart_entry_add(
            actor=request.actor,
            audit=request.audit,
            patient_id=patient_id,
            kind=kind,
            values=form.entry_values(),
            emergency_reason=form.cleaned_data["emergency_reason"],
        )
    except ChartReadOnly:
        form.add_error("emergency_reason", READ_ONLY)
        return _chart_page(request, patient_id, bound_form=form, status=403)
    messages.success(request, f"{KIND_LABELS[kind]} added to the chart.")
    return redirect("chart:chart", patient_id=patient_id)


@role_required(Role.DOCTOR)
@require_GET
def chart_history(request, patient_id: str):
    history = selectors.chart_history_list(
        actor=request.actor, audit=request.audit, patient_id=patient_id, page_token=_page_token(request)
    )
    return render(
        request,
        "patients/records/chart_history.html",
        {"history": history, "access": history.access, "patient": history.access.patient},
    )


@role_required(Role.DOCTOR)
@require_http_methods(["GET", "POST"])
def chart_entry(request, patient_id: str, entry_id: str):
    if request.method != "POST":
        return _entry_page(request, patient_id, entry_id)
    kind = request.POST.get("entry_kind", "")
    if kind not in ENTRY_FORMS:
        return _entry_page(request, patient_id, entry_id, refused_post=request.POST)
    form = amendment_form(kind)(request.POST)
    if not form.is_valid():
        return _entry_page(request, patient_id, entry_id, form=form)
    try:
        services.chart_entry_amend(
            actor=request.actor,
            audit=request.audit,
            patient_id=patient_id,
            entry_id=entry_id,
            kind=kind,
            values=form.entry_values(),
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            emergency_reason=form.cleaned_data["emergency_reason"],
        )
    except EntryConflict as conflict:
        return _entry_page(
            request, patient_id, entry_id, form=_kept(form, conflict), conflict=True, status=409
        )
    except NothingToAmend:
        form.add_error(None, _("Your amendment changes nothing in the entry, so nothing was saved."))
        return _entry_page(request, patient_id, entry_id, form=form)
    except KindMismatch:
        return _entry_page(request, patient_id, entry_id, refused_post=request.POST)
    except ChartReadOnly:
        form.add_error("emergency_reason", READ_ONLY)
        return _entry_page(request, patient_id, entry_id, form=form, status=403)
    messages.success(request, _("The entry is amended; what it said before is kept in its history."))
    return redirect("chart:entry", patient_id=patient_id, entry_id=entry_id)


@role_required(Role.DOCTOR)
@require_POST
def chart_addendum_add(request, patient_id: str, entry_id: str):
    form = AddendumForm(request.POST)
    if not form.is_valid():
        return _entry_page(request, patient_id, entry_id, addendum_form=form)
    try:
        services.chart_addendum_add(
            actor=request.actor,
            audit=request.audit,
            patient_id=patient_id,
            entry_id=entry_id,
            text=form.cleaned_data["text"],
            emergency_reason=form.cleaned_data["emergency_reason"],
        )
    except ChartReadOnly:
        form.add_error("emergency_reason", READ_ONLY)
        return _entry_page(request, patient_id, entry_id, addendum_form=form, status=403)
    messages.success(request, _("Your addendum is added under the entry."))
    return redirect("chart:entry", patient_id=patient_id, entry_id=entry_id)


def _kept(form, conflict: EntryConflict):
    """The doctor's own answers, kept, against the entry's current version:
    submitting again is a deliberate choice made after seeing the change."""
    data = form.data.copy()
    data["version"] = str(conflict.current.version)
    return type(form)(data)


def _rechecked(entry, data):
    """A post that named no kind of entry, or another kind, checked as this
    entry's amendment so the doctor sees what to fix. Nothing was saved."""
    data = data.copy()
    data["entry_kind"] = entry.kind
    form = amendment_form(entry.kind)(data)
    if form.is_valid():
        form.add_error(
            None,
            _("The form did not match this entry, so nothing was saved. Check the values and save again."),
        )
    return form


def _entry_page(
    request,
    patient_id: str,
    entry_id: str,
    *,
    form=None,
    conflict=False,
    status=200,
    refused_post=None,
    addendum_form=None,
):
    viewed = selectors.chart_entry_get(
        actor=request.actor, audit=request.audit, patient_id=patient_id, entry_id=entry_id
    )
    entry = viewed.entry
    if refused_post is not None:
        form = _rechecked(entry, refused_post)
    elif form is None or form.kind != entry.kind:
        form = amendment_form(entry.kind)(initial={**entry.values, "version": entry.version})
    context = {
        "viewed": viewed,
        "access": viewed.access,
        "patient": viewed.access.patient,
        "entry": entry,
        "form": form if viewed.may_amend else None,
        "addendum_form": addendum_form or AddendumForm(),
        "conflict": conflict,
    }
    return render(request, "patients/records/chart_entry.html", context, status=status)


# --- The patient's own record ------------------------------------------------------


@role_required(Role.PATIENT)
@require_GET
def record(request):
    try:
        own = selectors.own_record_get(
            actor=request.actor, audit=request.audit, page_token=_page_token(request)
        )
    except NoPatientRecord:
        return render(request, "patients/records/records_missing.html")
    context = {
        "record": own,
        "current_medications": own.summary.current_medications(timezone.localdate()),
        "trends": trends(own.summary.vitals_series, temperature_unit=settings.CLINIC_TEMPERATURE_UNIT),
    }
    return render(request, "patients/records/records.html", context)
