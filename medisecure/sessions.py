"""The session engine: Django's database sessions, each row marked with the
user it belongs to, so that disabling someone or "sign out everywhere" can
end every one of their sessions (`sessions_end_for`)."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from medisecure.models import PortalSession


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        return PortalSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_pk = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_pk = None
        return session


def sessions_end_for(user_pk: int, *, keep: str = "") -> int:
    """End every portal session of this user (but the one whose key is
    `keep`, if given); how many there were. Safe to repeat."""
    deleted, _ = PortalSession.objects.filter(user_pk=user_pk).exclude(session_key=keep).delete()
    return deleted
