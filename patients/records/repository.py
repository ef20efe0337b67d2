"""Every DynamoDB call for a patient's medical history (the medical-records
table).

A patient's partition holds, by sort key:
  "entry#<entryId>"                     an entry as it reads now (ids start
                                        with the time, so newest first is a
                                        descending Query)
  "rev#<entryId>#<supersededVersion>"   what an entry said before an amendment
  "summary"                             the chart's first screen (ChartSummary)
  "unseen#<entryId>"                    a result the patient has not opened
  "review#<entryId>"                    a result waiting for its doctor's review
  "reviewed#<entryId>"                  who reviewed it last, and when
  "add#<entryId>#<addendumId>"          an addendum under an entry (created
                                        once, never replaced or removed)

Entries carry listKey "<patientId>#<kind>" (ListIndex: one patient's entries
of one kind, newest first); review items carry "review#<providerId>" (a
doctor's results to review, critical first). Markers are small and say what
a short list shows, so those lists cost one Query each.

Writes are added to a unit of work (medisecure.unit_of_work), each with the
exception its guard raises: an entry is created only once (EntryIdTaken),
replaced only at the version that was read and its revision kept only once
(EntryMoved: someone amended it meanwhile), and the summary replaced
only at the version that was read (SummaryMoved).
"""

from __future__ import annotations

from boto3.dynamodb.conditions import Attr, Key

from medisecure import dynamo
from medisecure.tables import MEDICAL_RECORDS
from medisecure.unit_of_work import Transaction
from patients.records.domain import (
    Addendum,
    ChartSummary,
    Entry,
    EntryIdTaken,
    EntryMoved,
    Revision,
    SummaryMoved,
    entry_key,
    entry_key_bound,
)
from patients.records.results import (
    REVIEW_RANKS,
    ResultAlreadyReviewed,
    ResultAlreadySeen,
    ResultNotice,
    Review,
)

SUMMARY_KEY = "summary"
ENTRY_PREFIX = "entry#"
EXPORT_PAGE = 200
# An entry is amended a handful of times at most; one page holds them all.
REVISIONS_PAGE = 100
LIST_INDEX = "ListIndex"
UNSEEN_PREFIX = "unseen#"
REVIEW_PREFIX = "review#"


# --- entries -------------------------------------------------------------------


def _entry_values(entry: Entry) -> dict:
    return {
        "patientId": entry.patient_id,
        "recordKey": entry.record_key,
        "entryId": entry.entry_id,
        "kind": entry.kind,
        "recordedAt": entry.recorded_at,
        "recordedBy": entry.recorded_by,
        "recordedByName": entry.recorded_by_name,
        "values": {name: value for name, value in entry.values.items() if value != ""},
        "version": entry.version,
        "amendedAt": entry.amended_at or None,
        "amendedByName": entry.amended_by_name or None,
        "emergencyReason": entry.emergency_reason or None,
        "listKey": _kind_list(entry.patient_id, entry.kind),
        "listOrder": entry.entry_id,
    }


def _kind_list(patient_id: str, kind: str) -> str:
    return f"{patient_id}#{kind}"


def _entry_from(values: dict) -> Entry:
    return Entry(
        patient_id=values["patientId"],
        entry_id=values["entryId"],
        kind=values["kind"],
        recorded_at=values.get("recordedAt", ""),
        recorded_by=values.get("recordedBy", ""),
        recorded_by_name=values.get("recordedByName", ""),
        values={name: str(value) for name, value in (values.get("values") or {}).items()},
        version=int(values.get("version", 1)),
        amended_at=values.get("amendedAt", ""),
        amended_by_name=values.get("amendedByName", ""),
        emergency_reason=values.get("emergencyReason", ""),
    )


def _entry_item_key(patient_id: str, entry_id: str) -> dict:
    return {"patientId": patient_id, "recordKey": entry_key(entry_id)}


