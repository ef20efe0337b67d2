"""Clinician applications in the Django admin.

The applications live in DynamoDB, not the SQL database, so these are admin
views of our own registered on the project's admin site (which checks the
admin role before any of them runs), rendered with the admin's templates,
breadcrumbs and messages."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinicians.applications import selectors, services
from clinicians.applications.domain import (
    APPROVE,
    APPROVED,
    APPROVING,
    DECISION_LABELS,
    DECISION_REFUSALS,
    NEEDS_INFORMATION,
    NOTE_REQUIRED,
    REJECT,
    REJECTED,
    REQUEST_INFORMATION,
    STATUS_LABELS,
    AccountHasAnotherRole,
    AlreadyDecided,
    Application,
    ApprovalUnfinished,
    Decided,
    NoEmailToResend,
)
from clinicians.applications.forms import ApplicationListForm, BulkActionForm, BulkDecisionForm, DecisionForm
from medisecure.admin_sections import RecordSection

LIST = "clinicians_application_changelist"
DETAIL = "clinicians_application_change"
SCAN = "clinicians_application_scan"
DECIDE = "clinicians_application_decide"
DECIDE_SELECTED = "clinicians_application_decide_selected"
RESEND_EMAIL = "clinicians_application_resend_email"
SECTION_TITLE = "Clinician applications"
BULK_PHRASES = {
    APPROVE: "approve these applications",
    REJECT: "reject these applications",
    REQUEST_INFORMATION: "ask these applicants for more information",
}
TIME_FORMAT = "j M Y, H:i"


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), TIME_FORMAT) if moment else "an unknown time"


def _context(request, **values) -> dict:
    return {**admin.site.each_context(request), "section_title": SECTION_TITLE, **values}


# --- Messages ------------------------------------------------------------------


def already_decided_message(application: Application) -> str:
    """What a second admin sees when someone else decided first."""
    reference = application.application_id
    if not application.decided_by_email:
        return f"{reference} changed since you opened it. Nothing was changed; review it again."
    state = "approval under way" if application.status == APPROVING else application.status_label.lower()
    return (
        f"{reference} was already decided by {application.decided_by_email} at "
        f"{_when(application.decided)} ({state}). Nothing was changed."
    )


def _refusal_message(refused: Exception, reference: str) -> str:
    if isinstance(refused, AlreadyDecided):
        return already_decided_message(refused.application)
    if isinstance(refused, ApprovalUnfinished):
        return (
            f"The approval of {reference} did not finish because an AWS service could not be reached. "
            "Nothing was duplicated: approve it again to finish."
        )
    if isinstance(refused, AccountHasAnotherRole):
        return (
            f"{reference} was not approved: its email address already signs in as a {refused.role}, and an "
            "account holds one role. Ask the applicant to apply with another email address, or reject it."
        )
    return f"{reference} no longer exists."


def _decided_message(decided: Decided) -> tuple[int, str]:
    application = decided.application
    reference, email = application.application_id, application.email
    if application.status == APPROVED:
        return messages.SUCCESS, (
            f"{reference} approved: {application.full_name} can sign in as a doctor. "
            f"Their sign-in details were emailed to {email}."
        )
    done = "rejected" if application.status == REJECTED else "marked as needing information"
    if not decided.emailed:
        return messages.WARNING, (
            f"{reference} {done}, but the email to the applicant could not be sent. "
            f"Send it again from the application's page, or contact them at {email} with your message."
        )
    return messages.SUCCESS, f"{reference} {done}. Your message was emailed to {email}."


def _report(request, decided: Decided) -> None:
    level, text = _decided_message(decided)
    messages.add_message(request, level, text)


# --- The list ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def application_list(request):
    if request.method == "POST":
        return _confirm_selected(request)
    form = ApplicationListForm(request.GET)
    if not form.is_valid():
        messages.error(request, "That filter or search could not be used; showing pending applications.")
        return redirect(f"admin:{LIST}")
    listing = selectors.applications_list(
        actor=request.actor,
        status=form.cleaned_data["status"],
        search=form.cleaned_data["q"],
        page_token=form.cleaned_data["page"] or None,
    )
    return render(
        request,
        "admin/clinicians/application_list.html",
        _context(
            request,
            title=SECTION_TITLE,
            listing=listing,
            statuses=list(STATUS_LABELS.items()),
            status_label=STATUS_LABELS[listing.status],
            action_form=BulkActionForm(),
            first_page=bool(form.cleaned_data["page"]),
        ),
    )


def _confirm_selected(request):
    """The action bar was used: show what the decision will touch and ask for
    the message the applicants will receive."""
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        errors = form.errors.get("selected") or ["Choose an action."]
        messages.warning(request, errors[0])
        return redirect(request.get_full_path())
    applications = selectors.applications_for_decision(
        actor=request.actor, application_ids=form.cleaned_data["selected"]
    )
    decision = form.cleaned_data["action"]
    confirm = BulkDecisionForm(
        initial={
            "decision": decision,
            "items": " ".join(f"{a.application_id}@{a.version}" for a in applications),
        }
    )
    return _render_confirmation(request, decision, applications, confirm)


def _render_confirmation(request, decision, applications, form):
    return render(
        request,
        "admin/clinicians/application_decide_selected.html",
        _context(
            request,
            title=f"{DECISION_LABELS[decision]}: {len(applications)} application{'s' if len(applications) != 1 else ''}",
            decision=decision,
            decision_label=DECISION_LABELS[decision],
            decision_phrase=BULK_PHRASES[decision],
            needs_note=decision in NOTE_REQUIRED,
            applications=applications,
            undecidable=[a for a in applications if not a.allows(decision)],
            form=form,
        ),
    )


@require_POST
def decide_selected(request):
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        versions = form.cleaned_data.get("items")
        decision = form.cleaned_data.get("decision")
        if not versions or not decision:
            messages.error(request, "Select applications from the list, then choose an action.")
            return redirect(f"admin:{LIST}")
        applications = selectors.applications_for_decision(
            actor=request.actor, application_ids=list(versions)
        )
        return _render_confirmation(request, decision, applications, form)
    outcomes = services.applications_decide(
        actor=request.actor,
        audit=request.audit,
        actor_email=request.user.email,
        decision=form.cleaned_data["decision"],
        versions=form.cleaned_data["items"],
        note=form.cleaned_data["note"].strip(),
    )
    for outcome in outcomes:
        if outcome.decided:
            _report(request, outcome.decided)
        else:
            messages.error(request, _refusal_message(outcome.refused, outcome.application_id))
    return redirect(f"admin:{LIST}")


# --- One application -----------------------------------------------------------


def _render_detail(request, application: Application, form: DecisionForm):
    return render(
        request,
        "admin/clinicians/application_detail.html",
        _context(
            request,
            title=f"{application.full_name} ({application.application_id})",
            application=application,
            form=form,
            can_approve=application.allows(APPROVE),
            can_reject=application.allows(REJECT),
            can_resend_email=application.status in (REJECTED, NEEDS_INFORMATION),
            status_label=STATUS_LABELS,
        ),
    )


@require_GET
def application_detail(request, application_id: str):
    application = selectors.application_get(
        actor=request.actor, audit=request.audit, application_id=application_id
    )
    return _render_detail(request, application, DecisionForm(initial={"version": application.version}))


@require_POST
def application_decide(request, application_id: str):
    form = DecisionForm(request.POST)
    if not form.is_valid():
        application = selectors.application_get(
            actor=request.actor, audit=request.audit, application_id=application_id
        )
        return _render_detail(request, application, form)
    try:
        decided = services.application_decide(
            actor=request.actor,
            audit=request.audit,
            actor_email=request.user.email,
            application_id=application_id,
            decision=form.cleaned_data["decision"],
            expected_version=form.cleaned_data["version"],
            note=form.cleaned_data["note"].strip(),
        )
    except DECISION_REFUSALS as refused:
        messages.error(request, _refusal_message(refused, application_id))
    else:
        _report(request, decided)
    return redirect(f"admin:{DETAIL}", application_id=application_id)


@require_POST
def application_resend_email(request, application_id: str):
    try:
        resent = services.application_decision_email_resend(
            actor=request.actor, audit=request.audit, application_id=application_id
        )
    except NoEmailToResend:
        messages.error(request, f"{application_id} has no decision email to send again.")
    else:
        if resent.emailed:
            messages.success(
                request, f"The decision on {application_id} was emailed again to {resent.application.email}."
            )
        else:
            messages.warning(
                request,
                f"The email to {resent.application.email} could not be sent again: the mail service is not "
                "answering. Nothing else changed; try again in a few minutes.",
            )
    return redirect(f"admin:{DETAIL}", application_id=application_id)


@require_GET
def application_scan(request, application_id: str):
    """Issues the presigned link only now, after the admin check and the audit
    event, and sends the browser to it."""
    return redirect(
        selectors.application_scan_url(
            actor=request.actor, audit=request.audit, application_id=application_id
        )
    )


def application_urls(site) -> list:
    return [
        path("clinicians/application/", site.admin_view(application_list), name=LIST),
        path(
            "clinicians/application/decide-selected/", site.admin_view(decide_selected), name=DECIDE_SELECTED
        ),
        path(
            "clinicians/application/<str:application_id>/", site.admin_view(application_detail), name=DETAIL
        ),
        path(
            "clinicians/application/<str:application_id>/licence-scan/",
            site.admin_view(application_scan),
            name=SCAN,
        ),
        path(
            "clinicians/application/<str:application_id>/decide/",
            site.admin_view(application_decide),
            name=DECIDE,
        ),
        path(
            "clinicians/application/<str:application_id>/resend-email/",
            site.admin_view(application_resend_email),
            name=RESEND_EMAIL,
        ),
    ]


admin.site.register_section(
    RecordSection(
        app_label="clinicians",
        app_name="Clinicians",
        name=SECTION_TITLE,
        object_name="ClinicianApplication",
        list_url_name=LIST,
        urls=application_urls,
    )
)
