"""One row per measured figure, printed as a table and written as JSON."""

from __future__ import annotations

import json
import math
import operator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

try:
    from rich.console import Console
    from rich.table import Table
except ImportError:  # rich comes with the cli extra; plain text does without it
    Console = None  # type: ignore[assignment,misc]

__all__ = ["Goal", "Row", "print_table", "write_json"]

_COMPARE = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
}


@dataclass(frozen=True)
class Goal:
    """A target on ``value`` or ``ratio``, e.g. ``Goal("ratio", "<=", 1.15)``."""

    on: str
    op: str
    limit: float

    def __str__(self) -> str:
        return f"{self.on} {self.op} {self.limit:g}"

    def met(self, row: Row) -> bool | None:
        """Whether the row meets the goal; ``None`` when the figure is missing."""
        figure = row.value if self.on == "value" else row.ratio
        if figure is None or math.isnan(figure):
            return None
        return bool(_COMPARE[self.op](figure, self.limit))


@dataclass
class Row:
    """A figure, the baseline it is compared with, and their ratio.

    ``name`` is stable across versions, so results can be compared over time; what
    a run varied (file size, call count) goes into ``params``.
    """

    name: str
    value: float
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    goal: Goal | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.ratio is None and self.baseline:
            self.ratio = self.value / self.baseline

    @property
    def met(self) -> bool | None:
        """Whether the goal is met, or ``None`` without a goal."""
        return None if self.goal is None else self.goal.met(self)

    def as_json(self) -> dict[str, Any]:
        """The row as the JSON object written by ``--json``."""
        data = asdict(self)
        data["goal"] = None if self.goal is None else str(self.goal)
        data["met"] = self.met
        return data


def write_json(rows: list[Row], path: Path) -> None:
    """Write the rows as a JSON list of objects."""
    path.write_text(json.dumps([row.as_json() for row in rows], indent=2) + "\n")


def _figure(number: float | None) -> str:
    if number is None:
        return "-"
    if number == 0 or abs(number) >= 100:
        return f"{number:,.0f}"
    if abs(number) >= 10:
        return f"{number:.1f}"
    return f"{number:.3g}"


def print_table(rows: list[Row], title: str) -> None:
    """Print the rows as one table (rich when installed, plain text otherwise)."""
    header = ["name", "value", "unit", "baseline", "ratio", "goal", "met", "params"]
    lines = [
        [
            row.name,
            _figure(row.value),
            row.unit,
            _figure(row.baseline),
            "-" if row.ratio is None else f"{row.ratio:.3f}",
            "-" if row.goal is None else str(row.goal),
            {True: "yes", False: "NO", None: "-"}[row.met],
            ", ".join(f"{key}={value}" for key, value in row.params.items()),
        ]
        for row in rows
    ]
    if Console is None:
        columns = zip(header, *lines, strict=False)
        widths = [max(len(cell) for cell in column) for column in columns]
        print(title)
        for line in [header, *lines]:
            print(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(line, widths, strict=True)
                )
            )
        return
    table = Table(title=title)
    for name in header:
        table.add_column(name, justify="right" if name in header[1:5] else "left")
    for line in lines:
        table.add_row(*line)
    Console(width=200).print(table)
