"""What an admin may do to a person's access, and the refusals. Every action
is a short sequence of steps each safe to repeat, ordered so that one cut
short leaves the person with less access, never more, and running it again
finishes it."""

from __future__ import annotations

from medisecure.errors import DomainError, Forbidden, NotFound

DISABLE = "disable"
ENABLE = "enable"
CHANGE_ROLE = "change_role"
RESET_MFA = "reset_mfa"
RESET_PASSWORD = "reset_password"
RESEND_INVITATION = "resend_invitation"

ACTION_LABELS = {
    DISABLE: "Disable: sign them out everywhere and refuse their sign-in",
    ENABLE: "Enable: let them sign in again",
    CHANGE_ROLE: "Change their role",
    RESET_MFA: "Reset two-step sign-in: they set up their authenticator again",
    RESET_PASSWORD: "Reset their password: signed out everywhere, they choose a new one with an emailed code",
}
# The audit action of each, as the trail names it.
AUDIT_ACTIONS = {
    DISABLE: "person.disable",
    ENABLE: "person.enable",
    CHANGE_ROLE: "person.role_change",
    RESET_MFA: "person.mfa_reset",
    RESET_PASSWORD: "person.password_reset",
    RESEND_INVITATION: "person.invitation_resend",
}
REASON_MAX_LENGTH = 500
# A Cognito user who has not yet chosen their own password.
FORCE_CHANGE_PASSWORD = "FORCE_CHANGE_PASSWORD"


class PeopleAdminRefused(Forbidden):
    """Only an admin changes someone's access."""


class PersonNotFound(NotFound):
    """No such person."""


class OwnAccount(DomainError):
    """An admin does not disable, or change the role of, their own account
    (another admin does): the clinic is never left without one by mistake."""


class ReasonMissing(DomainError):
    """Every change of someone's access says why."""


class NotInvitable(DomainError):
    """The person has already chosen their password: there is no invitation
    to send again (reset their password in the sign-in service instead)."""


class ActionUnfinished(DomainError):
    """Cognito could not be reached part-way; what was done stays done (and
    errs on the side of less access). Doing the same again finishes it."""

    def __init__(self, step: str):
        super().__init__(step)
        self.step = step
