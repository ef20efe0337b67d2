"""Mounted at /signup/ (anyone may start one), in its own namespace."""

from django.urls import path

from patients.signup import views

app_name = "signup"
urlpatterns = [
    path("", views.signup_start, name="start"),
    path("verify/", views.signup_verify, name="verify"),
    path("verify/resend/", views.signup_resend, name="resend"),
    path("password/", views.signup_password, name="password"),
    path("finish/<str:secret>/", views.signup_finish, name="finish"),
    path("complete/", views.signup_complete, name="complete"),
]
