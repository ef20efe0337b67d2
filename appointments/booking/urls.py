"""The patient's appointment pages, under /patient/appointments/."""

from django.urls import path

from appointments.booking import views

APPOINTMENT_ID = "<str:appointment_id>"

urlpatterns = [
    path("", views.appointment_list, name="list"),
    path("book/", views.book, name="book"),
    path("book/confirm/", views.book_confirm, name="book_confirm"),
    path(f"{APPOINTMENT_ID}/", views.appointment_detail, name="detail"),
    path(f"{APPOINTMENT_ID}/cancel/", views.cancel, name="cancel"),
    path(f"{APPOINTMENT_ID}/reschedule/", views.reschedule, name="reschedule"),
    path(f"{APPOINTMENT_ID}/send-confirmation/", views.send_confirmation, name="send_confirmation"),
]
