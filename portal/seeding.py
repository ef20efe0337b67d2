"""Seeding people: the demo cast for the local stack, or one real user (an
operator creating the first admin of a new pool). Safe to run again: what
exists is kept, what is missing is made.

The web shell may write through the rooms' repositories, and does so for the
patient and provider records (no room has a service that creates one
outside its sign-up or approval flow); the rest goes through the rooms'
faces."""

from __future__ import annotations

from dataclasses import dataclass

from audit.domain import ALLOWED
from audit.services import audit_record
from clinicians import repository as providers
from clinicians.domain import Provider
from medisecure import clock
from medisecure.identity import cognito
from medisecure.identity.actors import NO_REQUEST, Actor
from medisecure.identity.roles import Role
from medisecure.passwords import generate_password, policy_violations
from medisecure.unit_of_work import Transaction
from patients import repository as patients
from patients.care_team.services import AlreadyInCareTeam, care_team_link_add
from patients.domain import Patient
from patients.selectors import patient_get

SEEDER = Actor(user_id="system:seed_users", role="operator")


@dataclass(frozen=True)
class SeedPerson:
    email: str
    role: Role
    given_name: str
    family_name: str
    date_of_birth: str = ""
    specialty: str = ""
    phone: str = ""  # E.164
    postal_code: str = ""


DEMO_CAST = (
    SeedPerson("admin@medisecure.test", Role.ADMIN, "Ada", "Admin"),
    SeedPerson("doctor@medisecure.test", Role.DOCTOR, "Casey", "Sample", specialty="Family medicine"),
    SeedPerson(
        "patient@medisecure.test",
        Role.PATIENT,
        "Jordan",
        "Example",
        date_of_birth="1985-04-12",
        phone="+12125550147",
        postal_code="10001",
    ),
    SeedPerson("marketer@medisecure.test", Role.MARKETER, "Morgan", "Market"),
    SeedPerson("frontdesk@medisecure.test", Role.FRONTDESK, "Frankie", "Desk"),
)


@dataclass(frozen=True)
class SeedResult:
    email: str
    role: Role
    sub: str
    created: bool


def user_seed(*, person: SeedPerson, password: str | None, invite: bool = False) -> SeedResult:
    """Make sure `person` can sign in with `role`: the Cognito user (permanent
    password and verified email, or an emailed invitation), the group, and
    the patient or provider record that goes with the role."""
    password = None if invite else (password or generate_password())
    if password is not None and policy_violations(password):
        raise PasswordRefused(policy_violations(password))
    existing = cognito.get_pool_user(person.email)
    created = existing is None
    if created:
        pool_user = cognito.create_pool_user(
            email=person.email,
            given_name=person.given_name,
            family_name=person.family_name,
            suppress_message=not invite,
        )
    else:
        pool_user = existing
    # A run cut short after creating the user left it without a password:
    # this run finishes the job.
    if password is not None and (created or pool_user.status == "FORCE_CHANGE_PASSWORD"):
        cognito.set_permanent_password(person.email, password)
    if person.role.value not in cognito.groups_of(person.email):
        cognito.add_to_group(person.email, person.role.value)
    _ensure_domain_record(person, pool_user.sub)
    if created:
        audit_record(
            actor=SEEDER,
            audit=NO_REQUEST,
            action="user.seed",
            outcome=ALLOWED,
            resource_type="user",
            resource_id=pool_user.sub,
            detail={"role": person.role.value},
        )
    return SeedResult(email=person.email, role=person.role, sub=pool_user.sub, created=created)


def _ensure_domain_record(person: SeedPerson, sub: str) -> None:
    now = clock.stamp()
    if person.role is Role.PATIENT:
        patient = Patient(
            patient_id=sub,
            email=person.email,
            given_name=person.given_name,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            phone=person.phone,
            postal_code=person.postal_code,
            created_at=now,
        )
        try:
            patients.add(patient)
        except patients.PatientExists:
            pass
    elif person.role is Role.DOCTOR:
        provider = Provider(
            provider_id=sub,
            email=person.email,
            given_name=person.given_name,
            family_name=person.family_name,
            specialty=person.specialty or "Family medicine",
            created_at=now,
        )
        try:
            providers.add(provider)
        except providers.ProviderExists:
            pass


def demo_cast_seed(*, password: str) -> list[SeedResult]:
    results = [user_seed(person=person, password=password) for person in DEMO_CAST]
    by_role = {result.role: result for result in results}
    patient = patient_get(patient_id=by_role[Role.PATIENT].sub)
    assert patient is not None  # user_seed made it
    tx = Transaction()
    care_team_link_add(
        tx=tx,
        patient=patient,
        provider_id=by_role[Role.DOCTOR].sub,
        since=clock.stamp(),
        reason="Demo: registered doctor",
    )
    try:
        tx.commit()
    except AlreadyInCareTeam:
        pass  # seeded before: the first link keeps its date
    return results


class PasswordRefused(Exception):
    def __init__(self, violations: list[str]):
        super().__init__(" ".join(violations))
        self.violations = violations
