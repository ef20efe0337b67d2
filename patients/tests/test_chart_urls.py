"""The chart's pages, its documents tab and the emergency access page share
/doctor/patients/; each address finds its own page whichever of their
includes the root URLconf lists first."""

import itertools

import pytest
from django.urls import include, path, resolve

from patients.documents.urls import chart_document_urls
from patients.records.urls import chart_urls

MOUNTS = (
    path("doctor/patients/", include(chart_urls)),
    path("doctor/patients/<str:patient_id>/documents/", include(chart_document_urls)),
    path("doctor/patients/emergency/", include("patients.emergency.urls")),
)
PAGES = {
    "/doctor/patients/": "chart:patients",
    "/doctor/patients/emergency/": "emergency:access",
    "/doctor/patients/p-1/": "chart:chart",
    "/doctor/patients/emergency-ward/": "chart:chart",
    "/doctor/patients/p-1/history/": "chart:history",
    "/doctor/patients/p-1/documents/": "chart_documents:list",
    "/doctor/patients/p-1/documents/upload/": "chart_documents:upload",
    "/doctor/patients/p-1/add/note/": "chart:entry_add",
}


ORDERS = list(itertools.permutations(MOUNTS))


@pytest.mark.parametrize("order", ORDERS, ids=[" then ".join(str(m.pattern) for m in o) for o in ORDERS])
def test_each_address_finds_its_page_whatever_the_order(order):
    urlconf = type("URLConf", (), {"urlpatterns": list(order)})

    assert {address: resolve(address, urlconf).view_name for address in PAGES} == PAGES
