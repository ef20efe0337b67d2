"""A patient's documents: the patient's own list with its upload form, the
upload and a download (a redirect to a short-lived S3 link); and the same
for their doctor, as the chart's documents tab. Who may see them is decided
in the selectors and services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from medisecure.forms import PageForm
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role
from medisecure.uploads import upload_capped
from patients.documents import selectors, services
from patients.documents.domain import DocumentStorageUnavailable, UploadRefused
from patients.documents.forms import ChartDocumentUploadForm, DocumentUploadForm
from patients.emergency.domain import ChartReadOnly
from patients.records.domain import EMERGENCY

UPLOADED = _("Your document was uploaded.")
ADDED_TO_RECORD = _("The document was added to the patient's record.")
STORAGE_UNAVAILABLE = _(
    "The document store is not answering just now, so nothing was saved or opened. "
    "Please try again in a few minutes."
)


def _max_bytes() -> int:
    return settings.DOCUMENTS_MAX_BYTES


def _page_token(request) -> str | None:
    form = PageForm(request.GET)
    return (form.cleaned_data["page"] if form.is_valid() else None) or None


def _storage_unavailable(request, *, back_url: str):
    return render(
        request,
        "patients/documents/documents_unavailable.html",
        {"message": STORAGE_UNAVAILABLE, "back_url": back_url},
        status=503,
    )


def _refused(request, form, *, back_url: str):
    return render(request, "patients/documents/document_upload.html", {"form": form, "back_url": back_url})


# --- The patient's own ---------------------------------------------------------


@role_required(Role.PATIENT)
@require_GET
def documents(request):
    listing = selectors.own_document_list(
        actor=request.actor, audit=request.audit, page_token=_page_token(request)
    )
    return render(
        request, "patients/documents/documents.html", {"listing": listing, "form": DocumentUploadForm()}
    )


@role_required(Role.PATIENT)
@require_POST
@upload_capped(max_bytes=_max_bytes)
def document_upload(request):
    back_url = reverse("documents:list")
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, form, back_url=back_url)
    try:
        services.own_document_upload(actor=request.actor, audit=request.audit, upload=form.upload())
    except DocumentStorageUnavailable:
        return _storage_unavailable(request, back_url=back_url)
    messages.success(request, UPLOADED)
    return redirect(back_url)


@role_required(Role.PATIENT)
@require_GET
def document_download(request, reference):
    try:
        link = selectors.own_document_link_get(actor=request.actor, audit=request.audit, reference=reference)
    except DocumentStorageUnavailable:
        return _storage_unavailable(request, back_url=reverse("documents:list"))
    return redirect(link)


# --- The chart's documents tab ---------------------------------------------------


@role_required(Role.DOCTOR)
@require_GET
def chart_documents(request, patient_id):
    listing = selectors.chart_document_list(
        actor=request.actor, audit=request.audit, patient_id=patient_id, page_token=_page_token(request)
    )
    return render(
        request,
        "patients/documents/chart_documents.html",
        {
            "listing": listing,
            "form": ChartDocumentUploadForm(),
            "emergency": listing.chart.via == EMERGENCY,
        },
    )


@role_required(Role.DOCTOR)
@require_POST
@upload_capped(max_bytes=_max_bytes)
def chart_document_upload(request, patient_id):
    back_url = reverse("chart_documents:list", args=[patient_id])
    form = ChartDocumentUploadForm(request.POST, request.FILES)
    valid = form.is_valid()
    try:
        services.chart_document_upload(
            actor=request.actor,
            audit=request.audit,
            patient_id=patient_id,
            upload=form.upload() if valid else None,
            emergency_reason=form.cleaned_data.get("emergency_reason", "") if valid else "",
        )
    except ChartReadOnly:
        messages.error(
            request,
            _(
                "Emergency access lets you read this chart. To add a document, say why it cannot wait; "
                "nothing was saved."
            ),
        )
        return redirect(back_url)
    except UploadRefused:
        return _refused(request, form, back_url=back_url)
    except DocumentStorageUnavailable:
        return _storage_unavailable(request, back_url=back_url)
    messages.success(request, ADDED_TO_RECORD)
    return redirect(back_url)


@role_required(Role.DOCTOR)
@require_GET
def chart_document_download(request, patient_id, reference):
    try:
        link = selectors.chart_document_link_get(
            actor=request.actor, audit=request.audit, patient_id=patient_id, reference=reference
        )
    except DocumentStorageUnavailable:
        return _storage_unavailable(request, back_url=reverse("chart_documents:list", args=[patient_id]))
    return redirect(link)
