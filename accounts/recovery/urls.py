from django.urls import path

from accounts.recovery import views

app_name = "recovery"

urlpatterns = [
    path("forgot-password/", views.forgot_password, name="forgot_password"),
    path("forgot-password/code/", views.reset_password, name="reset_password"),
    path("forgot-password/done/", views.password_reset_done, name="password_reset_done"),
    path("password/", views.change_password, name="change_password"),
    path("password/changed/", views.password_changed, name="password_changed"),
]
