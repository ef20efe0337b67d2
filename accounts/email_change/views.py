"""The signed-in person's change of email address: the new address, then
the code sent to it. The pending address is kept in the person's
server-side session between the two pages."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.email_change import services
from accounts.email_change.domain import (
    AddressTaken,
    EmailCodeRefused,
    PendingEmailChange,
    SameAddress,
    SignInAgain,
)
from accounts.email_change.forms import EmailCodeForm, NewEmailForm
from medisecure import rate_limits
from medisecure.identity.access import signed_in
from medisecure.identity.session_keys import ACCESS_TOKEN, EMAIL_CHANGE_PENDING

SAME_ADDRESS = _("That is the address your account has now. Enter the new one.")
ADDRESS_TAKEN = _(
    "That address is already used by another account. Nothing was changed: enter a different one."
)
ADDRESS_TAKEN_SINCE = _(
    "That address is now used by another account, so it cannot become yours. "
    "Nothing was changed: ask again with a different address."
)
CODE_REFUSED = _(
    "That code is not right, or it is no longer valid. Check the latest email we sent "
    "to your new address, or ask for a new code."
)

SIGN_IN_AGAIN = _(
    "Your sign-in is too old to finish this change, and nothing was changed. "
    "Sign out, sign in again, then ask for a new code."
)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _too_many(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return ngettext(
        "You have asked for several changes in a short time. Nothing was sent. Please try again in a minute.",
        "You have asked for several changes in a short time. Nothing was sent. "
        "Please try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


@signed_in
@require_http_methods(["GET", "POST"])
def change_email(request):
    form = NewEmailForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            pending = services.email_change_request(
                actor=request.actor,
                audit=request.audit,
                person=request.user,
                new_email=form.cleaned_data["email"],
            )
        except SameAddress:
            form.add_error("email", SAME_ADDRESS)
        except AddressTaken:
            form.add_error("email", ADDRESS_TAKEN)
        except rate_limits.RateLimited as limited:
            form.add_error(None, _too_many(limited.retry_after_seconds))
            page = render(request, "accounts/email_change/change_email.html", {"form": form})
            return rate_limits.too_many_attempts(page, retry_after_seconds=limited.retry_after_seconds)
        else:
            request.session[EMAIL_CHANGE_PENDING] = pending.as_session()
            return redirect("email_change:verify_email")
    return render(request, "accounts/email_change/change_email.html", {"form": form})


@signed_in
@require_http_methods(["GET", "POST"])
def verify_email(request):
    pending = PendingEmailChange.from_session(request.session.get(EMAIL_CHANGE_PENDING))
    if pending is None:
        return redirect("email_change:change_email")
    form = EmailCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.email_change_verify(
                actor=request.actor,
                audit=request.audit,
                person=request.user,
                access_token=request.session.get(ACCESS_TOKEN, ""),
                pending=pending,
                code=form.cleaned_data["code"],
            )
        except EmailCodeRefused:
            form.add_error("code", CODE_REFUSED)
        except AddressTaken:
            # Taken since the code was sent: this change cannot finish; the
            # first page asks for another address.
            request.session.pop(EMAIL_CHANGE_PENDING, None)
            form.add_error(None, ADDRESS_TAKEN_SINCE)
        except SignInAgain:
            form.add_error(None, SIGN_IN_AGAIN)
        else:
            request.session.pop(EMAIL_CHANGE_PENDING, None)
            return redirect("email_change:email_changed")
    context = {"form": form, "new_email": pending.email}
    return render(request, "accounts/email_change/verify_email.html", context)


@signed_in
@require_GET
def email_changed(request):
    return render(request, "accounts/email_change/email_changed.html")
