"""Joining a full doctor's waitlist, and booking the time held for you."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from appointments.domain import PatientBusy
from appointments.waitlist import services
from appointments.waitlist.domain import HOLD_MINUTES, AlreadyWaiting, HoldGone, TimesAreFree
from appointments.waitlist.forms import HoldClaimForm, WaitlistJoinForm
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role


@role_required(Role.PATIENT)
@require_POST
def join(request):
    form = WaitlistJoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a doctor to wait for."))
        return redirect("appointments:book")
    data = form.cleaned_data
    try:
        services.waitlist_join(
            actor=request.actor,
            audit=request.audit,
            provider_id=data["doctor"],
            visit_type_id=data["visit_type"],
        )
    except AlreadyWaiting:
        messages.success(request, _("You are already on this doctor's waitlist."))
    except TimesAreFree:
        messages.error(
            request, _("This doctor has free times in the next two weeks: choose one of those instead.")
        )
    else:
        messages.success(
            request,
            _(
                "You are on the waitlist. When a time frees up, we email you a link "
                "that holds it for you for %(minutes)s minutes."
            )
            % {"minutes": HOLD_MINUTES},
        )
    return redirect(f"{reverse('appointments:book')}?doctor={data['doctor']}")


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def claim(request, hold_id):
    form = HoldClaimForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            booked = services.hold_claim(
                actor=request.actor, audit=request.audit, hold_id=hold_id, reason=form.cleaned_data["reason"]
            )
        except HoldGone:
            messages.error(request, _("This time is no longer held for you: it ran out, or was booked."))
            return redirect("appointments:book")
        except PatientBusy:
            messages.error(request, _("You already have another appointment at that time."))
            return redirect("appointments:book")
        messages.success(request, _("Your appointment is booked. We have emailed you the confirmation."))
        return redirect("appointments:detail", appointment_id=booked.appointment.appointment_id)
    hold = services.hold_get_for(actor=request.actor, hold_id=hold_id)
    return render(request, "appointments/waitlist_claim.html", {"hold": hold, "form": form})
