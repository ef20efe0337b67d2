"""The secure-message pages, in two lists the web shell mounts under their
own prefixes: the patient's (/patient/messages/) and the doctor's
(/doctor/messages/, a thread under the patient it is with)."""

from django.urls import path

from patients.messages import views

own_message_urls = (
    [
        path("", views.inbox, name="inbox"),
        path("new/", views.compose, name="compose"),
        path("<str:thread_id>/", views.thread, name="thread"),
        path("<str:thread_id>/reply/", views.reply, name="reply"),
    ],
    "messages",
)

doctor_message_urls = (
    [
        path("", views.doctor_inbox, name="inbox"),
        path("<str:patient_id>/<str:thread_id>/", views.doctor_thread, name="thread"),
        path("<str:patient_id>/<str:thread_id>/reply/", views.doctor_reply, name="reply"),
        path("<str:patient_id>/<str:thread_id>/close/", views.doctor_close, name="close"),
    ],
    "doctor_messages",
)