def entry_add(tx: Transaction, entry: Entry) -> None:
    tx.add(
        dynamo.put_entry(MEDICAL_RECORDS, _entry_values(entry), Attr("recordKey").not_exists()),
        refused=EntryIdTaken,
    )


def entry_amend(tx: Transaction, before: Entry, after: Entry, revision: Revision) -> None:
    """Replace `before` with `after` only if no one amended it meanwhile,
    and keep what it said as `revision` (created once, never replaced)."""
    revision_values = {
        "patientId": before.patient_id,
        "recordKey": _revision_key(revision.entry_id, revision.superseded_version),
        "entryId": revision.entry_id,
        "supersededVersion": revision.superseded_version,
        "values": {name: value for name, value in revision.values.items() if value != ""},
        "replacedAt": revision.replaced_at,
        "replacedBy": revision.replaced_by,
        "replacedByName": revision.replaced_by_name,
        "reason": revision.reason,
        "kind": revision.kind,
    }
    tx.add(
        dynamo.put_entry(MEDICAL_RECORDS, _entry_values(after), Attr("version").eq(before.version)),
        refused=EntryMoved,
    )
    tx.add(
        dynamo.put_entry(MEDICAL_RECORDS, revision_values, Attr("recordKey").not_exists()),
        refused=EntryMoved,
    )


def _revision_key(entry_id: str, superseded_version: int) -> str:
    return f"rev#{entry_id}#{superseded_version:06d}"


def _revision_from(values: dict) -> Revision:
    return Revision(
        entry_id=values["entryId"],
        superseded_version=int(values["supersededVersion"]),
        values={name: str(value) for name, value in (values.get("values") or {}).items()},
        replaced_at=values.get("replacedAt", ""),
        replaced_by=values.get("replacedBy", ""),
        replaced_by_name=values.get("replacedByName", ""),
        reason=values.get("reason", ""),
        kind=values.get("kind", ""),
    )


def entry_read(patient_id: str, entry_id: str) -> dynamo.ItemRead[Entry | None]:
    """An entry, to read in one round trip with the rest of the chart."""
    return dynamo.ItemRead(
        MEDICAL_RECORDS,
        _entry_item_key(patient_id, entry_id),
        lambda values: _entry_from(values) if values else None,
    )


def entry_get(patient_id: str, entry_id: str) -> Entry | None:
    values = dynamo.get(MEDICAL_RECORDS, _entry_item_key(patient_id, entry_id))
    return _entry_from(values) if values else None


def revisions_of(patient_id: str, entry_id: str) -> list[Revision]:
    """Every earlier version of an entry, newest first."""
    page = dynamo.query_page(
        MEDICAL_RECORDS,
        Key("patientId").eq(patient_id) & Key("recordKey").begins_with(f"rev#{entry_id}#"),
        list_name=f"revisions:{patient_id}:{entry_id}",
        limit=REVISIONS_PAGE,
        newest_first=True,
    )
    return [_revision_from(item) for item in page.items]


def history_page(
    patient_id: str, *, limit: int = 20, page_token: str | None = None
) -> tuple[list[Entry], str | None]:
    """One page of a patient's entries, newest first. Raises
    dynamo.InvalidPageToken for a token not issued for this history."""
    page = dynamo.query_page(
        MEDICAL_RECORDS,
        Key("patientId").eq(patient_id) & Key("recordKey").begins_with(ENTRY_PREFIX),
        list_name=f"history:{patient_id}",
        limit=limit,
        page_token=page_token,
        newest_first=True,
    )
    return [_entry_from(item) for item in page.items], page.next_token


def entries_recorded_between(patient_id: str, since: str, until: str, *, limit: int) -> list[Entry]:
    """The entries recorded from `since` until before `until` (clock
    stamps), oldest first, at most `limit`: one Query on the sort key, as
    ids start with their time."""
    items, _ = dynamo.query(
        MEDICAL_RECORDS,
        Key("patientId").eq(patient_id)
        & Key("recordKey").between(entry_key_bound(since), entry_key_bound(until)),
        limit=limit,
    )
    return [_entry_from(item) for item in items]


