"""Django's own tables only. People are mirrored from Cognito by their `sub`
(the username); no PHI is kept here."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from medisecure.identity.roles import Role


class User(AbstractUser):
    role = models.CharField(
        max_length=16,
        blank=True,
        choices=[(role.value, role.value.title()) for role in Role],
        help_text="Set from the Cognito groups at every sign-in.",
    )

    class Meta:
        db_table = "medisecure_user"

    def get_short_name(self):
        # The username is an opaque Cognito sub; greet people by email.
        return self.email or self.username

    @property
    def role_enum(self) -> Role | None:
        return Role(self.role) if self.role else None
