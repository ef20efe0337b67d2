"""Who may open a patient's chart, decided in this one place.

A doctor may, while they are in the patient's care team or hold a live
emergency grant for them. Anyone else, and any patient id that names no
patient, gets a 404 (the chart's existence is not confirmed), and the
denial is audited. Callers audit the allowed read themselves, with the
chain head returned here, before they serve anything."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from audit.domain import DENIED, ChainHead
from audit.services import Actor, audit_record, next_chain
from clinicians.domain import Provider
from medisecure import clock
from medisecure.identity.roles import Role
from patients import records_repository
from patients.domain import Patient
from patients.records_domain import ENTRY_ID_SHAPE, ChartSummary, EmergencyGrant, Entry

CARE_TEAM = "care_team"
EMERGENCY = "emergency"


@dataclass(frozen=True)
class ChartAccess:
    """A chart the actor may open: the patient, how the actor may see it
    (CARE_TEAM or EMERGENCY, with the grant), the chart summary, the audit
    chain head to record the read on, and the entry asked for, if any."""

    patient: Patient
    via: str
    grant: EmergencyGrant | None
    summary: ChartSummary
    head: ChainHead
    entry: Entry | None = None
    clinician: Provider | None = None  # the actor's provider record

    @property
    def patient_id(self) -> str:
        return self.patient.patient_id

    @property
    def audit_detail(self) -> dict:
        return {"access": self.via}


def chart_patient_for_clinician(*, actor: Actor, patient_id: str, request, entry_id: str = "") -> ChartAccess:
    """The chart of `patient_id` as `actor` may see it, read in one round
    trip, or Http404 (audited as a denial). With `entry_id`, that entry of
    the patient's history is read too (Http404 if the patient has none such)."""
    if actor.role != Role.DOCTOR.value or (entry_id and not ENTRY_ID_SHAPE.match(entry_id)):
        _deny(request, actor, patient_id, "not_a_clinician" if actor.role != Role.DOCTOR.value else "no_such_entry")
    read = records_repository.chart_read(
        patient_id, provider_id=actor.user_id, chain_id=next_chain(), entry_id=entry_id
    )
    via = _relationship(read)
    if read.patient is None or via is None:
        _deny(request, actor, patient_id, "no_relationship", head=read.head)
    if entry_id and read.entry is None:
        _deny(request, actor, patient_id, "no_such_entry", head=read.head)
    return ChartAccess(
        patient=read.patient,
        via=via,
        grant=read.grant if via == EMERGENCY else None,
        summary=read.summary,
        head=read.head,
        entry=read.entry,
        clinician=read.clinician,
    )


def _relationship(read: records_repository.ChartRead) -> str | None:
    if read.care_team_member is not None:
        return CARE_TEAM
    # DynamoDB's TTL deletes late (up to days): expiry is enforced here.
    if read.grant is not None and read.grant.is_live(clock.epoch_seconds(clock.now())):
        return EMERGENCY
    return None


def _deny(request, actor: Actor, patient_id: str, reason: str, *, head: ChainHead | None = None):
    audit_record(
        request=request,
        actor=actor,
        action="chart.access",
        outcome=DENIED,
        resource_type="chart",
        resource_id=patient_id[:64],
        patient_id=patient_id[:64],
        detail={"reason": reason},
        head=head,
    )
    raise Http404
