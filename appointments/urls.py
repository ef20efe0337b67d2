"""The app's pages, each room's under its own prefix (the patterns match
none of another app's: the web shell mounts this at the root), all named in
the `appointments` namespace."""

from django.urls import include, path

app_name = "appointments"
urlpatterns = [
    path("doctor/availability/", include("appointments.availability.urls")),
    path("doctor/", include("appointments.schedules.urls")),
    path("patient/appointments/", include("appointments.booking.urls")),
    path("patient/waitlist/", include("appointments.waitlist.urls")),
]
