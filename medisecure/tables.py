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
)
MEDICAL_RECORDS = Table("medical-records", Key("patientId"), Key("recordKey"))
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
    ),
)
# A doctor's emergency ("break the glass") access to a patient outside their
# care team: a live item per doctor and patient (sort key "live#<providerId>",
# gone by TTL and refused by the code once expired) and a record of each
# grant for review (sort key "grant#<grantedAt>#<providerId>", on ReviewIndex).
EMERGENCY_ACCESS = Table(
    "emergency-access",
    Key("patientId"),
    Key("grantKey"),
    indexes=(Index("ReviewIndex", Key("orgId"), Key("grantedAt")),),
    ttl_attribute="purgeAt",
)
SLOT_LOCKS = Table("slot-locks", Key("lockId"), ttl_attribute="expiresAt")
# One item per doctor: their weekly hours and exceptions, with a version.
AVAILABILITY = Table("availability", Key("providerId"))
PATIENT_PROVISIONAL = Table(
    "patient-provisional",
    Key("email"),
    Key("createdAt"),
    indexes=(Index("StatusIndex", Key("status"), Key("createdAt")),),
    ttl_attribute="expiresAt",
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
)
# Fixed-window attempt counters for the rate limits (medisecure.rate_limits):
# one small item per limit, subject and window, gone by TTL after it.
RATE_LIMITS = Table("rate-limits", Key("counterId"), ttl_attribute="expiresAt")

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
    PATIENT_PROVISIONAL,
    CLINICIAN_APPLICATIONS,
    AUDIT_LOGS,
    RATE_LIMITS,
)


def physical_name(table: Table) -> str:
    from django.conf import settings

    return f"{settings.TABLE_PREFIX}{table.name}"
