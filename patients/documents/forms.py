"""The document upload form: every check on an uploaded file happens here,
before anything is stored."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from medisecure import file_types
from medisecure.forms import ErrorSummaryMixin, TextField
from medisecure.uploads import OversizedUpload
from patients.documents.domain import (
    DocumentUpload,
    FileNameRefused,
    refuse_path_like,
    sanitised_file_name,
    split_extension,
)

ACCEPT = ",".join(content_type for _, content_type in file_types.SIGNATURES)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


ACTIVE_CONTENT = _(
    "This file holds scripts or web-page code, so it cannot be uploaded. "
    "Print or export it as a plain PDF, or take a photo or scan, and upload that."
)


def _whole(upload) -> bytes:
    """The uploaded file's bytes (it is under the size cap by now)."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


class DocumentUploadForm(ErrorSummaryMixin, forms.Form):
    document = forms.FileField(
        label=_("Choose a file"),
        max_length=255,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("This file is empty. Choose the file again, or another one."),
            "max_length": _("The file name is too long. Rename the file to something shorter."),
            "invalid": _("No file was received. Choose the file again."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _("A PDF, JPEG or PNG file of up to %(size)s.") % {
            "size": _megabytes(settings.DOCUMENTS_MAX_BYTES)
        }
        self.content_type = ""

    def clean_document(self):
        document = self.cleaned_data["document"]
        if isinstance(document, OversizedUpload) or document.size > settings.DOCUMENTS_MAX_BYTES:
            raise ValidationError(
                _(
                    "The file is larger than %(size)s. Upload a smaller file, or scan it at a lower resolution."
                )
                % {"size": _megabytes(settings.DOCUMENTS_MAX_BYTES)}
            )
        if document.size == 0:
            raise ValidationError(_("This file is empty. Choose the file again, or another one."))
        try:
            refuse_path_like(document.name)
        except FileNameRefused as refused:
            raise ValidationError(str(refused)) from refused
        document.seek(0)
        head = document.read(file_types.HEAD_BYTES)
        document.seek(0)
        # Judged by the content: a renamed file of another kind is refused.
        self.content_type = file_types.type_from_content(head)
        if self.content_type is None:
            raise ValidationError(
                _("This file is not a PDF, JPEG or PNG. Upload a file in one of those formats.")
            )
        if file_types.active_content(_whole(document), self.content_type):
            raise ValidationError(ACTIVE_CONTENT)
        named_type = file_types.type_from_extension(split_extension(document.name)[1])
        if named_type is not None and named_type != self.content_type:
            raise ValidationError(
                _("This file's name says %(named)s but it is a %(actual)s. Check you chose the right file.")
                % {
                    "named": file_types.DESCRIPTIONS[named_type],
                    "actual": file_types.DESCRIPTIONS[self.content_type],
                }
            )
        return document

    def upload(self) -> DocumentUpload:
        document = self.cleaned_data["document"]
        return DocumentUpload(
            file=document,
            content_type=self.content_type,
            file_name=sanitised_file_name(document.name, self.content_type),
            size=document.size,
        )


class ChartDocumentUploadForm(DocumentUploadForm):
    """A doctor's upload to a patient's chart; under an emergency grant
    (which reads only) it needs a second reason, which the page asks for
    only then."""

    emergency_reason = TextField(
        label=_("Why must you add to this chart under emergency access?"),
        required=False,
        multiline=True,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
