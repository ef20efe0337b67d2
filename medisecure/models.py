"""Django's own tables only. People are mirrored from Cognito by their `sub`
(the username); no PHI is kept here."""

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models

from medisecure.identity.roles import Role


class User(AbstractUser):
    role = models.CharField(
        max_length=16,
        blank=True,
        choices=[(role.value, role.value.title()) for role in Role],
        help_text="Set from the Cognito groups at every sign-in and re-check.",
    )

    class Meta:
        db_table = "medisecure_user"

    def get_short_name(self):
        # The username is an opaque Cognito sub; greet people by email.
        return self.email or self.username

    @property
    def role_enum(self) -> Role | None:
        return Role(self.role) if self.role else None

    @property
    def pool_username(self) -> str:
        """The name the user pool knows them by: their sub, whatever their
        email has become (the pool signs in by email; its usernames are subs)."""
        return self.username


class PortalSession(AbstractBaseSession):
    """A portal session (medisecure.sessions), indexed by its user so every
    session of a person can be ended at once."""

    user_pk = models.BigIntegerField(null=True, db_index=True)

    class Meta:
        db_table = "medisecure_session"
