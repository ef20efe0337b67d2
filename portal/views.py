from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views import i18n
from django.views.decorators.http import require_GET, require_POST

from medisecure.health import dependency_status
from medisecure.identity.access import public
from portal.forms import LanguageForm


@public
@require_GET
def landing(request):
    return render(request, "landing.html")


@public
@require_POST
def language_set(request):
    """The footer's language switch: Django's set_language (its cookie, then
    back to the page it was on), a plain form that needs no JavaScript. A
    language the portal is not written in changes nothing."""
    if not LanguageForm(request.POST).is_valid():
        return redirect("landing")
    return i18n.set_language(request)


@public
@require_GET
def healthz(request):
    status = dependency_status()
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "dependencies": status},
        status=200 if healthy else 503,
    )
