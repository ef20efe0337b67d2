from django.urls import path

from accounts.email_change import views

app_name = "email_change"

urlpatterns = [
    path("email/", views.change_email, name="change_email"),
    path("email/code/", views.verify_email, name="verify_email"),
    path("email/changed/", views.email_changed, name="email_changed"),
]
