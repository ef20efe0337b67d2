"""Which language a person reads the portal in. A signed-out visitor gets the
footer's switch (its cookie) or their browser's Accept-Language, through
Django's LocaleMiddleware; a signed-in person with a stored preference
gets that, kept in their session (set at sign-in and when they change it)
so no page pays a read for it; the clinic's staff read the clinic's
language; an email goes in its recipient's language,
whatever the language of the page that caused it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

from medisecure.identity.roles import Role

# The session key holding a signed-in person's stored preferred language.
SESSION_KEY = "preferred_language"


def supported(code: str | None) -> str:
    """`code` when the portal is written in it, else ""."""
    return code if code in {tag for tag, _ in settings.LANGUAGES} else ""


def remember(session, code: str | None) -> None:
    """Keep a signed-in person's preference for the pages that follow; a
    preference the portal is not written in leaves the browser's choice."""
    if supported(code):
        session[SESSION_KEY] = code
    else:
        session.pop(SESSION_KEY, None)


@contextmanager
def writing_to(code: str | None) -> Iterator[None]:
    """What is rendered inside is in `code` (a recipient's stored preferred
    language) when the portal is written in it, else in the clinic's
    default language: an email to someone who has not chosen goes in the
    clinic's language, not the language of whoever's page sent it."""
    with translation.override(supported(code) or settings.LANGUAGE_CODE):
        yield


@contextmanager
def writing_to_visitor(code: str | None) -> Iterator[None]:
    """Like writing_to, but someone with no stored preference (a sign-up
    in progress) reads the language of the page they are on."""
    with translation.override(supported(code) or translation.get_language() or settings.LANGUAGE_CODE):
        yield


class PreferredLanguageMiddleware:
    """After LocaleMiddleware, the session and the user: a signed-in
    patient's stored preference replaces the browser's choice for the page
    and its headers. The clinic's staff work in the clinic's language: their
    pages are only partly translated, and half a page in Spanish helps no one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        code = ""
        if user is not None and user.is_authenticated:
            is_patient = getattr(user, "role", "") == Role.PATIENT
            code = supported(session.get(SESSION_KEY)) if is_patient and session is not None else ""
            code = code if is_patient else settings.LANGUAGE_CODE
        if code:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)
