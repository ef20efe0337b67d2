from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from medisecure.health import dependency_status
from medisecure.identity.access import public


@public
@require_GET
def landing(request):
    return render(request, "landing.html")


@public
@require_GET
def healthz(request):
    status = dependency_status()
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "dependencies": status},
        status=200 if healthy else 503,
    )
