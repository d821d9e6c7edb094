"""Writing records as a rich table, CSV or JSON lines, to stdout or to a file.

A record is one flat row: the SDK's models are turned into plain dicts with the
SDK's own converter, datetimes and dates become ISO-8601 text, enumerations their
numbers. CSV and JSON lines are streamed row by row, so a long listing starts
printing while later pages are still being fetched; a table is drawn at the end,
once every column's width is known.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import enum
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TextIO

import attrs
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .._converter import converter
from ._session import USAGE, fail

__all__ = [
    "Format",
    "Row",
    "WriteRow",
    "columns_of",
    "record_writer",
    "to_row",
    "write_rows",
]

#: One record as plain, JSON-ready values.
Row = dict[str, Any]
#: Write one record (as produced by :func:`to_row`, or built by hand).
WriteRow = Callable[[Mapping[str, Any]], None]

#: The width a table written to a file may take; files have no terminal to fit.
_FILE_TABLE_WIDTH = 200


class Format(str, enum.Enum):
    """How records are printed."""

    TABLE = "table"
    CSV = "csv"
    JSONL = "jsonl"


def to_row(record: object) -> Row:
    """Turn an SDK model into a row of JSON-ready values, keyed by its wire names."""
    return {
        name: _plain(value) for name, value in converter.unstructure(record).items()
    }


def columns_of(model: type) -> list[str]:
    """Return the columns of a model's rows, in the model's field order."""
    return [field.name for field in attrs.fields(model)]


def _plain(value: object) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _cell(value: object) -> str:
    """Spell a value for a CSV cell or a table cell; nested values as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@contextlib.contextmanager
def record_writer(
    fmt: Format,
    columns: Sequence[str],
    output: Path | None = None,
    *,
    single: bool = False,
) -> Iterator[WriteRow]:
    """Open ``output`` (stdout when ``None``) and yield a function writing one row.

    ``single`` says the output is one record rather than a listing, which a table
    shows as field/value pairs. The table or file is completed only when the
    block ends without an error; a CSV or JSON lines stream keeps the rows
    written before it.
    """
    with _opened(output) as stream:
        writer: _Writer
        if fmt is Format.TABLE:
            to_file = output is not None
            writer = _TableWriter(stream, columns, to_file=to_file, single=single)
        elif fmt is Format.CSV:
            writer = _CSVWriter(stream, columns)
        else:
            writer = _JSONLinesWriter(stream, columns)
        yield writer.write
        writer.finish()


def write_rows(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: Format,
    output: Path | None = None,
) -> None:
    """Write rows that are already at hand, all at once."""
    with record_writer(fmt, columns, output) as write:
        for row in rows:
            write(row)


@contextlib.contextmanager
def _opened(output: Path | None) -> Iterator[TextIO]:
    if output is None:
        yield sys.stdout
        return
    try:
        stream = output.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}", code=USAGE)
    with stream:
        yield stream


class _Writer(Protocol):
    def write(self, row: Mapping[str, Any]) -> None: ...

    def finish(self) -> None: ...


class _CSVWriter:
    def __init__(self, stream: TextIO, columns: Sequence[str]) -> None:
        self._stream = stream
        self._writer = csv.DictWriter(
            stream, columns, extrasaction="raise", lineterminator="\n"
        )
        self._writer.writeheader()

    def write(self, row: Mapping[str, Any]) -> None:
        self._writer.writerow({key: _cell(value) for key, value in row.items()})

    def finish(self) -> None:
        self._stream.flush()


class _JSONLinesWriter:
    def __init__(self, stream: TextIO, columns: Sequence[str]) -> None:
        self._stream = stream
        self._columns = columns

    def write(self, row: Mapping[str, Any]) -> None:
        ordered = {column: row.get(column) for column in self._columns}
        self._stream.write(json.dumps(ordered, ensure_ascii=False) + "\n")

    def finish(self) -> None:
        self._stream.flush()


class _TableWriter:
    """Draw rows as a rich table; a single record reads better as field/value pairs."""

    def __init__(
        self, stream: TextIO, columns: Sequence[str], *, to_file: bool, single: bool
    ) -> None:
        self._console = (
            Console(file=stream, width=_FILE_TABLE_WIDTH, no_color=True)
            if to_file
            else Console(file=stream)
        )
        self._columns = columns
        self._single = single
        self._rows: list[Mapping[str, Any]] = []

    def write(self, row: Mapping[str, Any]) -> None:
        self._rows.append(row)

    def finish(self) -> None:
        if self._single and len(self._rows) == 1:
            table = Table(show_header=False)
            table.add_column("field")
            table.add_column("value", overflow="fold")
            for column in self._columns:
                table.add_row(column, Text(_cell(self._rows[0].get(column))))
        else:
            table = Table(caption=f"{len(self._rows)} rows")
            for column in self._columns:
                # Fold, never cut: an id or a code with an ellipsis is useless.
                table.add_column(column, overflow="fold")
            for row in self._rows:
                table.add_row(
                    *(Text(_cell(row.get(column))) for column in self._columns)
                )
        self._console.print(table)
