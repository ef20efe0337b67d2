"""The lab-result pages.

For the doctor, under /doctor/patients/<patient_id>/results/: record a lab
result (the chart's access rule decides, in patients.records.selectors
.chart_get_for; a patient outside the doctor's care is a 404) and mark one
reviewed (the result itself is read on the chart's entry page).

For the patient, under /patient/results/: their results, each marked new
until opened, and one result with its range in plain words."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medisecure.forms import PageForm
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role
from patients.records.forms import ResultForm
from patients.records.results import ResultAlreadyReviewed
from patients.results import selectors, services


def _page_token(request) -> str | None:
    form = PageForm(request.GET)
    return (form.cleaned_data["page"] if form.is_valid() else None) or None


# --- The doctor's ------------------------------------------------------------------


@role_required(Role.DOCTOR)
@require_http_methods(["GET", "POST"])
def result_new(request, patient_id: str):
    compose = selectors.result_compose_get(actor=request.actor, audit=request.audit, patient_id=patient_id)
    if request.method != "POST":
        form = ResultForm(documents=compose.documents)
        return render(request, "patients/results/result_new.html", _compose_context(compose, form))
    form = ResultForm(request.POST, documents=compose.documents)
    if not form.is_valid():
        return render(request, "patients/results/result_new.html", _compose_context(compose, form))
    result = services.result_record(
        actor=request.actor, audit=request.audit, patient_id=patient_id, values=form.entry_values()
    )
    messages.success(request, _("The lab result was added to the chart."))
    return redirect("chart:entry", patient_id=patient_id, entry_id=result.entry_id)


def _compose_context(compose, form) -> dict:
    return {"access": compose.access, "patient": compose.access.patient, "form": form}


@role_required(Role.DOCTOR)
@require_POST
def result_review(request, patient_id: str, entry_id: str):
    try:
        services.result_review(
            actor=request.actor, audit=request.audit, patient_id=patient_id, entry_id=entry_id
        )
    except ResultAlreadyReviewed:
        messages.info(request, _("This result had been reviewed already."))
    else:
        messages.success(request, _("The result is marked reviewed."))
    return redirect("chart:entry", patient_id=patient_id, entry_id=entry_id)


# --- The patient's own ----------------------------------------------------------------


@role_required(Role.PATIENT)
@require_GET
def results(request):
    listing = selectors.own_results_list(
        actor=request.actor, audit=request.audit, page_token=_page_token(request)
    )
    return render(request, "patients/results/results.html", {"listing": listing})


@role_required(Role.PATIENT)
@require_GET
def result(request, entry_id: str):
    opened = services.result_open(actor=request.actor, audit=request.audit, entry_id=entry_id)
    return render(request, "patients/results/result.html", {"result": opened})