def all_entries(patient_id: str) -> list[Entry]:
    """Every entry, newest first, a page at a time (for the patient's
    download of their whole record)."""
    entries: list[Entry] = []
    start_key = None
    while True:
        items, start_key = dynamo.query(
            MEDICAL_RECORDS,
            Key("patientId").eq(patient_id) & Key("recordKey").begins_with(ENTRY_PREFIX),
            limit=EXPORT_PAGE,
            start_key=start_key,
            newest_first=True,
        )
        entries += [_entry_from(item) for item in items]
        if not start_key:
            return entries


# --- addenda ----------------------------------------------------------------------

ADDENDUM_PREFIX = "add#"


def _addendum_key(entry_id: str, addendum_id: str) -> str:
    return f"{ADDENDUM_PREFIX}{entry_id}#{addendum_id}"


def _addendum_from(values: dict) -> Addendum:
    return Addendum(
        patient_id=values["patientId"],
        entry_id=values["entryId"],
        addendum_id=values["addendumId"],
        added_at=values.get("addedAt", ""),
        added_by=values.get("addedBy", ""),
        added_by_name=values.get("addedByName", ""),
        text=values.get("text", ""),
        emergency_reason=values.get("emergencyReason", ""),
    )


def addendum_add(tx: Transaction, addendum: Addendum) -> None:
    """An addendum, created once and never replaced (EntryIdTaken: its
    random id came up twice)."""
    values = {
        "patientId": addendum.patient_id,
        "recordKey": _addendum_key(addendum.entry_id, addendum.addendum_id),
        "entryId": addendum.entry_id,
        "addendumId": addendum.addendum_id,
        "addedAt": addendum.added_at,
        "addedBy": addendum.added_by,
        "addedByName": addendum.added_by_name,
        "text": addendum.text,
        "emergencyReason": addendum.emergency_reason or None,
    }
    tx.add(dynamo.put_entry(MEDICAL_RECORDS, values, Attr("recordKey").not_exists()), refused=EntryIdTaken)


def addenda_of(patient_id: str, entry_id: str) -> list[Addendum]:
    """An entry's addenda, oldest first (a handful: one page holds them)."""
    items, _ = dynamo.query(
        MEDICAL_RECORDS,
        Key("patientId").eq(patient_id) & Key("recordKey").begins_with(f"{ADDENDUM_PREFIX}{entry_id}#"),
        limit=REVISIONS_PAGE,
    )
    return [_addendum_from(item) for item in items]


def all_addenda(patient_id: str) -> dict[str, list[Addendum]]:
    """Every addendum of the patient's history by entry id, oldest first, a
    page at a time (for the download of the whole record)."""
    addenda: dict[str, list[Addendum]] = {}
    start_key = None
    while True:
        items, start_key = dynamo.query(
            MEDICAL_RECORDS,
            Key("patientId").eq(patient_id) & Key("recordKey").begins_with(ADDENDUM_PREFIX),
            limit=EXPORT_PAGE,
            start_key=start_key,
        )
        for item in items:
            addendum = _addendum_from(item)
            addenda.setdefault(addendum.entry_id, []).append(addendum)
        if not start_key:
            return addenda


# --- the chart summary -----------------------------------------------------------


def kind_page(
    patient_id: str, kind: str, *, limit: int = 20, page_token: str | None = None
) -> tuple[list[Entry], str | None]:
    """One page of a patient's entries of one kind, newest first (ListIndex).
    Raises dynamo.InvalidPageToken for a token not issued for this list."""
    page = dynamo.query_page(
        MEDICAL_RECORDS,
        Key("listKey").eq(_kind_list(patient_id, kind)),
        index=LIST_INDEX,
        list_name=f"kind:{patient_id}:{kind}",
        limit=limit,
        page_token=page_token,
        newest_first=True,
    )
    return [_entry_from(item) for item in page.items], page.next_token


