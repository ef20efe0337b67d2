"""The dashboard: every chart drawn from the counters alone, small cells
suppressed alike in the chart, its table and its CSV (with the total that
would reveal them), the range checked field by field, each read audited."""

from __future__ import annotations

import csv
import io

import pytest

from analytics.charts import FEWER, WITHHELD, suppressed
from analytics.domain import APPOINTMENTS, BY_SPECIALTY
from analytics.tests.support import A_MONTH, a_month, project
from audit import selectors as trail
from audit.domain import SearchFilters
from medisecure import dynamo
from medisecure.tables import ANALYTICS
from tests.support import sign_in

pytestmark = pytest.mark.django_db

MARCH = {"start": "2026-03-02", "end": "2026-03-29"}


def _counter(metric: str, cell: str, count: int) -> None:
    dynamo.client().put_item(
        TableName=dynamo.name(ANALYTICS),
        Item=dynamo.to_item({"metric": metric, "cell": cell, "count": count}),
    )


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_sum_is_shown_only_when_no_small_weekly_count_is_in_it():
    assert suppressed([10]).text == FEWER
    assert suppressed([0]).text == FEWER
    assert suppressed([11]).text == "11"
    assert suppressed([40, 0, 12]).text == "52"
    assert suppressed([40, 10, 12]).text == WITHHELD


def test_a_cell_of_ten_is_fewer_than_eleven_in_the_chart_the_table_and_the_csv_and_its_total_is_withheld(
    client, cast
):
    _counter(APPOINTMENTS, "2026-W10#booked", 10)
    _counter(APPOINTMENTS, "2026-W11#booked", 30)
    _counter(APPOINTMENTS, "2026-W12#booked", 25)
    sign_in(client, cast.marketer.email)

    page = client.get("/marketing/", MARCH).content.decode()
    download = _csv(client.get("/marketing/appointments.csv", MARCH))

    section = page[page.index('id="appointments-heading"') : page.index('id="specialty-heading"')]
    assert "<td>&lt;11</td>" in section and "<td>10</td>" not in section
    assert 'class="analytics-value">&lt;11</text>' in section
    assert ">10<" not in section
    # 10 + 30 + 25 = 65: shown, the total would give the 10 back
    assert ">65<" not in section and "<td>withheld</td>" in section
    assert download[0] == ["Week", "Booked", "Cancelled", "Missed", "Completed"]
    booked = {row[0]: row[1] for row in download[1:]}
    assert booked["Week of Mon 2 Mar 2026"] == "<11"
    assert booked["Week of Mon 9 Mar 2026"] == "30"
    assert booked["Total"] == "withheld"
    assert "10" not in {cell for row in download for cell in row}
    assert "65" not in {cell for row in download for cell in row}


def test_a_category_hidden_alone_takes_the_next_smallest_with_it(client, cast):
    for specialty, count in (("Cardiology", 40), ("Dermatology", 8), ("Pediatrics", 15)):
        _counter(BY_SPECIALTY, f"2026-W10#{specialty}#booked", count)
    sign_in(client, cast.marketer.email)

    rows = {row[0]: row[1] for row in _csv(client.get("/marketing/specialty.csv", MARCH))[1:]}

    # The whole (63) is on the appointments chart: Dermatology would be 63 - 40 - 15.
    assert rows == {"Cardiology": "40", "Dermatology": "<11", "Pediatrics": "withheld", "Total": "withheld"}


def test_the_dashboard_draws_a_month_of_projected_counts(client, cast):
    a_month()
    project()
    for week in ("2026-W10", "2026-W11"):
        _counter("funnel", f"{week}#started", 20 + A_MONTH["funnel"][f"{week}#started"])
    sign_in(client, cast.marketer.email)

    page = client.get("/marketing/", MARCH).content.decode()

    for heading in ("Sign-up funnel", "Appointments by week", "Appointments by specialty", "Busiest hours"):
        assert heading in page
    assert page.count("<svg") >= 8 and page.count("<desc") == 8
    assert "<td>22</td>" in page and "<td>21</td>" in page
    assert "Ann" not in page and "p1" not in page


def test_each_read_and_download_is_audited_with_its_range(client, cast):
    sign_in(client, cast.marketer.email)

    client.get("/marketing/", MARCH)
    client.get("/marketing/lead-time.csv", MARCH)

    events = trail.audit_event_list(filters=SearchFilters(action="analytics.read"), page_token=None)[0]
    details = sorted((event.detail["charts"], event.detail["format"]) for event in events)
    assert details == [("all", "page"), ("lead-time", "csv")]
    assert {(event.detail["first_week"], event.detail["last_week"]) for event in events} == {
        ("2026-W10", "2026-W13")
    }


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "2026-03-29", "end": "2026-03-02"}, "end", "on or after"),
        ({"start": "2024-01-01", "end": "2026-03-02"}, "end", "at most two years"),
        ({"start": "2026-03-02", "end": ""}, "end", "both days"),
        ({"start": "9999-12-31", "end": "9999-12-31"}, "start", "between the years"),
        ({"start": "yesterday", "end": "2026-03-02"}, "start", "year-month-day"),
    ],
)
def test_a_bad_range_is_a_field_error_and_reads_nothing(client, cast, dynamodb_calls, query, field, message):
    sign_in(client, cast.marketer.email)
    dynamodb_calls.clear()

    response = client.get("/marketing/", query)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors[field]
    assert "Query" not in dynamodb_calls


def test_two_years_is_the_longest_range(client, cast):
    sign_in(client, cast.marketer.email)

    response = client.get("/marketing/", {"start": "2024-03-04", "end": "2026-03-01"})

    assert response.status_code == 200 and not response.context["form"].errors
    assert len(response.context["charts"][0].rows) == 104


def test_an_unknown_chart_is_not_found(client, cast):
    sign_in(client, cast.marketer.email)

    assert client.get("/marketing/patients-by-name.csv").status_code == 404


def test_the_admin_sees_the_dashboard_and_the_projectors_lag(client, cast):
    a_month()
    project()
    sign_in(client, cast.admin.email)

    page = client.get("/admin/analytics/").content.decode()

    assert "Appointments by week" in page and "The projector" in page
    assert "Sign-ups" in page and "Appointments" in page and "second" in page
