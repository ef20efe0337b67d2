"""The doctor's home and their changes to an appointment, under /doctor/."""

from django.urls import path

from appointments.schedules import views

APPOINTMENT_ID = "<str:appointment_id>"

urlpatterns = [
    path("", views.doctor_home, name="doctor_home"),
    path(f"appointments/{APPOINTMENT_ID}/complete/", views.doctor_complete, name="doctor_complete"),
    path(f"appointments/{APPOINTMENT_ID}/no-show/", views.doctor_no_show, name="doctor_no_show"),
    path(f"appointments/{APPOINTMENT_ID}/cancel/", views.doctor_cancel, name="doctor_cancel"),
]
