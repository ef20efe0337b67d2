"""Reads for the lab-result pages. The doctor's page reads the chart's
access and the patient's documents through the documents room (which
decides access with the chart's own rule and audits the list); the
patient's reads are patients.records' own, which audit theirs."""

from __future__ import annotations

from medisecure.identity.actors import Actor, AuditContext
from patients.documents import selectors as documents
from patients.records import selectors as records
from patients.records.domain import OwnResults
from patients.results.domain import ResultCompose


def result_compose_get(*, actor: Actor, audit: AuditContext, patient_id: str) -> ResultCompose:
    """The chart access and the patient's newest documents (one page), for
    a report to be attached from: the chart read, one Query and the audit
    event. Raises ChartNotFound (audited) where the doctor may not open the
    chart."""
    listing = documents.chart_document_list(actor=actor, audit=audit, patient_id=patient_id, page_token=None)
    assert listing.chart is not None  # a doctor's list always carries the chart's access
    return ResultCompose(
        access=listing.chart,
        documents=[(document.reference, document.file_name) for document in listing.documents],
    )


def own_results_list(*, actor: Actor, audit: AuditContext, page_token: str | None) -> OwnResults:
    """One page of the patient's own results, each marked new until opened."""
    return records.own_result_list(actor=actor, audit=audit, page_token=page_token)
