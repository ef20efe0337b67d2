"""Visit types and locations in the Django admin (imported by the app's
admin module): pages of our own on the project's admin site, which lets
only admins in, over the records kept in DynamoDB."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from appointments.choices import selectors, services
from appointments.choices.domain import ChoiceRefused, Location, VisitType, new_choice_id
from appointments.choices.forms import LocationForm, VisitTypeForm
from medisecure.admin_sections import RecordSection
from medisecure.errors import ConcurrentUpdate

CHOICES = "appointments_choices"
VISIT_TYPE = "appointments_visit_type"
LOCATION = "appointments_location"
SECTION_TITLE = "Visit types and locations"
NEW = "new"
STALE = "Someone saved this meanwhile. Nothing was saved: here it is as it is now."


def _render(request, template: str, title: str, **context):
    return render(
        request,
        f"admin/appointments/{template}",
        {**admin.site.each_context(request), "title": title, **context},
    )


@require_GET
def choice_list(request):
    return _render(request, "choices.html", SECTION_TITLE, choices=selectors.choices_get())


def _edit(request, choice_id, *, form_class, get, fresh, save, title, what):
    if request.method != "POST":
        current = fresh() if choice_id == NEW else get(choice_id)
        return _render(request, "choice_form.html", title, form=form_class.of(current), what=what)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            save(form)
        except ChoiceRefused as refused:
            for field, message in refused.problems:
                form.add_error(field, message)
        except ConcurrentUpdate:
            messages.error(request, STALE)
            current = get(form.cleaned_data["choice_id"])
            return _render(request, "choice_form.html", title, form=form_class.of(current), what=what)
        else:
            messages.success(request, f"The {what} is saved.")
            return redirect(f"admin:{CHOICES}")
    return _render(request, "choice_form.html", title, form=form, what=what)


@require_http_methods(["GET", "POST"])
def visit_type_edit(request, choice_id):
    return _edit(
        request,
        choice_id,
        form_class=VisitTypeForm,
        get=lambda found: selectors.visit_type_get(visit_type_id=found),
        fresh=lambda: VisitType(visit_type_id=new_choice_id(), name="", minutes=30),
        save=lambda form: services.visit_type_save(
            actor=request.actor, audit=request.audit, visit_type=form.visit_type()
        ),
        title="Visit type",
        what="visit type",
    )


@require_http_methods(["GET", "POST"])
def location_edit(request, choice_id):
    return _edit(
        request,
        choice_id,
        form_class=LocationForm,
        get=lambda found: selectors.location_get(location_id=found),
        fresh=lambda: Location(location_id=new_choice_id(), name="", address="", phone=""),
        save=lambda form: services.location_save(
            actor=request.actor, audit=request.audit, location=form.location()
        ),
        title="Location",
        what="location",
    )


def choices_urls(site) -> list:
    return [
        path("appointments/choices/", site.admin_view(choice_list), name=CHOICES),
        path("appointments/visit-types/<str:choice_id>/", site.admin_view(visit_type_edit), name=VISIT_TYPE),
        path("appointments/locations/<str:choice_id>/", site.admin_view(location_edit), name=LOCATION),
    ]


admin.site.register_section(
    RecordSection(
        app_label="appointments",
        app_name="Appointments",
        name=SECTION_TITLE,
        object_name="Choice",
        list_url_name=CHOICES,
        urls=choices_urls,
    )
)
