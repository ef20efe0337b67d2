"""What booking answers with: a doctor's free week, the choices a patient
picks from, and the outcomes of booking and changing an appointment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from appointments.choices.domain import Location, VisitType
from appointments.domain import (
    NOT_OFFERED,
    TOO_SHORT,
    WRONG_PLACE,
    Appointment,
    Slot,
    SlotRefused,
    VisitChoice,
    slot_fits,
)
from clinicians.domain import Provider
from medisecure.errors import DomainError

NEAREST_COUNT = 5
# A patient's lists of appointments.
UPCOMING = "upcoming"
CANCELLED_LIST = "cancelled"
PAST = "past"


class SlotTaken(DomainError):
    """Someone else booked the time first (or, with `patient_busy`, the patient
    already has an appointment then). `nearest` are free slots close to it."""

    def __init__(self, *, nearest: list[Slot], patient_busy: bool = False):
        super().__init__("slot taken")
        self.nearest = nearest
        self.patient_busy = patient_busy


class PatientRecordMissing(DomainError):
    """The signed-in patient has no patient record to book for."""


class ChangeTooLate(DomainError):
    """Too close to the start (or no longer booked) for the patient to change it."""


@dataclass(frozen=True)
class DaySlots:
    day: date
    slots: list[Slot]


@dataclass(frozen=True)
class FreeWeek:
    """A doctor's free slots for one week (local dates)."""

    provider: Provider
    week: int  # 0: the week starting today
    days: list[DaySlots]
    last_week: int


@dataclass(frozen=True)
class BookingChoices:
    specialty: str
    doctors: list[Provider]
    next_page: str | None
    schedule: FreeWeek | None
    # The specialties with a doctor who has hours, the specialty's visit
    # types and the clinic's locations, and which were chosen.
    specialties: list[str] = field(default_factory=list)
    visit_types: list[VisitType] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    visit_type: VisitType | None = None
    location: Location | None = None

    @property
    def ready_for_times(self) -> bool:
        """Whether what must be chosen before the times is chosen."""
        return (self.visit_type is not None or not self.visit_types) and (
            self.location is not None or not self.locations
        )


@dataclass(frozen=True)
class SlotOffer:
    provider: Provider
    slot: Slot
    visit: VisitChoice = VisitChoice()
    # It starts within the change cut-off: once booked, the patient could
    # not cancel or move it online, so the page warns before they confirm.
    inside_cutoff: bool = False


@dataclass(frozen=True)
class Booked:
    appointment: Appointment
    emailed: bool


@dataclass(frozen=True)
class AppointmentList:
    appointments: list[Appointment]
    next_page: str | None
    when: str  # UPCOMING (booked), CANCELLED_LIST (upcoming, cancelled) or PAST

    @property
    def past(self) -> bool:
        return self.when == PAST


@dataclass(frozen=True)
class AppointmentDetail:
    appointment: Appointment
    can_change: bool
    join_url: str = ""  # a video visit's link, for the patient and the doctor only


@dataclass(frozen=True)
class RescheduleChoices:
    appointment: Appointment
    schedule: FreeWeek | None
    # The time picked from the grid, checked, to confirm; or why it cannot be.
    offer: SlotOffer | None = None
    problem: str = ""


def visit_choice(
    slot: Slot,
    *,
    specialty: str,
    visit_type: VisitType | None,
    location: Location | None,
    visit_type_id: str,
    location_id: str,
) -> VisitChoice:
    """The visit type and place chosen, checked against the slot: a visit
    type the doctor's specialty offers, that fits in the slot; the place the
    doctor is at then. SlotRefused otherwise."""
    if visit_type_id and (visit_type is None or not visit_type.offered_in(specialty)):
        raise SlotRefused(NOT_OFFERED)
    if visit_type is not None and not slot_fits(slot, minutes=visit_type.minutes):
        raise SlotRefused(TOO_SHORT)
    if location_id and (location is None or slot.location_id != location_id):
        raise SlotRefused(WRONG_PLACE)
    return VisitChoice(
        visit_type_id=visit_type.visit_type_id if visit_type else "",
        visit_type_name=visit_type.name if visit_type else "",
        telehealth=visit_type.telehealth if visit_type else False,
        location_id=location.location_id if location else "",
        location_name=location.name if location else "",
        location_address=location.address if location else "",
        location_phone=location.phone if location else "",
    )
