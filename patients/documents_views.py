"""The patient's own documents: the list with its upload form, the upload,
and a download (a redirect to a short-lived S3 link)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from medisecure.forms import PageForm
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role
from medisecure.uploads import SizeCapUploadHandler
from patients import documents_services as services
from patients.documents_forms import DocumentUploadForm

UPLOADED = "Your document was uploaded."
STORAGE_UNAVAILABLE = (
    "The document store is not answering just now, so nothing was saved or opened. Please try again in a few minutes."
)


def cap_uploads(request) -> None:
    """Stop reading a file once it is over the limit. Upload handlers can only
    change before the body is read, which the CSRF check does; hence upload
    views check CSRF inside (Django's documented way)."""
    request.upload_handlers.insert(0, SizeCapUploadHandler(request, max_bytes=settings.DOCUMENTS_MAX_BYTES))


def storage_unavailable(request, *, back_url: str):
    return render(
        request, "patients/documents_unavailable.html", {"message": STORAGE_UNAVAILABLE, "back_url": back_url}, status=503
    )


@role_required(Role.PATIENT)
@require_GET
def documents(request):
    form = PageForm(request.GET)
    page_token = form.cleaned_data["page"] if form.is_valid() else None
    listing = services.own_documents_view(request=request, page_token=page_token or None)
    return render(request, "patients/documents.html", {"listing": listing, "form": DocumentUploadForm()})


@role_required(Role.PATIENT)
@csrf_exempt  # checked in _upload, once the upload cap is in place
@require_POST
def document_upload(request):
    cap_uploads(request)
    return _upload(request)


@csrf_protect
def _upload(request):
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "patients/document_upload.html", {"form": form, "back_url": _list_url()})
    try:
        services.own_document_upload(request=request, upload=form.upload())
    except services.DocumentStorageUnavailable:
        return storage_unavailable(request, back_url=_list_url())
    messages.success(request, UPLOADED)
    return redirect("patients:documents")


@role_required(Role.PATIENT)
@require_GET
def document_download(request, reference):
    try:
        link = services.own_document_link(request=request, reference=reference)
    except services.DocumentStorageUnavailable:
        return storage_unavailable(request, back_url=_list_url())
    return redirect(link)


def _list_url() -> str:
    return reverse("patients:documents")
