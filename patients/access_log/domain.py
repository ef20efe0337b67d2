"""The statement of who has looked at a patient's record: the audit trail's
events about the patient, said in plain words and gathered so a person can
read it like a bank statement rather than a log. Plain data and rules only:
the selector reads the events and the people, and hands them here.

- Each line names the person and how they stand to the patient ("Dr Casey
  Sample, your doctor"); only staff are named (doctors, from the providers
  table), everyone else by their role; the patient's own visits are "You"
  and kept in a list of their own.
- Repeated events of one kind by one person on one clinic day become one
  line with a count ("viewed your chart 4 times on Tue 2 Dec").
- A refusal reads as an attempt ("tried to open your chart, and was
  refused"); emergency access (taking the grant, and every read made under
  it) is marked as such, and the grant says whether a reason was given.
- Notifications the clinic sent (emails) are not looks at the record and
  are left out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext, gettext_noop

from audit.domain import ALLOWED, AuditEvent
from clinicians.domain import Provider
from patients.emergency.domain import EmergencyGrant

EMERGENCY_GRANT_ACTION = "emergency.grant"

# Each audited action as (what was done, what was tried), to follow a name;
# whole phrases, so a language can say each its own way.
ACCESS_PHRASES = {
    "chart.read": (gettext_noop("viewed your chart"), gettext_noop("tried to open your chart")),
    "chart.access": (gettext_noop("opened your chart"), gettext_noop("tried to open your chart")),
    "chart.history.read": (gettext_noop("read your history"), gettext_noop("tried to read your history")),
    "chart.entry.read": (
        gettext_noop("read an entry in your record"),
        gettext_noop("tried to read an entry in your record"),
    ),
    "chart.entry.add": (gettext_noop("added to your record"), gettext_noop("tried to add to your record")),
    "chart.entry.amend": (
        gettext_noop("corrected an entry in your record"),
        gettext_noop("tried to correct an entry in your record"),
    ),
    "chart.entry.addendum": (
        gettext_noop("added a note to an entry in your record"),
        gettext_noop("tried to add a note to an entry in your record"),
    ),
    EMERGENCY_GRANT_ACTION: (
        gettext_noop("took emergency access to your chart"),
        gettext_noop("tried to take emergency access to your chart"),
    ),
    "record.read": (gettext_noop("read your record"), gettext_noop("tried to read your record")),
    "record.download": (
        gettext_noop("downloaded your record"),
        gettext_noop("tried to download your record"),
    ),
    "visit_summary.read": (
        gettext_noop("read the summary of a visit"),
        gettext_noop("tried to read the summary of a visit"),
    ),
    "record.access_log.read": (
        gettext_noop("looked at this statement"),
        gettext_noop("tried to look at this statement"),
    ),
    "patient.home.read": (
        gettext_noop("opened your home page"),
        gettext_noop("tried to open your home page"),
    ),
    "patient.profile.read": (gettext_noop("read your profile"), gettext_noop("tried to read your profile")),
    "patient.profile.update": (
        gettext_noop("changed your profile"),
        gettext_noop("tried to change your profile"),
    ),
    "patient.read": (gettext_noop("looked up your details"), gettext_noop("tried to look up your details")),
    "patient.desk_read": (
        gettext_noop("looked up your details at the front desk"),
        gettext_noop("tried to look up your details"),
    ),
    "careteam.read": (
        gettext_noop("looked at your care team"),
        gettext_noop("tried to look at your care team"),
    ),
    "careteam.add": (
        gettext_noop("added a doctor to your care team"),
        gettext_noop("tried to add a doctor to your care team"),
    ),
    "careteam.remove": (
        gettext_noop("removed a doctor from your care team"),
        gettext_noop("tried to remove a doctor from your care team"),
    ),
    "appointment.read": (
        gettext_noop("looked at an appointment"),
        gettext_noop("tried to look at an appointment"),
    ),
    "appointment.list": (
        gettext_noop("looked at your appointments"),
        gettext_noop("tried to look at your appointments"),
    ),
    "appointment.book": (gettext_noop("booked an appointment"), gettext_noop("tried to book an appointment")),
    "appointment.overbook": (
        gettext_noop("booked an extra appointment"),
        gettext_noop("tried to book an extra appointment"),
    ),
    "appointment.reschedule": (
        gettext_noop("moved an appointment"),
        gettext_noop("tried to move an appointment"),
    ),
    "appointment.cancel": (
        gettext_noop("cancelled an appointment"),
        gettext_noop("tried to cancel an appointment"),
    ),
    "appointment.ics": (
        gettext_noop("downloaded an appointment's calendar file"),
        gettext_noop("tried to download a calendar file"),
    ),
    "appointment.arrived": (
        gettext_noop("marked you as arrived"),
        gettext_noop("tried to mark you as arrived"),
    ),
    "appointment.complete": (
        gettext_noop("marked a visit completed"),
        gettext_noop("tried to mark a visit completed"),
    ),
    "appointment.no_show": (
        gettext_noop("marked a visit as missed"),
        gettext_noop("tried to mark a visit as missed"),
    ),
    "document.list": (
        gettext_noop("looked at your documents"),
        gettext_noop("tried to look at your documents"),
    ),
    "document.download": (gettext_noop("opened a document"), gettext_noop("tried to open a document")),
    "document.pdf": (gettext_noop("opened a document"), gettext_noop("tried to open a document")),
    "document.upload": (gettext_noop("added a document"), gettext_noop("tried to add a document")),
    "message.thread.read": (
        gettext_noop("read a message thread"),
        gettext_noop("tried to read a message thread"),
    ),
    "message.thread.access": (
        gettext_noop("opened a message thread"),
        gettext_noop("tried to open a message thread"),
    ),
    "message.send": (gettext_noop("sent a message"), gettext_noop("tried to send a message")),
    "message.reply": (gettext_noop("replied to a message"), gettext_noop("tried to reply to a message")),
    "message.thread.close": (
        gettext_noop("closed a message thread"),
        gettext_noop("tried to close a message thread"),
    ),
    "result.list": (gettext_noop("looked at your results"), gettext_noop("tried to look at your results")),
    "result.read": (gettext_noop("opened a result"), gettext_noop("tried to open a result")),
    "result.review": (gettext_noop("reviewed a result"), gettext_noop("tried to review a result")),
}
OTHER_ACCESS = (
    gettext_noop("did something else with your record"),
    gettext_noop("tried to reach your record"),
)

# Messages the clinic sent about the record, not looks at it.
NOT_ACCESSES = frozenset(
    {
        "emergency.notify",
        "emergency.notify_patient",
        "appointment.confirmation_send",
        "appointment.reminder",
    }
)

# Who someone is when they are not named: only doctors' names are kept in
# DynamoDB (the providers table); the rest of the staff are named by role.
ROLE_NAMES = {
    "admin": gettext_noop("A clinic administrator"),
    "frontdesk": gettext_noop("Someone at the front desk"),
    "operator": gettext_noop("The clinic's system"),
    "marketer": gettext_noop("Someone at the clinic"),
}
SOMEONE = gettext_noop("Someone at the clinic")
YOUR_DOCTOR = gettext_noop("your doctor")
OTHER_DOCTOR = gettext_noop("a doctor outside your care team")
A_DOCTOR = gettext_noop("A doctor at the clinic")


@dataclass(frozen=True)
class Person:
    """How the statement names someone: "Dr Casey Sample", "your doctor"."""

    name: str
    relation: str = ""
    # A name in words of the portal's (a role, "You"), said in the page's
    # language; a doctor's name is theirs.
    worded: bool = False

    @property
    def shown_name(self) -> str:
        return gettext(self.name) if self.worded else self.name

    @property
    def shown_relation(self) -> str:
        return gettext(self.relation) if self.relation else ""


YOU = Person(gettext_noop("You"), worded=True)


@dataclass(frozen=True)
class StatementPeople:
    """What the statement's page read about the people its events name."""

    patient_id: str
    doctors: dict[str, Provider]
    care_team: set[str]  # the doctors (of `doctors`) in the patient's care team now
    grants: dict[tuple[str, str], EmergencyGrant]  # by (doctor id, granted at)

    def person(self, event: AuditEvent) -> Person:
        if event.user_id == self.patient_id:
            return YOU
        doctor = self.doctors.get(event.user_id) if event.role == "doctor" else None
        if doctor is not None:
            relation = YOUR_DOCTOR if event.user_id in self.care_team else OTHER_DOCTOR
            return Person(doctor.display_name, relation)
        if event.role == "doctor":
            return Person(A_DOCTOR, worded=True)
        return Person(ROLE_NAMES.get(event.role, SOMEONE), worded=True)

    def reason_given(self, event: AuditEvent) -> bool | None:
        """Whether the grant's reason was stated; None if its record is gone."""
        grant = self.grants.get((event.user_id, event.resource_id))
        return bool(grant.reason.strip()) if grant is not None else None


