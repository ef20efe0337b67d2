"""Lab results and immunizations: the rules of what a doctor records, how a
result is flagged against its range, how it is said to the patient, and
the small items that say a result is new to the patient or waiting for the
doctor's review. Plain data and rules only.

A result is an entry of the patient's history (kind "result"): append-only,
amended like any other. Two marker items sit beside it in the patient's
partition, written in the result's own transaction:

  "unseen#<entryId>"   the patient has not opened it yet (deleted, on a
                       condition, the first time they do)
  "review#<entryId>"   it waits for the recording doctor's review (on the
                       table's ListIndex under "review#<providerId>",
                       ordered critical first; deleted when reviewed)

An amendment writes both again: a changed result is new to the patient and
needs the doctor's eyes again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from medisecure.errors import DomainError, NotFound

LOW = "low"
NORMAL = "normal"
HIGH = "high"
CRITICAL = "critical"
FLAGS = (LOW, NORMAL, HIGH, CRITICAL)
# The doctor's review list is ordered by this, highest first (then newest).
REVIEW_RANKS = {CRITICAL: 3, HIGH: 2, LOW: 2, NORMAL: 1, "": 1}

# LOINC codes are up to seven digits, a hyphen and a check digit: 2345-7.
LOINC_SHAPE = re.compile(r"^[0-9]{1,7}-[0-9]$")
# CVX vaccine codes are one to three digits: 03, 208.
CVX_SHAPE = re.compile(r"^[0-9]{1,3}$")
IMMUNIZATION_SITES = (
    ("left_arm", _("Left arm")),
    ("right_arm", _("Right arm")),
    ("left_thigh", _("Left thigh")),
    ("right_thigh", _("Right thigh")),
    ("oral", _("By mouth")),
    ("nasal", _("Nose")),
    ("other", _("Other")),
)
SITE_LABELS = dict(IMMUNIZATION_SITES)


def loinc_shape_ok(code: str) -> bool:
    return bool(LOINC_SHAPE.match(code))


def cvx_shape_ok(code: str) -> bool:
    return bool(CVX_SHAPE.match(code))


def number_or_none(text: str) -> Decimal | None:
    """A finite decimal, or None for anything else (the forms say why)."""
    try:
        number = Decimal(text)
    except (InvalidOperation, TypeError):
        return None
    return number if number.is_finite() else None


def range_problems(
    *, low: Decimal | None, high: Decimal | None, critical_low: Decimal | None, critical_high: Decimal | None
) -> dict[str, str]:
    """Why a range cannot be, by field; empty when it can. A range needs at
    least one end; critical limits lie outside the usual range."""
    problems: dict[str, str] = {}
    if low is None and high is None:
        problems["range_low"] = _("Enter the usual range: its lower end, its upper end or both.")
    if low is not None and high is not None and low > high:
        problems["range_high"] = _("The upper end of the range cannot be below its lower end.")
    if critical_low is not None and low is not None and critical_low > low:
        problems["critical_low"] = _("The critical lower limit must be at or below the usual range.")
    if critical_high is not None and high is not None and critical_high < high:
        problems["critical_high"] = _("The critical upper limit must be at or above the usual range.")
    if critical_low is not None and critical_high is not None and critical_low >= critical_high:
        problems["critical_high"] = _("The critical upper limit must be above the critical lower limit.")
    return problems


def result_flag(
    value: Decimal,
    *,
    low: Decimal | None,
    high: Decimal | None,
    critical_low: Decimal | None = None,
    critical_high: Decimal | None = None,
) -> str:
    """The flag a value earns against its range. The usual range includes
    its ends (a value equal to an end is normal); a value beyond a critical
    limit (strictly) is critical."""
    if (critical_low is not None and value < critical_low) or (
        critical_high is not None and value > critical_high
    ):
        return CRITICAL
    if low is not None and value < low:
        return LOW
    if high is not None and value > high:
        return HIGH
    return NORMAL


def range_words(values: dict) -> str:
    """Where a result falls, in the patient's words."""
    flag = values.get("flag", "")
    if flag == NORMAL:
        return _("Within the usual range")
    if flag == LOW:
        return _("Lower than the usual range")
    if flag == HIGH:
        return _("Higher than the usual range")
    if flag == CRITICAL:
        return _("Far outside the usual range")
    return _("No usual range was given")


@dataclass(frozen=True)
class ResultNotice:
    """A result as a short list shows it (the patient's new results, the
    doctor's results to review), read from its marker item alone."""

    patient_id: str
    entry_id: str
    test_name: str
    flag: str
    collected: str  # ISO date
    recorded_at: str  # clock.stamp
    value: str = ""
    unit: str = ""
    patient_name: str = ""  # on the doctor's list only

    @property
    def critical(self) -> bool:
        return self.flag == CRITICAL

    @property
    def flag_label(self) -> str:
        return {LOW: "Low", NORMAL: "Normal", HIGH: "High", CRITICAL: "Critical"}.get(self.flag, "")

    @property
    def words(self) -> str:
        return range_words({"flag": self.flag})


@dataclass(frozen=True)
class Review:
    """Who reviewed a result, and when (the latest review)."""

    reviewed_by_name: str
    reviewed_at: str  # clock.stamp


class ResultNotFound(NotFound):
    """No such result in this patient's record (or not theirs to see)."""


class ResultAlreadyReviewed(DomainError):
    """The result was reviewed already (by this doctor or another)."""


class ResultAlreadySeen(DomainError):
    """The patient had opened the result already (another tab got there first)."""


def flagged(values: dict) -> dict:
    """A result's values with its flag computed from its value and range
    (the flag is never taken from input)."""
    value = number_or_none(values.get("value", ""))
    bounds = {
        name: number_or_none(values.get(name, ""))
        for name in ("range_low", "range_high", "critical_low", "critical_high")
    }
    flag = ""
    if value is not None:
        flag = result_flag(
            value,
            low=bounds["range_low"],
            high=bounds["range_high"],
            critical_low=bounds["critical_low"],
            critical_high=bounds["critical_high"],
        )
    return {**values, "flag": flag}
