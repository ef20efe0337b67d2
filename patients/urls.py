from django.urls import path

from patients import views
from patients.home import views as home

app_name = "patients"
urlpatterns = [
    path("", home.home, name="home"),
    path("profile/", views.profile, name="profile"),
]