@dataclass
class StatementLine:
    """Some events of one kind, by one person, on one clinic day, newest first."""

    who: Person
    action: str
    refused: bool
    emergency: bool
    day: date
    moments: list[str] = field(default_factory=list)  # clock.stamps, newest first
    reason_given: bool | None = None  # for taking emergency access: whether a reason was stated

    @property
    def what(self) -> str:
        done, tried = ACCESS_PHRASES.get(self.action, OTHER_ACCESS)
        return gettext(tried) if self.refused else gettext(done)

    @property
    def count(self) -> int:
        return len(self.moments)

    @property
    def latest(self) -> str:
        return self.moments[0]

    @property
    def earliest(self) -> str:
        return self.moments[-1]

    @property
    def is_grant(self) -> bool:
        return self.action == EMERGENCY_GRANT_ACTION and not self.refused


@dataclass(frozen=True)
class AccessPeriod:
    """The clinic days a statement covers; None at either end: unbounded."""

    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class AccessStatement:
    """One page of the statement: what others did, and the patient's own visits."""

    period: AccessPeriod
    others: list[StatementLine]
    own: list[StatementLine]
    next_page: str | None

    @property
    def emergencies(self) -> int:
        return sum(line.count for line in self.others if line.emergency)


def is_emergency(event: AuditEvent) -> bool:
    return (
        event.action == EMERGENCY_GRANT_ACTION
        or event.detail.get("access") == "emergency"
        or bool(event.detail.get("under_emergency"))
    )


def statement_lines(
    events: Iterable[AuditEvent],
    *,
    person_of: Callable[[AuditEvent], Person],
    day_of: Callable[[str], date],
    reason_given: Callable[[AuditEvent], bool | None],
) -> list[StatementLine]:
    """The events (newest first) gathered into lines, each placed where its
    newest event falls. Taking emergency access is never gathered: each
    grant is a line of its own, with whether its reason was given."""
    lines: list[StatementLine] = []
    gathered: dict[tuple, StatementLine] = {}
    for event in events:
        if event.action in NOT_ACCESSES:
            continue
        refused = event.outcome != ALLOWED
        emergency = is_emergency(event)
        day = day_of(event.timestamp)
        key = (event.user_id, event.role, event.action, refused, emergency, day)
        line = None if event.action == EMERGENCY_GRANT_ACTION else gathered.get(key)
        if line is None:
            line = StatementLine(
                who=person_of(event),
                action=event.action,
                refused=refused,
                emergency=emergency,
                day=day,
                reason_given=reason_given(event) if event.action == EMERGENCY_GRANT_ACTION else None,
            )
            gathered[key] = line
            lines.append(line)
        line.moments.append(event.timestamp)
    return lines
