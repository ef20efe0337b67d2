"""Every DynamoDB call for visit types, locations and the bookable markers:
one partition of one table, ids prefixed by kind ("visit_type#<id>"), so
one Query reads every choice (a clinic has a handful of each); a choice is
replaced only at the version it was read at."""

from __future__ import annotations

from boto3.dynamodb.conditions import Attr, Key

from appointments.choices.domain import (
    BOOKABLE,
    LOCATION,
    PARTITION,
    VISIT_TYPE,
    ClinicChoices,
    Location,
    VisitType,
)
from medisecure import dynamo
from medisecure.errors import ConcurrentUpdate
from medisecure.tables import CLINIC_CHOICES
from medisecure.unit_of_work import Transaction

LIST_LIMIT = 500
MAX_PAGES = 4


def _key(kind: str, choice_id: str) -> dict:
    return {"kind": PARTITION, "choiceId": f"{kind}#{choice_id}"}


def _own_id(values: dict) -> str:
    return values["choiceId"].split("#", 1)[1]


def _visit_type_values(visit_type: VisitType) -> dict:
    return {
        **_key(VISIT_TYPE, visit_type.visit_type_id),
        "name": visit_type.name,
        "minutes": visit_type.minutes,
        "telehealth": visit_type.telehealth,
        "specialties": list(visit_type.specialties),
        "version": visit_type.version,
    }


def visit_type_from(values: dict | None) -> VisitType | None:
    if not values:
        return None
    return VisitType(
        visit_type_id=_own_id(values),
        name=values.get("name", ""),
        minutes=int(values.get("minutes", 30)),
        telehealth=bool(values.get("telehealth", False)),
        specialties=tuple(values.get("specialties", [])),
        version=int(values.get("version", 1)),
    )


def _location_values(location: Location) -> dict:
    return {
        **_key(LOCATION, location.location_id),
        "name": location.name,
        "address": location.address,
        "phone": location.phone,
        "openingHours": location.opening_hours,
        "version": location.version,
    }


def location_from(values: dict | None) -> Location | None:
    if not values:
        return None
    return Location(
        location_id=_own_id(values),
        name=values.get("name", ""),
        address=values.get("address", ""),
        phone=values.get("phone", ""),
        opening_hours=values.get("openingHours", ""),
        version=int(values.get("version", 1)),
    )


def choices_all() -> ClinicChoices:
    """Every visit type, location and bookable marker: one Query (more pages
    only past LIST_LIMIT items)."""
    items, start_key = [], None
    for _ in range(MAX_PAGES):
        page, start_key = dynamo.query(
            CLINIC_CHOICES, Key("kind").eq(PARTITION), limit=LIST_LIMIT, start_key=start_key
        )
        items += page
        if not start_key:
            break
    kinds: dict[str, list[dict]] = {}
    for item in items:
        kinds.setdefault(item["choiceId"].split("#", 1)[0], []).append(item)
    visit_types = [v for v in map(visit_type_from, kinds.get(VISIT_TYPE, [])) if v is not None]
    locations = [loc for loc in map(location_from, kinds.get(LOCATION, [])) if loc is not None]
    return ClinicChoices(
        visit_types=tuple(sorted(visit_types, key=lambda v: (v.minutes, v.name))),
        locations=tuple(sorted(locations, key=lambda loc: loc.name)),
        bookable_specialties=frozenset(item.get("specialty", "") for item in kinds.get(BOOKABLE, [])),
    )


def visit_type_read(visit_type_id: str) -> dynamo.ItemRead[VisitType | None]:
    return dynamo.ItemRead(CLINIC_CHOICES, _key(VISIT_TYPE, visit_type_id), visit_type_from)


def location_read(location_id: str) -> dynamo.ItemRead[Location | None]:
    return dynamo.ItemRead(CLINIC_CHOICES, _key(LOCATION, location_id), location_from)


def _guard(expected_version: int):
    return Attr("choiceId").not_exists() if expected_version == 0 else Attr("version").eq(expected_version)


def visit_type_save_add(tx: Transaction, visit_type: VisitType, *, expected_version: int) -> None:
    tx.add(
        dynamo.put_entry(CLINIC_CHOICES, _visit_type_values(visit_type), _guard(expected_version)),
        refused=ConcurrentUpdate,
    )


def location_save_add(tx: Transaction, location: Location, *, expected_version: int) -> None:
    tx.add(
        dynamo.put_entry(CLINIC_CHOICES, _location_values(location), _guard(expected_version)),
        refused=ConcurrentUpdate,
    )


def bookable_mark_add(tx: Transaction, *, specialty: str, provider_id: str, bookable: bool) -> None:
    """The doctor's marker under their specialty: there while they have
    hours, gone when they have none (either is idempotent)."""
    key = _key(BOOKABLE, f"{specialty}#{provider_id}")
    if bookable:
        tx.add(dynamo.put_entry(CLINIC_CHOICES, {**key, "specialty": specialty, "providerId": provider_id}))
    else:
        tx.add(dynamo.delete_entry(CLINIC_CHOICES, key))
