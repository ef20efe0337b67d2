from django import forms

from accounts.people.domain import ACTION_LABELS, CHANGE_ROLE, REASON_MAX_LENGTH
from medisecure.identity.roles import Role

REASON_HELP = "Why, in a sentence. It is kept in the audit trail: write no health details."


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label="Reason",
        max_length=REASON_MAX_LENGTH,
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why: every change of someone's access records its reason."},
    )


def _cleaned_reason(value: str) -> str:
    reason = " ".join(value.split())
    if not reason:
        raise forms.ValidationError("Say why: every change of someone's access records its reason.")
    return reason


class AccessChangeForm(forms.Form):
    action = forms.ChoiceField(label="Change", choices=list(ACTION_LABELS.items()), widget=forms.RadioSelect)
    role = forms.ChoiceField(
        label="New role",
        required=False,
        choices=[("", "—")] + [(role.value, role.value.title()) for role in Role],
        help_text="Only for a change of role: the person holds exactly this one.",
    )
    reason = _reason_field()

    def clean_reason(self):
        return _cleaned_reason(self.cleaned_data["reason"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == CHANGE_ROLE and not cleaned.get("role"):
            self.add_error("role", "Choose the role they should hold.")
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email they were invited with", max_length=254)
    reason = _reason_field()

    def clean_reason(self):
        return _cleaned_reason(self.cleaned_data["reason"])
