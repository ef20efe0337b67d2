"""The footer's language switch: one of the portal's languages, and the page
to go back to (set_language keeps it only when it stays on this site)."""

from __future__ import annotations

from django import forms
from django.conf import settings


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2048)
