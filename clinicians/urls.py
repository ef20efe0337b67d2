from django.urls import path

from clinicians import views

app_name = "clinicians"
urlpatterns = [
    path("", views.home, name="home"),
]
