"""Vitals over time: each measurement's readings from the chart summary's
series, oldest first, in one unit (temperature in the clinic's unit,
weight in the latest reading's), with the last value, its date and the
change since the previous reading; body mass index worked out from weight
and height; and the geometry of a small chart of each (drawn as SVG by the
template, no JavaScript). Plain data and rules only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from patients.records.domain import Entry
from patients.records.results import number_or_none

KG_PER_LB = Decimal("0.45359237")
CM_PER_IN = Decimal("2.54")

# The chart's drawing area (SVG user units), inside its margins.
WIDTH, HEIGHT = Decimal(320), Decimal(140)
LEFT, RIGHT, TOP, BOTTOM = Decimal(44), Decimal(12), Decimal(12), Decimal(24)


def celsius(value: Decimal, unit: str) -> Decimal:
    return (value - 32) * 5 / 9 if unit == "F" else value


def in_unit(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """A temperature or a weight in another unit of its kind."""
    if from_unit == to_unit:
        return value
    if (from_unit, to_unit) == ("C", "F"):
        return value * 9 / 5 + 32
    if (from_unit, to_unit) == ("F", "C"):
        return (value - 32) * 5 / 9
    if (from_unit, to_unit) == ("lb", "kg"):
        return value * KG_PER_LB
    if (from_unit, to_unit) == ("kg", "lb"):
        return value / KG_PER_LB
    raise ValueError(f"cannot convert {from_unit} to {to_unit}")


def body_mass_index(weight: Decimal, weight_unit: str, height: Decimal, height_unit: str) -> Decimal:
    """kg / m², to one decimal place."""
    kilograms = in_unit(weight, weight_unit, "kg")
    metres = (height * CM_PER_IN if height_unit == "in" else height) / 100
    return (kilograms / (metres * metres)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def with_bmi(values: dict) -> dict:
    """A reading's values with its BMI, when it has a weight and a height."""
    weight, height = number_or_none(values.get("weight", "")), number_or_none(values.get("height", ""))
    if weight is None or height is None or not height:
        return {**values, "bmi": ""}
    bmi = body_mass_index(weight, values.get("weight_unit", "kg"), height, values.get("height_unit", "cm"))
    return {**values, "bmi": str(bmi)}


def _rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Reading:
    recorded_at: str  # clock.stamp
    value: Decimal
    second: Decimal | None = None  # diastolic, for blood pressure

    @property
    def shown(self) -> str:
        return f"{self.value}/{self.second}" if self.second is not None else str(self.value)


@dataclass(frozen=True)
class Point:
    x: Decimal
    y: Decimal
    y2: Decimal | None
    reading: Reading


