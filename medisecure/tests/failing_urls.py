from django.urls import path

from medisecure.identity.access import public
from portal.urls import urlpatterns as portal_urlpatterns


@public
def explode(request):
    return 1 / 0


urlpatterns = [*portal_urlpatterns, path("explode/", explode)]
handler500 = "portal.errors.server_error"
