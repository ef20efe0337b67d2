"""The clinic directory: the doctors of a specialty, for the marketer and
the admins."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from clinicians import selectors
from clinicians.forms import DirectoryFilterForm
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role


@role_required(Role.MARKETER, Role.ADMIN)
@require_GET
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    directory = None
    if form.is_valid():
        directory = selectors.directory_get(
            specialty=form.cleaned_data["specialty"], page_token=form.cleaned_data["page"] or None
        )
    return render(request, "clinicians/directory.html", {"form": form, "directory": directory})
