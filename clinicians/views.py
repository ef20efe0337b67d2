from django.shortcuts import render
from django.views.decorators.http import require_GET

from clinicians import services
from clinicians.forms import DirectoryFilterForm
from medisecure.forms import PageForm
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role


@role_required(Role.DOCTOR)
@require_GET
def home(request):
    form = PageForm(request.GET)
    page_token = form.cleaned_data["page"] if form.is_valid() else None
    home = services.doctor_home_view(request=request, page_token=page_token or None)
    return render(request, "clinicians/home.html", {"home": home})


@role_required(Role.MARKETER, Role.ADMIN)
@require_GET
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    directory = None
    if form.is_valid():
        directory = services.directory_view(
            specialty=form.cleaned_data["specialty"], page_token=form.cleaned_data["page"] or None
        )
    return render(request, "clinicians/directory.html", {"form": form, "directory": directory})
