from django.urls import path

from appointments import views

APPOINTMENT_ID = "<str:appointment_id>"

app_name = "appointments"
urlpatterns = [
    path("doctor/availability/", views.availability, name="availability"),
    path(f"doctor/appointments/{APPOINTMENT_ID}/complete/", views.doctor_complete, name="doctor_complete"),
    path(f"doctor/appointments/{APPOINTMENT_ID}/no-show/", views.doctor_no_show, name="doctor_no_show"),
    path(f"doctor/appointments/{APPOINTMENT_ID}/cancel/", views.doctor_cancel, name="doctor_cancel"),
    path("patient/appointments/", views.appointment_list, name="list"),
    path("patient/appointments/book/", views.book, name="book"),
    path("patient/appointments/book/confirm/", views.book_confirm, name="book_confirm"),
    path(f"patient/appointments/{APPOINTMENT_ID}/", views.appointment_detail, name="detail"),
    path(f"patient/appointments/{APPOINTMENT_ID}/cancel/", views.cancel, name="cancel"),
    path(f"patient/appointments/{APPOINTMENT_ID}/reschedule/", views.reschedule, name="reschedule"),
    path(f"patient/appointments/{APPOINTMENT_ID}/send-confirmation/", views.send_confirmation, name="send_confirmation"),
]
