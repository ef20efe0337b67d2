"""A patient's documents from the doctor's side: the chart's documents tab,
its upload, and downloads. Who may see them is decided in the service."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from medisecure.forms import PageForm
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role
from patients import documents_services as services
from patients.documents_forms import DocumentUploadForm
from patients.documents_views import cap_uploads, storage_unavailable


@role_required(Role.DOCTOR)
@require_GET
def chart_documents(request, patient_id):
    form = PageForm(request.GET)
    page_token = form.cleaned_data["page"] if form.is_valid() else None
    listing = services.chart_documents_view(request=request, patient_id=patient_id, page_token=page_token or None)
    return render(request, "clinicians/chart_documents.html", {"listing": listing, "form": DocumentUploadForm()})


@role_required(Role.DOCTOR)
@csrf_exempt  # checked in _upload, once the upload cap is in place
@require_POST
def chart_document_upload(request, patient_id):
    cap_uploads(request)
    return _upload(request, patient_id)


@csrf_protect
def _upload(request, patient_id):
    back_url = reverse("clinicians:chart_documents", args=[patient_id])
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "patients/document_upload.html", {"form": form, "back_url": back_url})
    try:
        services.chart_document_upload(request=request, patient_id=patient_id, upload=form.upload())
    except services.DocumentStorageUnavailable:
        return storage_unavailable(request, back_url=back_url)
    messages.success(request, "The document was added to the patient's record.")
    return redirect(back_url)


@role_required(Role.DOCTOR)
@require_GET
def chart_document_download(request, patient_id, reference):
    try:
        link = services.chart_document_link(request=request, patient_id=patient_id, reference=reference)
    except services.DocumentStorageUnavailable:
        return storage_unavailable(request, back_url=reverse("clinicians:chart_documents", args=[patient_id]))
    return redirect(link)
