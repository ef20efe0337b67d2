from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medisecure import languages
from medisecure.errors import ConcurrentUpdate
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role
from patients import selectors, services
from patients.forms import ProfileForm

# --- Profile ------------------------------------------------------------------


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.method != "POST":
        return _profile_page(request)
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, form=form)
    try:
        changed = services.patient_profile_update(
            actor=request.actor,
            audit=request.audit,
            values=form.profile_values(),
            expected_version=form.cleaned_data["version"],
        )
    except ConcurrentUpdate:
        return _profile_page(request, stale=True)
    # The saved language is the one the pages (this message first) are in.
    languages.remember(request.session, form.cleaned_data["preferred_language"])
    if languages.supported(form.cleaned_data["preferred_language"]):
        translation.activate(form.cleaned_data["preferred_language"])
    messages.success(
        request,
        _("Your profile is saved.") if changed else _("You did not change anything, so nothing was saved."),
    )
    return redirect("patients:profile")


def _profile_page(request, *, form: ProfileForm | None = None, stale: bool = False):
    patient = selectors.patient_profile_get(actor=request.actor, audit=request.audit)
    if patient is None:
        return render(request, "patients/profile_missing.html")
    context = {"patient": patient, "form": form or ProfileForm.for_patient(patient), "stale": stale}
    return render(request, "patients/profile.html", context, status=409 if stale else 200)
