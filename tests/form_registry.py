"""Every page that takes input: where it is, who may submit it, the form
that validates it, and how to make a valid submission to vary.

The hostile-input tests (tests/test_hostile_forms.py) submit mangled
versions of each baseline; tests/test_form_registry.py fails when a Django
form in the project, or a route of the access matrix that accepts a POST,
is not listed here (or excused in NOT_TARGETS with the reason)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.email_change.forms import EmailCodeForm, NewEmailForm
from accounts.forms import TotpCodeForm
from accounts.people.forms import AccessChangeForm, InvitationForm
from accounts.recovery.forms import ChangePasswordForm, ForgotPasswordForm, ResetPasswordForm
from analytics.forms import DateRangeForm
from appointments.schedules.forms import ScheduleForm
from clinicians.applications import repository as clinician_repository
from clinicians.applications.forms import (
    ApplicationForm,
    ApplicationListForm,
    BulkActionForm,
    BulkDecisionForm,
    DecisionForm,
)
from clinicians.forms import DirectoryFilterForm
from compliance.forms import AuditSearchForm, VerifyForm
from medisecure import clinic_time, clock
from medisecure.forms import PageForm
from medisecure.models import User
from medisecure.unit_of_work import Transaction
from patients import repository as patient_repository
from patients.documents.forms import ChartDocumentUploadForm, DocumentUploadForm
from patients.forms import ProfileForm
from patients.signup import repository as signup_repository
from patients.signup.forms import ChoosePasswordForm, SignupForm, VerifyCodeForm
from portal.forms import LanguageForm
from tests.access_matrix import ADMIN, ANONYMOUS, DOCTOR, MARKETER, PATIENT
from tests.support import TEST_PASSWORD

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class Upload:
    """A file to send; made into a fresh upload object for each request."""

    name: str
    content: bytes
    content_type: str = "application/octet-stream"


def materialize(values: dict) -> dict:
    """The values as the test client posts them: each Upload a fresh file."""
    return {key: _materialize_one(value) for key, value in values.items()}


def _materialize_one(value):
    if isinstance(value, Upload):
        return SimpleUploadedFile(value.name, value.content, content_type=value.content_type)
    if isinstance(value, list):
        return [_materialize_one(item) for item in value]
    return value


@dataclass
class Setup:
    """What a target's baseline is built from: the cast, the client signed
    in as the target's actor, and whatever `prepare` made."""

    cast: object
    client: object
    made: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FormTarget:
    name: str  # the URL name, as in tests/access_matrix.py
    actor: str  # who submits it (an access-matrix actor)
    form: type[forms.Form] | None  # what validates the input; None: the page reads none
    baseline: Callable[[Setup], dict]  # a valid submission
    path: Callable[[Setup], str]
    method: str = "POST"
    prepare: Callable[[Setup], None] | None = None  # e.g. start a sign-up in the session
    # 409: a stale but well-formed version; 404: a query a download refuses
    statuses: frozenset = frozenset({200, 302})
    # Forms validated inside `form` (a formset's rows), fed through it.
    covers: tuple = ()

    @property
    def id(self) -> str:
        return f"{self.method} {self.name} ({self.form.__name__ if self.form else 'no form'})"


# A page token we did not issue (for this list) is refused with a 404,
# like an id that names nothing (tests/test_id_swapping.py).
WITH_PAGE_TOKEN = frozenset({200, 302, 404})


def _fixed(path: str) -> Callable[[Setup], str]:
    return lambda setup: path


# --- Baselines ---------------------------------------------------------------


def _signup(setup: Setup) -> dict:
    return {
        "given_name": "Hostile",
        "family_name": "Input",
        "email": "hostile.input@example.com",
        "date_of_birth": "1980-05-17",
        "phone": "+1 212 555 0199",
    }


def _start_signup(setup: Setup) -> None:
    response = setup.client.post("/signup/", _signup(setup))
    assert response.status_code == 302, response.status_code


def _prove_signup(setup: Setup) -> None:
    """A sign-up whose code was entered (its row moved on as the right code
    moves it): the password page is next."""
    _start_signup(setup)
    ref = setup.client.session["signup"]
    pending = signup_repository.signup_get(ref["email"], ref["created_at"])
    tx = Transaction()
    signup_repository.signup_replace(tx, pending, pending.proven(link_digest="0" * 64))
    tx.commit()


