"""``rooms bulk-create``: a CSV of room settings in, one result row per input row out.

A bad row never stops the batch. A row that cannot be read (a value that does
not parse, a missing setting, too many or too few cells) is reported as failed
without a call; the others go to ``rooms.create_many``, whose per-room outcome
(created, failed, or unknown when the request may have reached the service) is
reported in the row's place. The output has one row per input row, in order.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable

import attrs

from .._client import BaijiayunClient
from .._namespaces.rooms import Rooms
from ._output import Row
from ._specs import SpecError, spec_from_text

__all__ = ["RESULT_COLUMNS", "InputRow", "create_rooms", "read_rooms_csv", "tally"]

RESULT_COLUMNS = [
    "row",
    "title",
    "status",
    "room_id",
    "admin_code",
    "teacher_code",
    "student_code",
    "error",
]


@attrs.frozen
class InputRow:
    """One data row of the input: its settings, or why they cannot be used."""

    number: int
    title: str
    spec: dict[str, object] | None
    problem: str | None = None


def read_rooms_csv(lines: Iterable[str]) -> list[InputRow]:
    """Read a header of ``rooms.create`` settings and one room per following row.

    Blank lines are skipped and do not count as rows. Raises :class:`SpecError`
    only when there is no header at all.
    """
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise SpecError("the file is empty; expected a header row of room settings")
    columns = [name.strip() for name in header]
    repeated = sorted({name for name in columns if columns.count(name) > 1})

    rows: list[InputRow] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        number = len(rows) + 1
        named = dict(zip(columns, cells, strict=False))
        title = named.get("title", "").strip()
        try:
            if repeated:
                raise SpecError("the header repeats " + ", ".join(repeated))
            if len(cells) != len(columns):
                raise SpecError(
                    f"the row has {len(cells)} cells but the header has "
                    f"{len(columns)} columns"
                )
            spec = spec_from_text(named, Rooms.create)
        except SpecError as exc:
            rows.append(InputRow(number, title, None, str(exc)))
        else:
            rows.append(InputRow(number, title, spec))
    return rows


async def create_rooms(
    client: BaijiayunClient,
    rows: list[InputRow],
    *,
    concurrency: int,
    reconcile: bool,
    progress: Callable[[int, int], None] | None = None,
) -> list[Row]:
    """Create the rooms of the readable rows; return one result row per input row."""
    readable = [row for row in rows if row.spec is not None]
    results = await client.rooms.create_many(
        [row.spec for row in readable if row.spec is not None],
        concurrency=concurrency,
        progress=progress,
        reconcile=reconcile,
    )
    outcomes: dict[int, Row] = {}
    for result in results:
        row = readable[result.index]
        outcome: Row = {"status": result.status}
        if result.room is not None:
            outcome.update(
                room_id=result.room.room_id,
                admin_code=result.room.admin_code,
                teacher_code=result.room.teacher_code,
                student_code=result.room.student_code,
            )
        if result.error is not None:
            outcome["error"] = str(result.error)
        outcomes[row.number] = outcome

    unread: Row = {"status": "failed"}
    return [
        {
            "row": row.number,
            "title": row.title,
            **outcomes.get(row.number, {**unread, "error": row.problem}),
        }
        for row in rows
    ]


def tally(results: Iterable[Row]) -> Counter[str]:
    """Count result rows by status."""
    return Counter(str(result["status"]) for result in results)
