"""After a refused form the page opens on its error summary (autofocus, and
the site's own script for browsers that ignore it), and the summary links
each wrong answer to its field."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.support import sign_in

pytestmark = pytest.mark.django_db


class _Summary(HTMLParser):
    """The summary's attributes and links, and every id on the page."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.summary: dict | None = None
        self.links: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if "id" in values:
            self.ids.add(values["id"])
        if self._depth:
            self._depth += 1
            if tag == "a":
                self.links.append(values.get("href", ""))
        elif self.summary is None and "data-error-summary" in values:
            self.summary, self._depth = values, 1

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1


def _summary_of(html: str) -> _Summary:
    parsed = _Summary()
    parsed.feed(html)
    return parsed


def _assert_summary_leads_to_fields(html: str, expected_fields: set[str]):
    page = _summary_of(html)
    assert page.summary is not None, "no error summary"
    assert "autofocus" in page.summary and page.summary.get("tabindex") == "-1"
    targets = {link.removeprefix("#") for link in page.links if link.startswith("#")}
    assert expected_fields <= targets
    assert targets <= page.ids, "a summary link leads to no field"


def test_a_refused_profile_opens_on_the_summary_linking_each_error(client, cast):
    sign_in(client, cast.patient.email)
    page = client.get("/patient/profile/").content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)

    response = client.post(
        "/patient/profile/",
        {"version": version, "given_name": "", "family_name": "Example", "phone": "not a phone"},
    )

    assert response.status_code == 200
    _assert_summary_leads_to_fields(response.content.decode(), {"id_given_name", "id_phone"})


def test_a_refused_application_opens_on_the_summary_linking_each_error(client, aws):
    response = client.post("/clinicians/apply/", {"given_name": "Ana"})

    assert response.status_code == 200
    _assert_summary_leads_to_fields(response.content.decode(), {"id_family_name", "id_email"})