def _profile(setup: Setup) -> dict:
    patient = patient_repository.get(setup.cast.patient.sub)
    form = ProfileForm.for_patient(patient)
    return {name: form.initial.get(name) or "" for name in form.fields}


def _application(setup: Setup) -> dict:
    return {
        "given_name": "Avery",
        "family_name": "Applicant",
        "email": "avery.applicant@example.com",
        "phone": "+1 212 555 0123",
        "specialty": "Cardiology",
        "licence_number": "MD-204518",
        "licence_region": "New York",
        "licence_expiry": (timezone.localdate() + timedelta(days=400)).isoformat(),
        "npi": "1234567893",
        "years_of_practice": "8",
        "statement": "I have practised cardiology for eight years.",
        "licence_scan": Upload("licence.pdf", PDF, "application/pdf"),
    }


def _submit_application(setup: Setup) -> None:
    from django.test import Client

    response = Client().post("/clinicians/apply/", materialize(_application(setup)))
    assert response.status_code == 302, response.status_code
    applications, _ = clinician_repository.list_by_status("pending", limit=1)
    setup.made["application"] = applications[0]


def _decision(setup: Setup) -> dict:
    application = setup.made["application"]
    return {
        "decision": "request_information",
        "version": str(application.version),
        "note": "Send a clearer scan.",
    }


def _bulk_action(setup: Setup) -> dict:
    return {"action": "reject", "selected": setup.made["application"].application_id}


def _bulk_decision(setup: Setup) -> dict:
    application = setup.made["application"]
    return {
        "decision": "reject",
        "items": f"{application.application_id}@{application.version}",
        "note": "The licence has lapsed.",
    }


def _person_row(setup: Setup) -> None:
    """A person the admin's access page acts on (the other patient)."""
    person = setup.cast.other_patient
    setup.made["person"], _ = User.objects.get_or_create(
        username=person.sub,
        defaults={"email": person.email, "role": "patient"},
    )


def _begin_mfa_enrolment(setup: Setup) -> None:
    assert setup.client.post("/account/mfa/", {"start": "1"}).status_code == 302


def _document(setup: Setup) -> dict:
    return {"document": Upload("referral.pdf", PDF, "application/pdf")}


def _audit_search(setup: Setup) -> dict:
    # The admin's own email: the search knows only people who have signed in.
    return {
        "user": setup.cast.admin.email,
        "action": "auth.sign_in",
        "outcome": "allowed",
        "since": "2026-01-01",
        "until": "2026-12-31",
        "patient": "",
        "page": "",
    }


def _chart_documents(setup: Setup) -> str:
    return f"/doctor/patients/{setup.cast.patient.sub}/documents/"


# The documents lists' page tokens.
DOCUMENT_LIST_TARGETS = (
    FormTarget(
        "documents:list",
        PATIENT,
        PageForm,
        lambda setup: {"page": ""},
        _fixed("/patient/documents/"),
        method="GET",
        statuses=WITH_PAGE_TOKEN,
    ),
    FormTarget(
        "chart_documents:list",
        DOCTOR,
        PageForm,
        lambda setup: {"page": ""},
        _chart_documents,
        method="GET",
        statuses=WITH_PAGE_TOKEN,
    ),
)


