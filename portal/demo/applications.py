"""Step "applications": two doctors who applied to join the clinic, for the
admins' review: one waiting, one the admins asked for more information."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from clinicians.applications.domain import REQUEST_INFORMATION, ApplicationDetails, PendingApplicationExists
from clinicians.applications.services import application_decide, application_submit
from medisecure import file_types
from medisecure.identity.actors import ANONYMOUS
from portal.demo.clinic import DemoClinic
from portal.demo.files import pdf_of
from portal.demo.people import DEMO_ADMIN_EMAIL

PENDING = ApplicationDetails(
    given_name="Nadia",
    family_name="Haddad",
    email="nadia.haddad@applicants.medisecure.test",
    phone="+15550104401",
    specialty="Dermatology",
    licence_number="MD-448812",
    licence_region="OR",
    licence_expiry=date(2028, 6, 30),
    npi="1234567893",
    years_of_practice=9,
    statement="Nine years in a community dermatology practice; I would like to run a weekly skin clinic.",
)
NEEDS_INFORMATION = ApplicationDetails(
    given_name="Joaquín",
    family_name="Serrano",
    email="joaquin.serrano@applicants.medisecure.test",
    phone="+15550104402",
    specialty="Cardiology",
    licence_number="MD-551904",
    licence_region="WA",
    licence_expiry=date(2027, 3, 31),
    npi="1245319599",
    years_of_practice=4,
    statement="Cardiologist finishing a fellowship, Spanish and English speaking.",
)
QUESTION = "Your licence scan is hard to read: please send a clearer copy, and the date your fellowship ends."


def _scan(details: ApplicationDetails) -> SimpleUploadedFile:
    content = pdf_of(
        "Medical licence", (f"{details.given_name} {details.family_name}", details.licence_number)
    )
    return SimpleUploadedFile("licence.pdf", content, content_type=file_types.PDF)


def applications_seed(clinic: DemoClinic) -> str:
    submitted = 0
    for details in (PENDING, NEEDS_INFORMATION):
        try:
            submission = application_submit(
                actor=ANONYMOUS,
                audit=clinic.audit,
                details=details,
                scan=_scan(details),
                scan_type=file_types.PDF,
            )
        except PendingApplicationExists:
            continue  # open already, as an earlier run left it
        submitted += 1
        if details is NEEDS_INFORMATION:
            application_decide(
                actor=clinic.admin(),
                audit=clinic.audit,
                actor_email=DEMO_ADMIN_EMAIL,
                application_id=submission.application.application_id,
                decision=REQUEST_INFORMATION,
                expected_version=submission.application.version,
                note=QUESTION,
            )
    return f"{submitted} clinician applications"
