"""The doctor's choice of booking emails (appointments.doctor_notices)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from appointments import doctor_notices
from appointments.forms import BookingNoticesForm
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role

TEMPLATE = "appointments/booking_notices.html"


@role_required(Role.DOCTOR)
@require_http_methods(["GET", "POST"])
def booking_notices(request):
    if request.method != "POST":
        try:
            notify = doctor_notices.booking_notices_view(request=request)
        except doctor_notices.NoProviderRecord:
            raise Http404 from None
        return render(request, TEMPLATE, {"form": BookingNoticesForm.showing(notify)})
    form = BookingNoticesForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form, "stale": True})
    notify = form.cleaned_data["notify"]
    try:
        doctor_notices.booking_notices_update(request=request, notify=notify, was=form.cleaned_data["was"])
    except doctor_notices.NoProviderRecord:
        raise Http404 from None
    except doctor_notices.SettingChanged:
        return render(request, TEMPLATE, {"form": form, "stale": True})
    messages.success(request, "Saved: you will get booking emails." if notify else "Saved: no booking emails.")
    return redirect("appointments:booking_notices")