class _VerifyFormToday(VerifyForm):
    """The verify page's form as the page builds it: today is the clinic's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, today=clinic_time.in_clinic(clock.recorded_now()).date(), **kwargs)


_VerifyFormToday.__name__ = "VerifyForm"


def _ask_for_reset_code(setup: Setup) -> None:
    response = setup.client.post("/account/forgot-password/", {"email": setup.cast.patient.email})
    assert response.status_code == 302, response.status_code


def _ask_for_email_code(setup: Setup) -> None:
    response = setup.client.post("/account/email/", {"email": "moved.here@example.com"})
    assert response.status_code == 302, response.status_code


def _new_password(setup: Setup) -> dict:
    return {"password": "Another-Horse-7-Staple!", "password_again": "Another-Horse-7-Staple!"}


TARGETS: tuple[FormTarget, ...] = (
    FormTarget(
        "recovery:forgot_password",
        ANONYMOUS,
        ForgotPasswordForm,
        lambda setup: {"email": setup.cast.patient.email},
        _fixed("/account/forgot-password/"),
    ),
    FormTarget(
        "recovery:reset_password",
        ANONYMOUS,
        ResetPasswordForm,
        lambda setup: {"code": "123456", **_new_password(setup)},
        _fixed("/account/forgot-password/code/"),
        prepare=_ask_for_reset_code,
    ),
    FormTarget(
        "recovery:change_password",
        PATIENT,
        ChangePasswordForm,
        lambda setup: {"current_password": TEST_PASSWORD, **_new_password(setup)},
        _fixed("/account/password/"),
    ),
    FormTarget(
        "email_change:change_email",
        PATIENT,
        NewEmailForm,
        lambda setup: {"email": "moved.here@example.com"},
        _fixed("/account/email/"),
    ),
    FormTarget(
        "email_change:verify_email",
        PATIENT,
        EmailCodeForm,
        lambda setup: {"code": "123456"},
        _fixed("/account/email/code/"),
        prepare=_ask_for_email_code,
    ),
    FormTarget("signup:start", ANONYMOUS, SignupForm, _signup, _fixed("/signup/")),
    FormTarget(
        "language_set",
        ANONYMOUS,
        LanguageForm,
        lambda setup: {"language": "es", "next": "/"},
        _fixed("/language/"),
    ),
    FormTarget(
        "signup:verify",
        ANONYMOUS,
        VerifyCodeForm,
        lambda setup: {"code": "123456"},
        _fixed("/signup/verify/"),
        prepare=_start_signup,
    ),
    FormTarget(
        "signup:password",
        ANONYMOUS,
        ChoosePasswordForm,
        lambda setup: {"password": TEST_PASSWORD, "password_again": TEST_PASSWORD},
        _fixed("/signup/password/"),
        prepare=_prove_signup,
    ),
    # Its body is ignored: whatever is posted, it resends the code (or says to wait).
    FormTarget(
        "signup:resend",
        ANONYMOUS,
        None,
        lambda setup: {},
        _fixed("/signup/verify/resend/"),
        prepare=_start_signup,
    ),
    FormTarget(
        "patients:profile",
        PATIENT,
        ProfileForm,
        _profile,
        _fixed("/patient/profile/"),
        statuses=frozenset({200, 302, 409}),
    ),
    FormTarget(
        "mfa_setup",
        DOCTOR,
        TotpCodeForm,
        lambda setup: {"code": "123456"},
        _fixed("/account/mfa/"),
        prepare=_begin_mfa_enrolment,
    ),
    FormTarget("clinician_apply", ANONYMOUS, ApplicationForm, _application, _fixed("/clinicians/apply/")),
    FormTarget(
        "admin:medisecure_user_access",
        ADMIN,
        AccessChangeForm,
        lambda setup: {"action": "enable", "role": "", "reason": "Checking hostile input"},
        lambda setup: f"/admin/medisecure/user/{setup.made['person'].pk}/access/",
        prepare=_person_row,
    ),
    FormTarget(
        "admin:medisecure_user_invite_again",
        ADMIN,
        InvitationForm,
        lambda setup: {"email": "nobody.invited@example.com", "reason": "Checking hostile input"},
        _fixed("/admin/medisecure/user/invite-again/"),
    ),
    FormTarget(
        "admin:clinicians_application_changelist",
        ADMIN,
        BulkActionForm,
        _bulk_action,
        _fixed("/admin/clinicians/application/"),
        prepare=_submit_application,
    ),
    FormTarget(
        "admin:clinicians_application_decide_selected",
        ADMIN,
        BulkDecisionForm,
        _bulk_decision,
        _fixed("/admin/clinicians/application/decide-selected/"),
        prepare=_submit_application,
    ),
    FormTarget(
        "admin:clinicians_application_decide",
        ADMIN,
        DecisionForm,
        _decision,
        lambda setup: f"/admin/clinicians/application/{setup.made['application'].application_id}/decide/",
        prepare=_submit_application,
    ),
    FormTarget(
        "documents:upload",
        PATIENT,
        DocumentUploadForm,
        _document,
        _fixed("/patient/documents/upload/"),
    ),
    FormTarget(
        "chart_documents:upload",
        DOCTOR,
        ChartDocumentUploadForm,
        _document,
        lambda setup: f"/doctor/patients/{setup.cast.patient.sub}/documents/upload/",
    ),
    # Query-string forms: filters and page tokens.
    FormTarget(
        "admin:clinicians_application_changelist",
        ADMIN,
        ApplicationListForm,
        lambda setup: {"status": "pending", "q": "avery", "page": ""},
        _fixed("/admin/clinicians/application/"),
        method="GET",
        statuses=WITH_PAGE_TOKEN,
    ),
    FormTarget(
        "appointments:doctor_home",
        DOCTOR,
        ScheduleForm,
        lambda setup: {"view": "week", "start": "2026-03-02", "page": ""},
        _fixed("/doctor/"),
        method="GET",
        statuses=WITH_PAGE_TOKEN,
    ),
    FormTarget(
        "clinic_directory",
        MARKETER,
        DirectoryFilterForm,
        lambda setup: {"specialty": "Cardiology", "page": ""},
        _fixed("/marketing/directory/"),
        method="GET",
        statuses=WITH_PAGE_TOKEN,
    ),
    FormTarget(
        "marketing",
        MARKETER,
        DateRangeForm,
        lambda setup: {"start": "2026-01-05", "end": "2026-03-29"},
        _fixed("/marketing/"),
        method="GET",
    ),
    FormTarget(
        "analytics_csv",
        MARKETER,
        DateRangeForm,
        lambda setup: {"start": "2026-01-05", "end": "2026-03-29"},
        _fixed("/marketing/appointments.csv"),
        method="GET",
        # A range the page would mark as wrong has no download: 404.
        statuses=frozenset({200, 404}),
    ),
    FormTarget(
        "admin:audit_list",
        ADMIN,
        AuditSearchForm,
        _audit_search,
        _fixed("/admin/audit/"),
        method="GET",
        statuses=WITH_PAGE_TOKEN,
    ),
    FormTarget(
        "admin:audit_export",
        ADMIN,
        AuditSearchForm,
        _audit_search,
        _fixed("/admin/audit/export.csv"),
        method="GET",
        statuses=frozenset({200, 404}),  # a query it cannot run is a 404, never a partial file
    ),
    FormTarget(
        "admin:audit_verify",
        ADMIN,
        _VerifyFormToday,
        lambda setup: {"since": "2026-01-01", "until": "2026-01-02"},
        _fixed("/admin/audit/verify/"),
        method="GET",
    ),
    *DOCUMENT_LIST_TARGETS,
)

from tests.forms_appointments import APPOINTMENT_TARGETS  # noqa: E402

TARGETS += APPOINTMENT_TARGETS

from tests.forms_records import RECORD_TARGETS  # noqa: E402

TARGETS += RECORD_TARGETS

from tests.forms_messages import MESSAGE_TARGETS  # noqa: E402

TARGETS += MESSAGE_TARGETS
from tests.forms_results import RESULT_TARGETS  # noqa: E402

TARGETS += RESULT_TARGETS

# Forms and POST-accepting routes that are not submitted here, and why.
NOT_TARGETS: dict[str, str] = {
    "sign_out": "takes no input: a POST ends the session (tests/test_sign_in.py)",
    "sign_out_everywhere": "takes no input: a POST ends every session of the person (tests/test_access_removal.py)",
    "oidc_authentication_callback": "GET only; its query is checked by the OIDC library (tests/test_sign_in.py)",
    "admin:index": "Django's admin index: a POST renders the same page and reads no input",
    "admin:clinicians_application_resend_email": (
        "takes no input: a POST emails the decision already recorded once more "
        "(clinicians/tests/test_email_resend.py)"
    ),
    "admin:medisecure_user_changelist": (
        "Django's own changelist of SQL users (no PHI, no DynamoDB): its action form is Django's, "
        "and the admin cannot add users (UserAdmin.has_add_permission)"
    ),
}
