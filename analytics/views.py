"""The marketer's dashboard of de-identified counts, for the marketer and
the admins."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from analytics import selectors
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role


@role_required(Role.MARKETER, Role.ADMIN)
@require_GET
def dashboard(request):
    dashboard = selectors.dashboard_get(actor=request.actor, audit=request.audit)
    return render(request, "analytics/dashboard.html", {"dashboard": dashboard})
