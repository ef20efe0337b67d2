from django.http import HttpResponse
from django.urls import path


def forgotten_view(request):
    return HttpResponse("this must never be served")


urlpatterns = [path("unruled/", forgotten_view)]
