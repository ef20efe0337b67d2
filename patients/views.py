from django.shortcuts import render
from django.views.decorators.http import require_GET

from medisecure.identity.access import role_required
from medisecure.identity.roles import Role
from patients import services


@role_required(Role.PATIENT)
@require_GET
def home(request):
    home = services.patient_home_view(request=request)
    return render(request, "patients/home.html", {"home": home})
