"""Secure messages: the patient's inbox, new message and threads
(/patient/messages/), and the doctor's inbox and threads with their
patients (/doctor/messages/). Who may see a thread is decided in the
selectors; the writes and their emails are the services'."""

from __future__ import annotations

from django.contrib import messages as flash
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medisecure.forms import PageForm
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role
from medisecure.rate_limits import too_many_attempts
from patients.messages import selectors, services
from patients.messages.domain import (
    AttachmentNotFound,
    MessageRateLimited,
    RecipientNotFound,
    Sent,
    ThreadClosed,
)
from patients.messages.forms import ComposeForm, ReplyForm

CLOSED = "This conversation is closed, so your reply was not sent. Write a new message instead."


def _page_token(request) -> str | None:
    form = PageForm(request.GET)
    return (form.cleaned_data["page"] if form.is_valid() else None) or None


def _rate_limited_text(limited: MessageRateLimited) -> str:
    minutes = max(1, -(-limited.retry_after_seconds // 60))
    return _(
        "You have sent many messages in the last hour. Nothing was sent. Please try again in %(minutes)s minutes,"
        " or call the clinic."
    ) % {"minutes": minutes}


def _say_sent(request, sent: Sent) -> None:
    if sent.emailed:
        flash.success(request, _("Your message was sent."))
    else:
        flash.warning(
            request,
            _(
                "Your message was sent and is saved here, but we could not email a notification about it. "
                "It will still be seen in the portal."
            ),
        )


# --- The patient's --------------------------------------------------------------------


@role_required(Role.PATIENT)
@require_GET
def inbox(request):
    listing = selectors.message_inbox_list(
        actor=request.actor, audit=request.audit, page_token=_page_token(request)
    )
    return render(request, "patients/messages/inbox.html", {"inbox": listing})


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def compose(request):
    offered = selectors.message_compose_get(actor=request.actor, audit=request.audit)
    form = ComposeForm(request.POST if request.method == "POST" else None, compose=offered)
    status = 200
    if form.is_bound and form.is_valid():
        try:
            sent = services.message_thread_start(
                actor=request.actor,
                audit=request.audit,
                provider_id=form.cleaned_data["doctor"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                document_reference=form.cleaned_data["document"],
            )
        except RecipientNotFound:
            form.add_error("doctor", _("Choose a doctor of your care team from the list."))
        except AttachmentNotFound:
            form.add_error("document", _("Choose one of your documents from the list."))
        except MessageRateLimited as limited:
            form.add_error(None, _rate_limited_text(limited))
            response = render(request, "patients/messages/compose.html", {"form": form, "compose": offered})
            return too_many_attempts(response, retry_after_seconds=limited.retry_after_seconds)
        else:
            _say_sent(request, sent)
            return redirect("messages:thread", sent.thread.thread_id)
    return render(
        request, "patients/messages/compose.html", {"form": form, "compose": offered}, status=status
    )


@role_required(Role.PATIENT)
@require_GET
def thread(request, thread_id: str):
    page = services.message_thread_open(
        actor=request.actor, audit=request.audit, thread_id=thread_id, page_token=_page_token(request)
    )
    return render(request, "patients/messages/thread.html", {"page": page, "form": ReplyForm()})


@role_required(Role.PATIENT)
@require_POST
def reply(request, thread_id: str):
    return _reply(request, thread_id=thread_id)


# --- The doctor's ---------------------------------------------------------------------


@role_required(Role.DOCTOR)
@require_GET
def doctor_inbox(request):
    listing = selectors.message_inbox_list(
        actor=request.actor, audit=request.audit, page_token=_page_token(request)
    )
    return render(request, "patients/messages/inbox.html", {"inbox": listing})


@role_required(Role.DOCTOR)
@require_GET
def doctor_thread(request, patient_id: str, thread_id: str):
    page = services.message_thread_open(
        actor=request.actor,
        audit=request.audit,
        thread_id=thread_id,
        patient_id=patient_id,
        page_token=_page_token(request),
    )
    return render(request, "patients/messages/thread.html", {"page": page, "form": ReplyForm()})


@role_required(Role.DOCTOR)
@require_POST
def doctor_reply(request, patient_id: str, thread_id: str):
    return _reply(request, thread_id=thread_id, patient_id=patient_id)


@role_required(Role.DOCTOR)
@require_POST
def doctor_close(request, patient_id: str, thread_id: str):
    services.message_thread_close(
        actor=request.actor, audit=request.audit, patient_id=patient_id, thread_id=thread_id
    )
    flash.success(request, _("The conversation is closed. The patient can still read it."))
    return redirect("doctor_messages:thread", patient_id, thread_id)


def _reply(request, *, thread_id: str, patient_id: str = ""):
    form = ReplyForm(request.POST)
    back = (
        ("messages:thread", thread_id)
        if not patient_id
        else ("doctor_messages:thread", patient_id, thread_id)
    )
    if form.is_valid():
        try:
            sent = services.message_reply(
                actor=request.actor,
                audit=request.audit,
                thread_id=thread_id,
                patient_id=patient_id,
                body=form.cleaned_data["body"],
            )
        except ThreadClosed:
            flash.error(request, _(CLOSED))
            return redirect(*back)
        except MessageRateLimited as limited:
            form.add_error(None, _rate_limited_text(limited))
            return too_many_attempts(
                _thread_page(request, thread_id, patient_id, form),
                retry_after_seconds=limited.retry_after_seconds,
            )
        _say_sent(request, sent)
        return redirect(*back)
    return _thread_page(request, thread_id, patient_id, form)


def _thread_page(request, thread_id: str, patient_id: str, form: ReplyForm):
    """The thread again with the reply that was refused, and why."""
    page = services.message_thread_open(
        actor=request.actor,
        audit=request.audit,
        thread_id=thread_id,
        patient_id=patient_id,
        page_token=None,
        mark_read=False,
    )
    return render(request, "patients/messages/thread.html", {"page": page, "form": form})
