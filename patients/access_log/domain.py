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

from audit.domain import ALLOWED, AuditEvent
from clinicians.domain import Provider
from patients.emergency.domain import EmergencyGrant

EMERGENCY_GRANT_ACTION = "emergency.grant"

# Each audited action as (what was done, what was tried), to follow a name.
ACCESS_PHRASES = {
    "chart.read": ("viewed your chart", "open your chart"),
    "chart.access": ("opened your chart", "open your chart"),
    "chart.history.read": ("read your history", "read your history"),
    "chart.entry.read": ("read an entry in your record", "read an entry in your record"),
    "chart.entry.add": ("added to your record", "add to your record"),
    "chart.entry.amend": ("corrected an entry in your record", "correct an entry in your record"),
    "chart.entry.addendum": (
        "added a note to an entry in your record",
        "add a note to an entry in your record",
    ),
    EMERGENCY_GRANT_ACTION: ("took emergency access to your chart", "take emergency access to your chart"),
    "record.read": ("read your record", "read your record"),
    "record.download": ("downloaded your record", "download your record"),
    "visit_summary.read": ("read the summary of a visit", "read the summary of a visit"),
    "record.access_log.read": ("looked at this statement", "look at this statement"),
    "patient.home.read": ("opened your home page", "open your home page"),
    "patient.profile.read": ("read your profile", "read your profile"),
    "patient.profile.update": ("changed your profile", "change your profile"),
    "patient.read": ("looked up your details", "look up your details"),
    "patient.desk_read": ("looked up your details at the front desk", "look up your details"),
    "careteam.read": ("looked at your care team", "look at your care team"),
    "careteam.add": ("added a doctor to your care team", "add a doctor to your care team"),
    "careteam.remove": ("removed a doctor from your care team", "remove a doctor from your care team"),
    "appointment.read": ("looked at an appointment", "look at an appointment"),
    "appointment.list": ("looked at your appointments", "look at your appointments"),
    "appointment.book": ("booked an appointment", "book an appointment"),
    "appointment.overbook": ("booked an extra appointment", "book an extra appointment"),
    "appointment.reschedule": ("moved an appointment", "move an appointment"),
    "appointment.cancel": ("cancelled an appointment", "cancel an appointment"),
    "appointment.ics": ("downloaded an appointment's calendar file", "download a calendar file"),
    "appointment.arrived": ("marked you as arrived", "mark you as arrived"),
    "appointment.complete": ("marked a visit completed", "mark a visit completed"),
    "appointment.no_show": ("marked a visit as missed", "mark a visit as missed"),
    "document.list": ("looked at your documents", "look at your documents"),
    "document.download": ("opened a document", "open a document"),
    "document.pdf": ("opened a document", "open a document"),
    "document.upload": ("added a document", "add a document"),
    "message.thread.read": ("read a message thread", "read a message thread"),
    "message.thread.access": ("opened a message thread", "open a message thread"),
    "message.send": ("sent a message", "send a message"),
    "message.reply": ("replied to a message", "reply to a message"),
    "message.thread.close": ("closed a message thread", "close a message thread"),
    "result.list": ("looked at your results", "look at your results"),
    "result.read": ("opened a result", "open a result"),
    "result.review": ("reviewed a result", "review a result"),
}
OTHER_ACCESS = ("did something else with your record", "reach your record")

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
    "admin": "A clinic administrator",
    "frontdesk": "Someone at the front desk",
    "operator": "The clinic's system",
    "marketer": "Someone at the clinic",
}
SOMEONE = "Someone at the clinic"
YOUR_DOCTOR = "your doctor"
OTHER_DOCTOR = "a doctor outside your care team"


@dataclass(frozen=True)
class Person:
    """How the statement names someone: "Dr Casey Sample", "your doctor"."""

    name: str
    relation: str = ""


YOU = Person("You")


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
            return Person("A doctor at the clinic")
        return Person(ROLE_NAMES.get(event.role, SOMEONE))

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
        return f"tried to {tried}" if self.refused else done

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
