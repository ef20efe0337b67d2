"""The doctor's view of their patients: the care-team list, a patient's
chart, its history page by page, one entry with its earlier versions, and
adding and amending entries. Who may open a chart is decided in
patients.chart_access (through the services); a chart the doctor may not
see is a 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinicians.chart_forms import ENTRY_FORMS, EmergencyAccessForm, PatientSearchForm, amendment_form
from medisecure.emergency_banner import remember_emergency_access
from medisecure.forms import PageForm
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role
from patients import emergency_services, records_services
from patients.emergency_services import EmergencyRequest
from patients.records_domain import KIND_LABELS, EntryConflict


@role_required(Role.DOCTOR)
@require_GET
def patients(request):
    form = PatientSearchForm(request.GET)
    cleaned = form.cleaned_data if form.is_valid() else {"q": "", "page": ""}
    listing = records_services.care_team_patients_view(
        request=request, search=cleaned["q"], page_token=cleaned["page"] or None
    )
    return render(request, "clinicians/patients.html", {"form": form, "listing": listing})


@role_required(Role.DOCTOR)
@require_GET
def chart(request, patient_id: str):
    return _chart_page(request, patient_id)


def _chart_page(request, patient_id: str, *, bound_form=None, status: int = 200):
    chart = records_services.chart_view(request=request, patient_id=patient_id)
    forms = [
        (kind, KIND_LABELS[kind], bound_form if bound_form is not None and bound_form.kind == kind else form_class())
        for kind, form_class in ENTRY_FORMS.items()
    ]
    context = {
        "chart": chart,
        "access": chart.access,
        "patient": chart.access.patient,
        "summary": chart.access.summary,
        "current_medications": chart.access.summary.current_medications(timezone.localdate()),
        "entry_forms": forms,
        "open_kind": bound_form.kind if bound_form is not None else "",
    }
    return render(request, "clinicians/chart.html", context, status=status)


@role_required(Role.DOCTOR)
@require_POST
def chart_entry_add(request, patient_id: str, kind: str):
    if kind not in ENTRY_FORMS:
        raise Http404
    form = ENTRY_FORMS[kind](request.POST)
    if not form.is_valid():
        return _chart_page(request, patient_id, bound_form=form)
    records_services.chart_entry_add(request=request, patient_id=patient_id, kind=kind, values=form.entry_values())
    messages.success(request, f"{KIND_LABELS[kind]} added to the chart.")
    return redirect("clinicians:chart", patient_id=patient_id)


@role_required(Role.DOCTOR)
@require_GET
def chart_history(request, patient_id: str):
    form = PageForm(request.GET)
    page_token = form.cleaned_data["page"] if form.is_valid() else None
    history = records_services.chart_history_view(request=request, patient_id=patient_id, page_token=page_token or None)
    return render(
        request, "clinicians/chart_history.html",
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
        records_services.chart_entry_amend(
            request=request, patient_id=patient_id, entry_id=entry_id, kind=kind, values=form.entry_values(),
            reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"],
        )
    except EntryConflict as conflict:
        return _entry_page(request, patient_id, entry_id, form=_kept(form, conflict), conflict=True, status=409)
    except records_services.NothingToAmend:
        form.add_error(None, "Your amendment changes nothing in the entry, so nothing was saved.")
        return _entry_page(request, patient_id, entry_id, form=form)
    except records_services.KindMismatch:
        return _entry_page(request, patient_id, entry_id, refused_post=request.POST)
    messages.success(request, "The entry is amended; what it said before is kept in its history.")
    return redirect("clinicians:chart_entry", patient_id=patient_id, entry_id=entry_id)


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
        form.add_error(None, "The form did not match this entry, so nothing was saved. Check the values and save again.")
    return form


def _entry_page(request, patient_id: str, entry_id: str, *, form=None, conflict=False, status=200, refused_post=None):
    viewed = records_services.chart_entry_view(request=request, patient_id=patient_id, entry_id=entry_id)
    entry = viewed.entry
    if refused_post is not None:
        form = _rechecked(entry, refused_post)
    elif form is None or form.kind != entry.kind:
        form = amendment_form(entry.kind)(initial={**entry.values, "version": entry.version})
    context = {
        "viewed": viewed, "access": viewed.access, "patient": viewed.access.patient, "entry": entry,
        "form": form, "conflict": conflict,
    }
    return render(request, "clinicians/chart_entry.html", context, status=status)


@role_required(Role.DOCTOR)
@require_http_methods(["GET", "POST"])
def emergency_access(request):
    form = EmergencyAccessForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = emergency_services.emergency_access_grant(request=request, wanted=EmergencyRequest(**form.cleaned_data))
        except emergency_services.NoSinglePatient:
            form.add_error(None, "No single patient has exactly that name and date of birth. Check them with the patient or whoever brought them in.")
        except emergency_services.AlreadyInCareTeam as in_team:
            messages.info(request, "This patient is in your care team: you need no emergency access.")
            return redirect("clinicians:chart", patient_id=in_team.patient_id)
        except emergency_services.GrantStillLive as live:
            messages.info(request, "Your emergency access to this patient is still running.")
            return redirect("clinicians:chart", patient_id=live.patient_id)
        else:
            remember_emergency_access(request, patient_id=grant.patient_id, expires_at=grant.expires_at)
            return redirect("clinicians:chart", patient_id=grant.patient_id)
    return render(request, "clinicians/emergency_access.html", {"form": form, "minutes": settings.EMERGENCY_ACCESS_MINUTES})
