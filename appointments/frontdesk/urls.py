"""The front desk's pages, under /frontdesk/."""

from django.urls import path

from appointments.frontdesk import views

app_name = "frontdesk"
APPOINTMENT_ID = "<str:appointment_id>"
PATIENT_ID = "<str:patient_id>"

urlpatterns = [
    path("", views.home, name="home"),
    path("patients/", views.patient_search, name="patient_search"),
    path(f"patients/{PATIENT_ID}/book/", views.book, name="book"),
    path(f"patients/{PATIENT_ID}/book/confirm/", views.book_confirm, name="book_confirm"),
    path(f"appointments/{APPOINTMENT_ID}/", views.appointment, name="appointment"),
    path(f"appointments/{APPOINTMENT_ID}/cancel/", views.cancel, name="cancel"),
    path(f"appointments/{APPOINTMENT_ID}/move/", views.move, name="move"),
    path(f"appointments/{APPOINTMENT_ID}/arrived/", views.arrived, name="arrived"),
    path(f"appointments/{APPOINTMENT_ID}/no-show/", views.no_show, name="no_show"),
]
