"""A doctor with a patient in their care opens the chart, adds a visit note,
a diagnosis and an allergy, and uploads a PDF; the patient signs in, sees
them in their record, and downloads the PDF and the FHIR bundle."""

import json
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle

from patients.tests.documents_support import PDF
from tests.support import TEST_PASSWORD


def _sign_in(page, live_server, email):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _add(page, summary: str, answers: dict, button: str):
    page.locator("summary", has_text=summary).click()
    form = page.locator("details[open] form")
    for label, value in answers.items():
        field = form.get_by_label(label)
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert "added to the chart" in page.content()


def test_a_doctor_writes_to_the_chart_and_the_patient_reads_and_downloads_it(
    chromium, page, live_server, cast, tmp_path, assert_accessible
):
    _sign_in(page, live_server, cast.doctor.email)
    page.get_by_role("link", name="My patients", exact=True).first.click()
    page.get_by_role("link", name="Jordan Example").click()
    chart = f"{live_server.url}/doctor/patients/{cast.patient.sub}/"
    page.wait_for_url(chart)
    assert_accessible(page)

    _add(
        page,
        "Visit note",
        {"Subjective": "Cough for a week", "Assessment": "Viral <b>cough</b>"},
        "Add visit note",
    )
    _add(page, "Diagnosis", {"ICD-10 code": "j20.9", "Description": "Acute bronchitis"}, "Add diagnosis")
    _add(
        page, "Allergy", {"Substance": "Penicillin", "Reaction": "Hives", "Severity": "severe"}, "Add allergy"
    )
    assert page.get_by_role("link", name="J20.9 Acute bronchitis").count() == 1
    assert "Viral <b>cough</b>" in page.inner_text("main")  # shown as typed, not as markup

    letter = tmp_path / "Lab results.pdf"
    letter.write_bytes(PDF)
    page.get_by_role("link", name="Documents").click()
    page.get_by_label("Choose a file").set_input_files(str(letter))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state()

    patient_context = chromium.new_context(accept_downloads=True)
    patient = patient_context.new_page()
    patient.set_default_timeout(15_000)
    try:
        _sign_in(patient, live_server, cast.patient.email)
        patient.get_by_role("link", name="My record").click()
        patient.wait_for_url(f"{live_server.url}/patient/records/")
        assert_accessible(patient)
        text = patient.inner_text("main")
        for shown in ("Penicillin", "Acute bronchitis", "Cough for a week", "Viral <b>cough</b>"):
            assert shown in text

        with patient.expect_download() as fhir_download:
            patient.get_by_role("link", name="Download for health apps (FHIR)").click()
        bundle = json.loads(Path(fhir_download.value.path()).read_text())
        Bundle.model_validate(bundle)
        kinds = sorted(entry["resource"]["resourceType"] for entry in bundle["entry"])
        assert kinds == ["AllergyIntolerance", "Condition", "DocumentReference", "Encounter", "Patient"]

        with patient.expect_download() as record_pdf:
            patient.get_by_role("link", name="Download as PDF").click()
        assert Path(record_pdf.value.path()).read_bytes().startswith(b"%PDF-")

        patient.get_by_role("link", name="My documents").click()
        with patient.expect_download() as document:
            patient.get_by_role("link", name="Download Lab results.pdf").click()
        assert Path(document.value.path()).read_bytes() == PDF

        patient.goto(f"{live_server.url}/patient/records/access/")
        assert "Dr Casey Sample" in patient.inner_text("main")
    finally:
        patient_context.close()
