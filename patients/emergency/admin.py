"""The admins' review of emergency access, registered as a section of the
admin site, which lets only admins in: every grant (those waiting for review
past 72 hours first), each with its recorded review or a form to record it,
and the lookups that found no one. Imported by patients.admin, which admin
autodiscovery imports."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from medisecure.admin_sections import RecordSection
from medisecure.forms import PageForm
from patients.emergency import selectors, services
from patients.emergency.domain import REVIEW_OVERDUE_HOURS, GrantNotFound
from patients.emergency.forms import GrantReviewForm

REVIEW = "emergency_access_review"
RECORD_REVIEW = "emergency_access_record_review"


@require_GET
def emergency_access_review(request):
    return _review_page(request)


def _review_page(request, *, bound=None, status=200):
    form = PageForm(request.GET)
    page_token = form.cleaned_data["page"] if form.is_valid() else None
    page = selectors.emergency_review_page_get(
        actor=request.actor, audit=request.audit, page_token=page_token or None
    )
    context = {
        **admin.site.each_context(request),
        "title": "Emergency access",
        "page": page,
        "overdue_hours": REVIEW_OVERDUE_HOURS,
        "review_form": GrantReviewForm(),
        "bound": bound,
    }
    return render(request, "admin/patients/emergency_review.html", context, status=status)


@require_POST
def emergency_access_record_review(request):
    form = GrantReviewForm(request.POST)
    if not form.is_valid():
        return _review_page(request, bound=form, status=400)
    try:
        services.emergency_grant_review(actor=request.actor, audit=request.audit, **form.cleaned_data)
    except services.GrantAlreadyReviewed:
        messages.warning(
            request, "Another administrator recorded a review of that grant first; theirs is kept."
        )
    except GrantNotFound:
        messages.error(request, "That grant was not found; nothing was recorded.")
    else:
        messages.success(request, "Your review is recorded.")
    return redirect("admin:" + REVIEW)


def emergency_urls(site):
    return [
        path("patients/emergency-access/", site.admin_view(emergency_access_review), name=REVIEW),
        path(
            "patients/emergency-access/review/",
            site.admin_view(emergency_access_record_review),
            name=RECORD_REVIEW,
        ),
    ]


def _waiting() -> str:
    count = selectors.emergency_overdue_count()
    return f"{count} waiting for review over {REVIEW_OVERDUE_HOURS} hours" if count else ""


admin.site.register_section(
    RecordSection(
        app_label="patients",
        app_name="Patients",
        name="Emergency access",
        object_name="EmergencyGrant",
        list_url_name=REVIEW,
        urls=emergency_urls,
        badge=_waiting,
    )
)
