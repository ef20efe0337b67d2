"""The secure-message forms: a new message to a doctor of the care team
(with a document to attach, if the patient wants), and a reply. Bodies are
plain text, at most 5,000 characters, line breaks kept."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from medisecure.forms import DescribedFieldsMixin, TextField
from patients.messages.domain import BODY_MAX, SUBJECT_MAX, Compose

ID_LIMIT = 128


def _body_field() -> TextField:
    return TextField(
        label=_("Message"),
        multiline=True,
        max_length=BODY_MAX,
        help_text=format_lazy(
            _("Plain text, at most {count} characters. Do not use this for emergencies: call 911."),
            count=f"{BODY_MAX:,}",
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Write your message."),
            "max_length": _("Your message is too long: keep it to %(count)s characters, or send two.")
            % {"count": f"{BODY_MAX:,}"},
        },
    )


class ComposeForm(DescribedFieldsMixin, forms.Form):
    """The doctor and the document are offered as lists (of the care team,
    of the patient's documents); the service checks again that the doctor
    is in the care team and the document the patient's, so the form only
    checks their shape and stays the same whoever fills it in."""

    doctor = TextField(
        label=_("To"),
        max_length=ID_LIMIT,
        widget=forms.Select,
        error_messages={"required": _("Choose the doctor to write to.")},
    )
    subject = TextField(
        label=_("Subject"),
        max_length=SUBJECT_MAX,
        error_messages={"required": _("Give your message a subject.")},
    )
    body = _body_field()
    document = TextField(
        label=_("Attach one of your documents"),
        required=False,
        max_length=ID_LIMIT,
        widget=forms.Select,
        help_text=_("Optional."),
    )

    def __init__(self, *args, compose: Compose | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if compose is None:
            return
        doctors = self.fields["doctor"].widget
        doctors.choices = [("", _("Choose a doctor"))] + [
            (
                recipient.provider_id,
                f"{recipient.name}, {recipient.specialty}" if recipient.specialty else recipient.name,
            )
            for recipient in compose.recipients
        ]
        self.fields["document"].widget.choices = [("", _("No document"))] + list(compose.documents)


class ReplyForm(DescribedFieldsMixin, forms.Form):
    body = _body_field()
