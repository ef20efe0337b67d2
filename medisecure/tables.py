"""Every DynamoDB table the product uses, defined once.

bootstrap_aws creates these; deploy/aws's template is checked against them,
so the code and the stack cannot drift apart. Key names follow DESIGN.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STRING = "S"


@dataclass(frozen=True)
class Key:
    name: str
    type: str = STRING


@dataclass(frozen=True)
class Index:
    name: str
    partition: Key
    sort: Key | None = None


@dataclass(frozen=True)
class Table:
    name: str
    partition: Key
    sort: Key | None = None
    indexes: tuple[Index, ...] = field(default_factory=tuple)
    ttl_attribute: str | None = None
    # A DynamoDB stream's view type (NEW_AND_OLD_IMAGES, ...), for the
    # tables whose changes medisecure.streams hands to a consumer.
    stream_view: str | None = None

    def key_attributes(self) -> dict[str, str]:
        keys = [self.partition, self.sort]
        for index in self.indexes:
            keys += [index.partition, index.sort]
        return {key.name: key.type for key in keys if key is not None}


PATIENTS = Table(
    "patients",
    Key("patientId"),
    indexes=(
        Index("EmailIndex", Key("email")),
        # "<family>#<given>#<date of birth>", casefolded: emergency access
        # finds a patient only by their exact name and date of birth.
        Index("NameBirthIndex", Key("nameBirthKey")),
    ),
    # The analytics projector counts the accounts made.
    stream_view="NEW_AND_OLD_IMAGES",
)
MEDICAL_RECORDS = Table(
    "medical-records",
    Key("patientId"),
    Key("recordKey"),
    # Sparse lists across a patient's history or across patients, by
    # listKey: "<patientId>#<kind>" on each entry (a patient's results,
    # immunizations or vitals, newest first) and "review#<providerId>" on
    # the review-queue items of patients.records.results (critical first).
    indexes=(Index("ListIndex", Key("listKey"), Key("listOrder")),),
)
DOCUMENTS = Table(
    "documents",
    Key("patientId"),
    Key("documentKey"),
    # Which document an S3 object belongs to: the orphan sweep's question.
    indexes=(Index("StorageKeyIndex", Key("storageKey")),),
)
PROVIDERS = Table(
    "providers",
    Key("providerId"),
    indexes=(
        Index("EmailIndex", Key("email")),
        Index("SpecialtyIndex", Key("specialty"), Key("sortName")),
    ),
)
CARE_TEAM = Table(
    "care-team",
    Key("patientId"),
    Key("providerId"),
    indexes=(Index("ProviderIndex", Key("providerId"), Key("patientSortName")),),
    ttl_attribute="expiresAt",
)
APPOINTMENTS = Table(
    "appointments",
    Key("appointmentId"),
    indexes=(
        Index("PatientAppointmentsIndex", Key("patientId"), Key("scheduledDateTime")),
        Index("ProviderAppointmentsIndex", Key("providerId"), Key("scheduledDateTime")),
        # scheduledDate = the UTC date of the start: the day's appointments, for reminders.
        Index("DayIndex", Key("scheduledDate"), Key("scheduledDateTime")),
    ),
    # Every change, before and after: the analytics projector counts bookings and their outcomes.
    stream_view="NEW_AND_OLD_IMAGES",
)
# A doctor's emergency ("break the glass") access to a patient outside their
# care team: a live item per doctor and patient (sort key "live#<providerId>",
# gone by TTL and refused by the code once expired) and a record of each
# grant for review (sort key "grant#<grantedAt>#<providerId>", on ReviewIndex).
EMERGENCY_ACCESS = Table(
    "emergency-access",
    Key("patientId"),
    Key("grantKey"),
    indexes=(
        Index("ReviewIndex", Key("orgId"), Key("grantedAt")),
        # Sparse: only grants no admin has reviewed yet carry unreviewedOrg.
        Index("UnreviewedIndex", Key("unreviewedOrg"), Key("grantedAt")),
    ),
    ttl_attribute="purgeAt",
)
SLOT_LOCKS = Table("slot-locks", Key("lockId"), ttl_attribute="expiresAt")
# One item per doctor: their weekly hours and exceptions, with a version.
AVAILABILITY = Table("availability", Key("providerId"))
# The clinic's visit types and locations (admin-managed) and the markers of
# which specialties have a doctor with hours: one partition per kind.
CLINIC_CHOICES = Table("clinic-choices", Key("kind"), Key("choiceId"))
# Patients waiting for a doctor's time to free ("list#<provider>#<visit
# type>", in the order they joined), their one-per-list guards, and the
# 15-minute holds offered to them ("hold#<id>", and under "holds" by expiry).
WAITLIST = Table("waitlist", Key("waitKey"), Key("joinedAt"), ttl_attribute="purgeAt")
PATIENT_PROVISIONAL = Table(
    "patient-provisional",
    Key("email"),
    Key("createdAt"),
    indexes=(Index("StatusIndex", Key("status"), Key("createdAt")),),
    ttl_attribute="expiresAt",
    # The analytics projector counts sign-ups started and codes verified.
    stream_view="NEW_AND_OLD_IMAGES",
)
CLINICIAN_APPLICATIONS = Table(
    "clinician-applications",
    Key("applicationId"),
    Key("submittedAt"),
    indexes=(
        Index("StatusIndex", Key("status"), Key("submittedAt")),
        Index("EmailIndex", Key("email"), Key("submittedAt")),
    ),
)
AUDIT_LOGS = Table(
    "audit-logs",
    Key("eventId"),
    Key("timestamp"),
    indexes=(
        Index("UserIdIndex", Key("userId"), Key("timestamp")),
        Index("ActionIndex", Key("action"), Key("timestamp")),
        Index("OrgIdIndex", Key("orgId"), Key("timestamp")),
        Index("PatientIndex", Key("patientId"), Key("timestamp")),
        # chainPos = "<timestamp>#<sequence>": a chain in order, by time range.
        Index("ChainIndex", Key("chainId"), Key("chainPos")),
    ),
    ttl_attribute="expiresAt",
    # Every change, with the item before and after it: the archive
    # (audit.archive) keeps each event written and names any rewrite.
    stream_view="NEW_AND_OLD_IMAGES",
)
# Fixed-window attempt counters for the rate limits (medisecure.rate_limits):
# one small item per limit, subject and window, gone by TTL after it.
RATE_LIMITS = Table("rate-limits", Key("counterId"), ttl_attribute="expiresAt")
# Secure messages between a patient and a doctor of their care team
# (patients.messages). A thread's partition holds its header (itemKey
# "thread") and its messages ("msg#<sequence>", in order); the header is
# on each side's inbox index, keyed "<1 unread | 0 read>#<last message at>",
# so a Query newest-first lists unread threads first. One counter item per
# person ("unread#<userId>", itemKey "count") holds how many of their
# threads are unread, updated in the transaction that changes them.
MESSAGES = Table(
    "messages",
    Key("threadId"),
    Key("itemKey"),
    indexes=(
        Index("PatientInboxIndex", Key("patientInbox"), Key("patientInboxOrder")),
        Index("DoctorInboxIndex", Key("doctorInbox"), Key("doctorInboxOrder")),
    ),
)

# Where each stream consumer (medisecure.streams) has got to: one item per
# consumer and stream ("<consumer>|<stream arn>") and shard, advanced only by
# a conditional write on its version, so two copies never both move it on.
STREAM_CHECKPOINTS = Table("stream-checkpoints", Key("stream"), Key("shardId"))

# The marketer's de-identified counters (analytics): one item per metric
# ("appointments", "funnel", ...) and cell ("<ISO week>#<dimension>"),
# holding a count; beside them the projector's dedupe marks of stream
# records (metric "seen", gone by TTL), its once-per-patient markers under
# keyed one-way names, and its progress. Never a patient, appointment or name.
ANALYTICS = Table("analytics", Key("metric"), Key("cell"), ttl_attribute="expiresAt")

TABLES: tuple[Table, ...] = (
    PATIENTS,
    MEDICAL_RECORDS,
    DOCUMENTS,
    PROVIDERS,
    CARE_TEAM,
    APPOINTMENTS,
    EMERGENCY_ACCESS,
    SLOT_LOCKS,
    AVAILABILITY,
    CLINIC_CHOICES,
    WAITLIST,
    PATIENT_PROVISIONAL,
    CLINICIAN_APPLICATIONS,
    AUDIT_LOGS,
    RATE_LIMITS,
    MESSAGES,
    STREAM_CHECKPOINTS,
    ANALYTICS,
)


def physical_name(table: Table) -> str:
    from django.conf import settings

    return f"{settings.TABLE_PREFIX}{table.name}"
