"""The dashboard's charts as plain data: the counters of one metric laid
out as rows and columns, every cell suppressed as it must be, and the bars
that draw the cells that may be shown. No Django, no boto3.

Suppression. A shown value is a sum of weekly counters (a week's row is a
sum of one). It is shown only when it is 11 or more AND none of the weekly
counters it adds up is between 1 and 10; under 11 it reads "<11"; otherwise
it is withheld. So a total never reveals a small cell beside it (its column
holds a small cell, so the total is withheld), and no two date ranges can
be subtracted to reveal one (a range total is shown only when each of its
weeks could have been shown on its own, or was none)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

SMALL_CELL = 11
FEWER = f"<{SMALL_CELL}"
WITHHELD = "withheld"

# The chart's drawing box (the SVG's viewBox; it scales to the page).
WIDTH = 640
LABEL_WIDTH = 170
VALUE_WIDTH = 60
BAR_HEIGHT = 12
BAR_GAP = 2
ROW_GAP = 10
# Series colours, distinct for the common colour-vision deficiencies (Okabe-Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


@dataclass(frozen=True)
class Value:
    text: str  # what every place shows: a number, "<11" or "withheld"
    amount: int | None  # the number when it may be shown, else None


def suppressed(weekly: Iterable[int]) -> Value:
    """The value of a sum of weekly counters as it may be shown."""
    counts = [max(0, count) for count in weekly]
    total = sum(counts)
    if total < SMALL_CELL:
        return Value(FEWER, None)
    if any(0 < count < SMALL_CELL for count in counts):
        return Value(WITHHELD, None)
    return Value(str(total), total)


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    colour: str
    text: str
    text_x: int
    text_y: int


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    explanation: str
    row_heading: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    total: Row

    @property
    def csv_rows(self) -> list[list[str]]:
        """Exactly the table: its heading, its rows and its total."""
        lines = [[self.row_heading, *self.columns]]
        for row in (*self.rows, self.total):
            lines.append([row.label, *(value.text for value in row.values)])
        return lines

    @property
    def legend(self) -> list[tuple[str, str]]:
        return [(column, PALETTE[index % len(PALETTE)]) for index, column in enumerate(self.columns)]

    @property
    def row_height(self) -> int:
        return len(self.columns) * (BAR_HEIGHT + BAR_GAP) + ROW_GAP

    @property
    def height(self) -> int:
        return max(1, len(self.rows)) * self.row_height

    @property
    def drawn_rows(self) -> list[tuple[int, str, list[Bar]]]:
        """Each row's label position, label and bars (a value that may not
        be shown has no bar, only its text)."""
        largest = max((value.amount or 0 for row in self.rows for value in row.values), default=0) or 1
        room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
        drawn = []
        for number, row in enumerate(self.rows):
            top = number * self.row_height
            bars = []
            for index, value in enumerate(row.values):
                y = top + index * (BAR_HEIGHT + BAR_GAP)
                width = round(room * (value.amount or 0) / largest)
                bars.append(
                    Bar(
                        x=LABEL_WIDTH,
                        y=y,
                        width=width,
                        height=BAR_HEIGHT,
                        colour=PALETTE[index % len(PALETTE)],
                        text=value.text,
                        text_x=LABEL_WIDTH + width + 4,
                        text_y=y + BAR_HEIGHT - 2,
                    )
                )
            drawn.append((top + self.row_height // 2, row.label, bars))
        return drawn

    @property
    def summary(self) -> str:
        """The chart in words, for its text alternative."""
        shown = [
            (value.amount, row.label, column)
            for row in self.rows
            for value, column in zip(row.values, self.columns, strict=True)
            if value.amount is not None
        ]
        if not shown:
            return (
                f"{self.title}: every count in this range is under {SMALL_CELL} or withheld, "
                "so none is drawn. The table beside the chart lists each."
            )
        amount, label, column = max(shown)
        which = f"{column}, {label}" if len(self.columns) > 1 else label
        return (
            f"{self.title}, {len(self.rows)} rows. The largest shown is {which}: {amount}. "
            f"Counts under {SMALL_CELL} are not drawn. The table beside the chart lists every value."
        )


def chart(
    *,
    slug: str,
    title: str,
    explanation: str,
    row_heading: str,
    rows: Sequence[tuple[str, str]],
    columns: Sequence[tuple[str, str]],
    counters: dict[str, int],
    cell_of: Callable[[str, str, str], str | None],
    weeks: Sequence[str],
    complementary: bool = False,
) -> Chart:
    """A chart of `rows` (key, label) by `columns` (key, label), each value
    the sum over `weeks` of its counters (`cell_of` names the counter of a
    week, row and column, or None where the row has none that week),
    suppressed; and its total row.

    `complementary`: the rows split a whole whose total another chart may
    show (bookings by specialty add up to the bookings of the range), so a
    column with one row hidden hides its smallest shown row too, and the
    hidden one cannot be worked out as the whole less the rest. A row whose
    count is 0 is hidden too but needs no such cover: working it out
    reveals no one."""
    weekly: dict[tuple[str, str], list[int]] = defaultdict(list)
    for week in weeks:
        for row_key, _ in rows:
            for column_key, _ in columns:
                name = cell_of(week, row_key, column_key)
                if name is not None:
                    weekly[(row_key, column_key)].append(counters.get(name, 0))
    values = {key: suppressed(counts) for key, counts in weekly.items()}
    if complementary:
        for column_key, _ in columns:
            column = [(row_key, column_key) for row_key, _ in rows]
            hidden = [
                key
                for key in column
                if values.get(key, suppressed([])).amount is None and sum(weekly[key]) > 0
            ]
            shown = [key for key in column if values.get(key, suppressed([])).amount is not None]
            if len(hidden) == 1 and shown:
                cover = min(shown, key=lambda key: values[key].amount or 0)
                values[cover] = Value(WITHHELD, None)
    built = tuple(
        Row(label, tuple(values.get((row_key, column_key), suppressed([])) for column_key, _ in columns))
        for row_key, label in rows
    )
    total = Row(
        "Total",
        tuple(
            suppressed([count for row_key, _ in rows for count in weekly[(row_key, column_key)]])
            for column_key, _ in columns
        ),
    )
    return Chart(
        slug=slug,
        title=title,
        explanation=explanation,
        row_heading=row_heading,
        columns=tuple(label for _, label in columns),
        rows=built,
        total=total,
    )
