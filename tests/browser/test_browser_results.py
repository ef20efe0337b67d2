"""A doctor records two vitals readings and a lab result on the chart; the
charts of vitals over time and the result pages pass axe with nothing
serious, for the doctor and for the patient, who sees the result as new,
opens it, and reads it in plain words."""

from tests.browser.test_browser_chart import _sign_in


def _vitals(page, answers: dict):
    page.locator("summary", has_text="Vitals").click()
    form = page.locator("details[open] form")
    for name, value in answers.items():
        form.locator(f'[name="{name}"]').fill(value)
    form.get_by_role("button", name="Add vitals").click()
    page.wait_for_load_state()
    assert "added to the chart" in page.content()


def test_vitals_charts_and_results_read_well_for_doctor_and_patient(
    chromium, page, live_server, cast, assert_accessible
):
    _sign_in(page, live_server, cast.doctor.email)
    chart = f"{live_server.url}/doctor/patients/{cast.patient.sub}/"
    page.goto(chart)
    _vitals(page, {"heart_rate": "88", "weight": "70", "height": "175"})
    _vitals(page, {"heart_rate": "72", "weight": "71"})
    assert page.locator("svg.trend-chart").count() == 3  # heart rate, weight, BMI
    assert_accessible(page)

    page.get_by_role("link", name="Record a lab result").first.click()
    for label, value in {
        "Test": "Potassium",
        "LOINC code": "2823-3",
        "Value": "5.9",
        "Unit": "mmol/L",
        "Usual range from": "3.5",
        "Usual range to": "5.1",
        "Collected on": "2026-11-30",
    }.items():
        page.get_by_label(label).fill(value)
    assert_accessible(page)
    page.get_by_role("button", name="Add the lab result").click()
    page.wait_for_load_state()
    assert "Mark as reviewed" in page.content()
    assert_accessible(page)

    patient_context = chromium.new_context()
    patient = patient_context.new_page()
    patient.set_default_timeout(15_000)
    try:
        _sign_in(patient, live_server, cast.patient.email)
        patient.get_by_role("link", name="My record").click()
        assert patient.locator("svg.trend-chart").count() == 3
        assert_accessible(patient)
        patient.get_by_role("link", name="My results").first.click()
        assert "New" in patient.inner_text("main")
        assert_accessible(patient)
        patient.get_by_role("link", name="Potassium").click()
        assert "Higher than the usual range" in patient.inner_text("main")
        assert_accessible(patient)
        patient.get_by_role("link", name="My results").first.click()
        assert "New" not in patient.inner_text("main.container ul")
    finally:
        patient_context.close()