# --- a result's markers: new to the patient, waiting for review --------------------


def _marker_key(patient_id: str, prefix: str, entry_id: str) -> dict:
    return {"patientId": patient_id, "recordKey": f"{prefix}{entry_id}"}


def _notice_values(result: Entry) -> dict:
    values = result.values
    return {
        "entryId": result.entry_id,
        "testName": values.get("test_name", ""),
        "flag": values.get("flag", ""),
        "collected": values.get("collected", ""),
        "recordedAt": result.recorded_at,
        "value": values.get("value", ""),
        "unit": values.get("unit", ""),
    }


def _notice_from(values: dict) -> ResultNotice:
    return ResultNotice(
        patient_id=values["patientId"],
        entry_id=values["entryId"],
        test_name=values.get("testName", ""),
        flag=values.get("flag", ""),
        collected=values.get("collected", ""),
        recorded_at=values.get("recordedAt", ""),
        value=str(values.get("value", "")),
        unit=values.get("unit", ""),
        patient_name=values.get("patientName", ""),
    )


def result_markers_put(tx: Transaction, result: Entry, *, reviewer_id: str, patient_name: str) -> None:
    """Mark `result` new to the patient and waiting for `reviewer_id`'s
    review (replacing any marks an earlier version left)."""
    notice = _notice_values(result)
    tx.add(
        dynamo.put_entry(
            MEDICAL_RECORDS, {**_marker_key(result.patient_id, UNSEEN_PREFIX, result.entry_id), **notice}
        )
    )
    rank = REVIEW_RANKS.get(notice["flag"], 1)
    tx.add(
        dynamo.put_entry(
            MEDICAL_RECORDS,
            {
                **_marker_key(result.patient_id, REVIEW_PREFIX, result.entry_id),
                **notice,
                "patientName": patient_name,
                "listKey": f"{REVIEW_PREFIX}{reviewer_id}",
                "listOrder": f"{rank}#{result.entry_id}",
            },
        )
    )


def unseen_read(patient_id: str, entry_id: str) -> dynamo.ItemRead[bool]:
    """Whether the patient has yet to open this result."""
    return dynamo.ItemRead(
        MEDICAL_RECORDS, _marker_key(patient_id, UNSEEN_PREFIX, entry_id), lambda values: values is not None
    )


def unseen_clear(tx: Transaction, patient_id: str, entry_id: str) -> None:
    """The patient has opened the result: only once (ResultAlreadySeen)."""
    tx.add(
        dynamo.delete_entry(
            MEDICAL_RECORDS,
            _marker_key(patient_id, UNSEEN_PREFIX, entry_id),
            Attr("recordKey").exists(),
        ),
        refused=ResultAlreadySeen,
    )


def unseen_list(patient_id: str, *, limit: int) -> list[ResultNotice]:
    """The patient's results not yet opened, newest first: one Query."""
    items, _ = dynamo.query(
        MEDICAL_RECORDS,
        Key("patientId").eq(patient_id) & Key("recordKey").begins_with(UNSEEN_PREFIX),
        limit=limit,
        newest_first=True,
    )
    return [_notice_from(item) for item in items]


def review_read(patient_id: str, entry_id: str) -> dynamo.ItemRead[ResultNotice | None]:
    """The result's review-queue item, if it still waits for review."""
    return dynamo.ItemRead(
        MEDICAL_RECORDS,
        _marker_key(patient_id, REVIEW_PREFIX, entry_id),
        lambda values: _notice_from(values) if values else None,
    )


def reviewed_read(patient_id: str, entry_id: str) -> dynamo.ItemRead[Review | None]:
    """Who reviewed the result last, and when."""
    return dynamo.ItemRead(
        MEDICAL_RECORDS,
        _marker_key(patient_id, "reviewed#", entry_id),
        lambda values: (
            Review(values.get("reviewedByName", ""), values.get("reviewedAt", "")) if values else None
        ),
    )


