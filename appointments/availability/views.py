"""The doctor's hours page: the week in one screen, saved once; its other
buttons (copy Monday to the weekdays, add a day off or extra hours, preview
the next two weeks) show the form again and save nothing."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from appointments.availability import selectors, services
from appointments.availability.forms import (
    ACTIONS,
    ADD_DAY_OFF,
    ADD_EXTRA_HOURS,
    COPY_MONDAY,
    PREVIEW,
    SAVE,
    AvailabilityForm,
    with_monday_copied,
)
from appointments.domain import AvailabilityInvalid
from medisecure.errors import ConcurrentUpdate
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role

TEMPLATE = "appointments/availability.html"


@role_required(Role.DOCTOR)
@require_http_methods(["GET", "POST"])
def availability(request):
    locations = selectors.hours_locations_list()
    if request.method != "POST":
        forms = AvailabilityForm(
            availability=selectors.availability_get(provider_id=request.actor.user_id), locations=locations
        )
        return render(request, TEMPLATE, {"forms": forms})
    action = request.POST.get("action", SAVE)
    action = action if action in ACTIONS else SAVE
    if action == COPY_MONDAY:
        forms = AvailabilityForm(retyped=with_monday_copied(request.POST), locations=locations)
        return render(request, TEMPLATE, {"forms": forms, "copied": True})
    if action in (ADD_DAY_OFF, ADD_EXTRA_HOURS):
        forms = AvailabilityForm(
            retyped=request.POST,
            add_day_off=action == ADD_DAY_OFF,
            add_extra_hours=action == ADD_EXTRA_HOURS,
            locations=locations,
        )
        return render(request, TEMPLATE, {"forms": forms})
    forms = AvailabilityForm(request.POST, locations=locations)
    if not forms.is_valid():
        return render(request, TEMPLATE, {"forms": forms})
    if action == PREVIEW:
        preview = selectors.hours_preview_get(provider_id=request.actor.user_id, proposed=forms.proposed())
        return render(request, TEMPLATE, {"forms": forms, "preview": preview})
    try:
        services.availability_update(actor=request.actor, audit=request.audit, proposed=forms.proposed())
    except ConcurrentUpdate:
        # Saved meanwhile elsewhere: nothing of this form is saved, and the hours that are saved are shown.
        current = AvailabilityForm(
            availability=selectors.availability_get(provider_id=request.actor.user_id), locations=locations
        )
        return render(request, TEMPLATE, {"forms": current, "stale": True})
    except AvailabilityInvalid as invalid:
        forms.add_problems(invalid.problems)
        return render(request, TEMPLATE, {"forms": forms})
    messages.success(request, "Your availability is saved. Patients can now book the new times.")
    return redirect("appointments:availability")
