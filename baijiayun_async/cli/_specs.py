"""Room settings written as text, read as keyword arguments of ``rooms.create``.

A CSV row of ``rooms bulk-create`` and the ``KEY=VALUE`` arguments of ``rooms
create`` and ``rooms update`` use the same names: the keyword arguments of the
SDK method, read from its signature, so the command line takes every setting the
SDK takes and can never drift from it. Each value is parsed by the kind its
parameter declares: times as unix seconds or ISO-8601 with a UTC offset, flags
as 1/0, true/false or yes/no, numbers as decimal integers, attachments as paths.
An empty value means "not given".
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import attrs

__all__ = [
    "SpecError",
    "parse_assignments",
    "parse_moment",
    "spec_columns",
    "spec_from_text",
]

Parser = Callable[[str], object]

#: Parameters that are not room settings: the room being changed, and the raw
#: escape hatch (a mapping has no one-cell spelling).
_NOT_SETTINGS = frozenset({"self", "room_id", "extra_params"})
_INTEGER = re.compile(r"[+-]?[0-9]+")
_TRUE = frozenset({"1", "true", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "no", "n", "off"})


class SpecError(ValueError):
    """A row or an argument list does not describe valid settings; says why."""


def parse_moment(text: str) -> int | dt.datetime:
    """Read unix seconds, or an ISO-8601 time that carries its UTC offset.

    A time without an offset is refused: read as local time or as UTC it would be
    eight hours off for someone, silently.
    """
    if _INTEGER.fullmatch(text):
        return int(text)
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError(
            "expected unix seconds or ISO-8601 such as 2025-03-01T19:00:00+08:00"
        ) from None
    if moment.utcoffset() is None:
        raise ValueError("the time has no UTC offset; add one, e.g. +08:00")
    return moment


def _parse_flag(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("expected 1/0, true/false or yes/no")


def _parse_int(text: str) -> int:
    if not _INTEGER.fullmatch(text):
        raise ValueError("expected a whole number")
    return int(text)


def _parser_for(annotation: str) -> Parser:
    """Pick the parser for a parameter from its declared type, as written."""
    kinds = {part.strip() for part in annotation.split("|")}
    if any("FileSource" in kind for kind in kinds):
        return Path
    if "Timestamp" in kinds or any(kind.endswith("datetime") for kind in kinds):
        return parse_moment
    if "bool" in kinds:
        return _parse_flag
    if "int" in kinds:
        return _parse_int
    if "str" in kinds:
        return str
    raise TypeError(f"no text form for a parameter of type {annotation}")


@attrs.frozen
class _Signature:
    parsers: dict[str, Parser]
    required: frozenset[str]


@functools.cache
def _signature(method: Callable[..., object]) -> _Signature:
    parsers: dict[str, Parser] = {}
    required: set[str] = set()
    for name, parameter in inspect.signature(method).parameters.items():
        if name in _NOT_SETTINGS:
            continue
        parsers[name] = _parser_for(str(parameter.annotation))
        if parameter.default is inspect.Parameter.empty:
            required.add(name)
    return _Signature(parsers, frozenset(required))


def spec_columns(method: Callable[..., object]) -> list[str]:
    """Return the settings ``method`` takes as text, required ones first."""
    signature = _signature(method)
    return sorted(signature.parsers, key=lambda name: name not in signature.required)


def spec_from_text(
    fields: Mapping[str, str], method: Callable[..., object]
) -> dict[str, object]:
    """Read text ``fields`` as keyword arguments of ``method``.

    Every problem of the row is reported at once (unknown names, values that do
    not parse, required settings left out) in one :class:`SpecError`.
    """
    signature = _signature(method)
    spec: dict[str, object] = {}
    given: set[str] = set()
    problems: list[str] = []
    for name, text in fields.items():
        parser = signature.parsers.get(name)
        if parser is None:
            problems.append(f"unknown setting {name!r}")
            continue
        if not text.strip():
            continue
        given.add(name)
        try:
            spec[name] = parser(text.strip())
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
    missing = [name for name in signature.parsers if name in signature.required - given]
    if missing:
        problems.append("missing " + ", ".join(missing))
    if problems:
        raise SpecError("; ".join(problems))
    return spec


def parse_assignments(assignments: Iterable[str]) -> dict[str, str]:
    """Read ``KEY=VALUE`` arguments; a key given twice is a mistake, not an override."""
    fields: dict[str, str] = {}
    for assignment in assignments:
        name, equals, value = assignment.partition("=")
        name = name.strip()
        if not equals or not name:
            raise SpecError(f"expected KEY=VALUE, got {assignment!r}")
        if name in fields:
            raise SpecError(f"{name} is given twice")
        fields[name] = value
    return fields