def review_done(tx: Transaction, patient_id: str, entry_id: str, *, by: str, by_name: str, at: str) -> None:
    """Take the result off the review queue (only while it is on it:
    ResultAlreadyReviewed) and note who reviewed it."""
    tx.add(
        dynamo.delete_entry(
            MEDICAL_RECORDS,
            _marker_key(patient_id, REVIEW_PREFIX, entry_id),
            Attr("recordKey").exists(),
        ),
        refused=ResultAlreadyReviewed,
    )
    tx.add(
        dynamo.put_entry(
            MEDICAL_RECORDS,
            {
                **_marker_key(patient_id, "reviewed#", entry_id),
                "entryId": entry_id,
                "reviewedBy": by,
                "reviewedByName": by_name,
                "reviewedAt": at,
            },
        )
    )


def review_list(provider_id: str, *, limit: int) -> list[ResultNotice]:
    """The results waiting for this doctor's review, critical first, then
    out of range, newest first within each: one Query of ListIndex."""
    items, _ = dynamo.query(
        MEDICAL_RECORDS,
        Key("listKey").eq(f"{REVIEW_PREFIX}{provider_id}"),
        index=LIST_INDEX,
        limit=limit,
        newest_first=True,
    )
    return [_notice_from(item) for item in items]


# --- the chart summary -----------------------------------------------------------


def _summary_key(patient_id: str) -> dict:
    return {"patientId": patient_id, "recordKey": SUMMARY_KEY}


def _summary_from(patient_id: str, values: dict | None) -> ChartSummary:
    if not values:
        return ChartSummary(patient_id=patient_id)
    vitals = values.get("latestVitals")
    return ChartSummary(
        patient_id=patient_id,
        version=int(values.get("version", 0)),
        entries=tuple(_entry_from(item) for item in values.get("entries", [])),
        latest_vitals=_entry_from(vitals) if vitals else None,
        recent_notes=tuple(_entry_from(item) for item in values.get("recentNotes", [])),
        recent_results=tuple(_entry_from(item) for item in values.get("recentResults", [])),
        vitals_series=tuple(_entry_from(item) for item in values.get("vitalsSeries", [])),
    )


def summary_read(patient_id: str) -> dynamo.ItemRead[ChartSummary]:
    """The chart summary (an empty one before the first entry), to read in
    one round trip with the rest of the chart."""
    return dynamo.ItemRead(
        MEDICAL_RECORDS, _summary_key(patient_id), lambda values: _summary_from(patient_id, values)
    )


def summary_get(patient_id: str) -> ChartSummary:
    return _summary_from(patient_id, dynamo.get(MEDICAL_RECORDS, _summary_key(patient_id)))


def _summarised(entry: Entry) -> dict:
    # Entries inside the summary are copies: they join no list of the index.
    values = _entry_values(entry)
    del values["listKey"], values["listOrder"]
    return values


def summary_save(tx: Transaction, before: ChartSummary, after: ChartSummary) -> None:
    """Replace the summary with `after`, only if it is still `before`."""
    values = {
        **_summary_key(after.patient_id),
        "version": after.version,
        "entries": [_summarised(entry) for entry in after.entries],
        "latestVitals": _summarised(after.latest_vitals) if after.latest_vitals else None,
        "recentNotes": [_summarised(note) for note in after.recent_notes],
        "recentResults": [_summarised(result) for result in after.recent_results],
        "vitalsSeries": [_summarised(reading) for reading in after.vitals_series],
    }
    guard = Attr("recordKey").not_exists() if before.version == 0 else Attr("version").eq(before.version)
    tx.add(dynamo.put_entry(MEDICAL_RECORDS, values, guard), refused=SummaryMoved)