@dataclass(frozen=True)
class Trend:
    """One measurement over time, oldest reading first."""

    key: str
    label: str
    unit: str
    readings: list[Reading]

    @property
    def last(self) -> Reading:
        return self.readings[-1]

    @property
    def previous(self) -> Reading | None:
        return self.readings[-2] if len(self.readings) > 1 else None

    @property
    def change(self) -> str:
        """Since the previous reading, signed ("+4", "-0.5", "+4/-2"), or
        "" when there is only one."""
        previous = self.previous
        if previous is None:
            return ""
        change = _signed(self.last.value - previous.value)
        if self.last.second is not None and previous.second is not None:
            change += "/" + _signed(self.last.second - previous.second)
        return change

    # --- the chart's geometry ---------------------------------------------------

    def _bounds(self) -> tuple[Decimal, Decimal]:
        values = [reading.value for reading in self.readings]
        values += [reading.second for reading in self.readings if reading.second is not None]
        low, high = min(values), max(values)
        if low == high:  # one reading, or all alike: a flat line in the middle
            low, high = low - 1, high + 1
        return low, high

    @property
    def axis(self) -> tuple[str, str]:
        low, high = self._bounds()
        return str(_rounded(low, 1)).removesuffix(".0"), str(_rounded(high, 1)).removesuffix(".0")

    def points(self) -> list[Point]:
        """Each reading's place: x by its time (evenly spaced when they share
        one moment), y by its value, the chart's top the highest."""
        times = [_seconds(reading.recorded_at) for reading in self.readings]
        first, span = times[0], times[-1] - times[0]
        low, high = self._bounds()
        plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
        count = len(self.readings)

        def x_of(index: int) -> Decimal:
            if count == 1:
                return LEFT + plot_width / 2
            share = Decimal(str((times[index] - first) / span)) if span else Decimal(index) / (count - 1)
            return LEFT + plot_width * share

        def y_of(value: Decimal) -> Decimal:
            return TOP + plot_height * (high - value) / (high - low)

        return [
            Point(
                x=_rounded(x_of(index), 1),
                y=_rounded(y_of(reading.value), 1),
                y2=_rounded(y_of(reading.second), 1) if reading.second is not None else None,
                reading=reading,
            )
            for index, reading in enumerate(self.readings)
        ]

    @property
    def line(self) -> str:
        """The polyline's points ("x,y x,y"), or "" for a single reading."""
        points = self.points()
        return " ".join(f"{p.x},{p.y}" for p in points) if len(points) > 1 else ""

    @property
    def line2(self) -> str:
        points = self.points()
        if len(points) < 2 or any(p.y2 is None for p in points):
            return ""
        return " ".join(f"{p.x},{p.y2}" for p in points)


def _seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def _signed(value: Decimal) -> str:
    normal = value.normalize()
    text = f"{normal:f}"
    return text if value < 0 else f"+{text}"


def _converted(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """As entered in its own unit; converted to one decimal place."""
    return value if from_unit == to_unit else _rounded(in_unit(value, from_unit, to_unit), 1)


def _number(values: dict, name: str) -> Decimal | None:
    return number_or_none(values.get(name, ""))


def trends(series: tuple[Entry, ...] | list[Entry], *, temperature_unit: str) -> list[Trend]:
    """The charted measurements from the summary's series (newest first),
    each oldest first; a measurement with no reading is left out."""
    oldest_first = sorted(series, key=lambda entry: entry.record_key)
    pressure: list[Reading] = []
    heart: list[Reading] = []
    weight: list[Reading] = []
    temperature: list[Reading] = []
    bmi: list[Reading] = []
    weight_unit = next(
        (e.values["weight_unit"] for e in reversed(oldest_first) if e.values.get("weight_unit")), "kg"
    )
    height: tuple[Decimal, str] | None = None
    for entry in oldest_first:
        values, at = entry.values, entry.recorded_at
        systolic, diastolic = _number(values, "systolic"), _number(values, "diastolic")
        if systolic is not None and diastolic is not None:
            pressure.append(Reading(at, systolic, diastolic))
        if (rate := _number(values, "heart_rate")) is not None:
            heart.append(Reading(at, rate))
        if (degrees := _number(values, "temperature")) is not None:
            unit = values.get("temperature_unit") or "C"
            temperature.append(Reading(at, _converted(degrees, unit, temperature_unit)))
        if (tall := _number(values, "height")) is not None:
            height = (tall, values.get("height_unit") or "cm")
        if (mass := _number(values, "weight")) is not None:
            unit = values.get("weight_unit") or "kg"
            weight.append(Reading(at, _converted(mass, unit, weight_unit)))
            if height is not None and height[0]:  # the latest height measured so far
                bmi.append(Reading(at, body_mass_index(mass, unit, height[0], height[1])))
    shown_degrees = "°F" if temperature_unit == "F" else "°C"
    found = [
        Trend("blood_pressure", _("Blood pressure"), "mmHg", pressure),
        Trend("heart_rate", _("Heart rate"), _("beats per minute"), heart),
        Trend("weight", _("Weight"), weight_unit, weight),
        Trend("temperature", _("Temperature"), shown_degrees, temperature),
        Trend("bmi", _("Body mass index (BMI)"), "kg/m²", bmi),
    ]
    return [trend for trend in found if trend.readings]
