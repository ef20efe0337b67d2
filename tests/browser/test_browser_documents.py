"""A doctor uploads a PDF from the chart's documents tab; the patient signs
in, finds it under My documents and downloads it, in a real browser."""

from pathlib import Path

from patients.tests.documents_support import PDF
from tests.support import TEST_PASSWORD


def _sign_in(page, live_server, email):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_doctor_uploads_a_pdf_and_the_patient_downloads_it(
    chromium, page, live_server, cast, tmp_path, assert_accessible
):
    letter = tmp_path / "Referral letter.pdf"
    letter.write_bytes(PDF)
    _sign_in(page, live_server, cast.doctor.email)
    page.get_by_role("link", name="My patients", exact=True).first.click()
    page.get_by_role("link", name="Jordan Example").click()
    page.get_by_role("navigation", name="Chart sections").get_by_role("link", name="Documents").click()
    page.wait_for_url(f"{live_server.url}/doctor/patients/{cast.patient.sub}/documents/")
    assert_accessible(page)

    page.get_by_label("Choose a file").set_input_files(str(letter))
    page.get_by_role("button", name="Upload").click()

    page.wait_for_url(f"{live_server.url}/doctor/patients/{cast.patient.sub}/documents/")
    assert "The document was added to the patient's record." in page.content()
    assert page.get_by_role("cell", name="Referral letter.pdf", exact=True).count() == 1

    patient_context = chromium.new_context(accept_downloads=True)
    patient = patient_context.new_page()
    patient.set_default_timeout(15_000)
    try:
        _sign_in(patient, live_server, cast.patient.email)
        patient.get_by_role("link", name="My documents").click()
        patient.wait_for_url(f"{live_server.url}/patient/documents/")
        assert_accessible(patient)
        assert "by your doctor" in patient.content()

        with patient.expect_download() as download_info:
            patient.get_by_role("link", name="Download Referral letter.pdf").click()
        download = download_info.value

        assert download.suggested_filename == "Referral letter.pdf"
        assert Path(download.path()).read_bytes() == PDF
    finally:
        patient_context.close()
