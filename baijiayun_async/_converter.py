"""The one cattrs converter that turns loose response bodies into models.

The service is inconsistent about types: the same count arrives as ``"6"`` or
``6``, a flag as ``true`` or ``"1"``, a time as unix seconds or a China Standard
Time string, and "no value" as an empty string. Every hook here accepts those
spellings and nothing else, so a body that does not fit fails loudly instead of
becoming a wrong value (``"false"`` never becomes ``True``, ``None`` never becomes
``"None"``). :func:`structure` reports every offending field path at once.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import operator
import re
import types
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import (
    homogenous_tuple_structure_factory,
    is_mapping,
    mapping_structure_factory,
)
from cattrs.errors import ClassValidationError, IterableValidationError
from cattrs.gen import make_dict_structure_fn

from ._errors import ResponseValidationError

__all__ = ["CHINA_STANDARD_TIME", "converter", "structure"]

T = TypeVar("T")
Hook = Callable[[Any, Any], Any]

#: The service's wall clock: UTC+08:00 all year round.
CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8), "CST")

_INTEGER = re.compile(r"-?[0-9]+")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# True == 1 and False == 0, so these also hold the JSON booleans.
_TRUE = frozenset({1, "1", "true"})
_FALSE = frozenset({0, "0", "false"})

converter = cattrs.Converter(detailed_validation=True)


def structure(data: object, model: type[T], path: str) -> T:
    """Build ``model`` from the ``data`` of an answer from endpoint ``path``.

    Raises :class:`ResponseValidationError` naming every field that does not fit,
    e.g. ``list[3].user_number``; ``data`` stands for the body as a whole.
    """
    try:
        return converter.structure(data, model)
    except (ClassValidationError, IterableValidationError, TypeError, ValueError) as e:
        raise ResponseValidationError(path, _offending_fields(e, "")) from None


def _offending_fields(error: BaseException, path: str) -> list[str]:
    """Walk cattrs' nested validation errors down to each failing field's path."""
    nested: list[tuple[BaseException, str]]
    if isinstance(error, ClassValidationError):
        by_attribute, without = error.group_exceptions()
        nested = [
            (e, f"{path}.{note.name}" if path else note.name)
            for e, note in by_attribute
        ]
    elif isinstance(error, IterableValidationError):
        by_index, without = error.group_exceptions()
        nested = [(e, f"{path}[{note.index}]") for e, note in by_index]
    else:
        return [path or "data"]
    nested += [(e, path) for e in without]
    return [field for e, subpath in nested for field in _offending_fields(e, subpath)]


def _to_int(value: object, _: object = None) -> int:
    if type(value) is int:
        return value
    if isinstance(value, str) and (
        (value.isdigit() and value.isascii()) or _INTEGER.fullmatch(value)
    ):
        return int(value)
    raise TypeError("expected an integer or a string of digits")


def _to_bool(value: object, _: object) -> bool:
    if isinstance(value, (bool, int, str)):
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
    raise ValueError("expected true/false, 1/0 or '1'/'0'")


def _to_str(value: object, _: object) -> str:
    # A numeric title or name may come back as a JSON number; nothing else is text.
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise TypeError("expected a string")


def _to_datetime(value: object, _: object) -> dt.datetime:
    if isinstance(value, str) and _DATETIME.fullmatch(value):
        # The pattern pins the shape, so fromisoformat reads exactly what strptime
        # would, some 40 times faster; a listing can hold thousands of times.
        naive = dt.datetime.fromisoformat(value)
        return naive.replace(tzinfo=CHINA_STANDARD_TIME)
    try:
        return dt.datetime.fromtimestamp(_to_int(value), CHINA_STANDARD_TIME)
    except (OverflowError, OSError) as e:
        raise ValueError("unix time out of range") from e


def _to_date(value: object, _: object) -> dt.date:
    if isinstance(value, str) and _DATE.fullmatch(value):
        return dt.date.fromisoformat(value)
    raise ValueError("expected YYYY-MM-DD")


def _union_members(type_: Any) -> tuple[Any, ...]:
    if get_origin(type_) in (Union, types.UnionType):
        return get_args(type_)
    return ()


def _is_optional(type_: Any) -> bool:
    return type(None) in _union_members(type_)


def _optional_hook(type_: Any) -> Hook:
    """Read ``None`` and the empty string as "no value", anything else as ``X``."""
    present = [member for member in _union_members(type_) if member is not type(None)]
    inner = converter.get_structure_hook(functools.reduce(operator.or_, present))

    def hook(value: object, _: object) -> Any:
        return None if value is None or value == "" else inner(value, None)

    return hook


def _is_open_enum(type_: Any) -> bool:
    members = set(_union_members(type_))
    return len(members) == 2 and int in members and _enum_of(type_) is not None


def _enum_of(type_: Any) -> type[enum.IntEnum] | None:
    for member in _union_members(type_):
        if isinstance(member, type) and issubclass(member, enum.IntEnum):
            return member
    return None


def _open_enum_hook(type_: Any) -> Hook:
    """Read ``E | int``: a known value as the member, an unknown one as a plain int."""
    enum_type = _enum_of(type_)
    assert enum_type is not None  # noqa: S101 -- guaranteed by the predicate

    def hook(value: object, _: object) -> int:
        number = _to_int(value)
        try:
            return enum_type(number)
        except ValueError:
            return number

    return hook


def _is_homogenous_tuple(type_: Any) -> bool:
    args = get_args(type_)
    return get_origin(type_) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_hook(type_: Any) -> Hook:
    """Read a JSON array; a string or an object is not a sequence of items here."""
    item_type = get_args(type_)[0]
    item_hook = converter.get_structure_hook(item_type)
    detailed = homogenous_tuple_structure_factory(type_, converter)

    def hook(value: object, _: object) -> Any:
        if type(value) is not list:
            raise TypeError("expected an array")
        try:
            return tuple([item_hook(item, item_type) for item in value])
        except Exception:  # noqa: BLE001 -- re-read to name every bad item
            return detailed(value, type_)

    return hook


def _mapping_hook(type_: Any) -> Hook:
    """Read a JSON object; PHP encodes an empty one as ``[]``, so accept that too."""
    inner = mapping_structure_factory(type_, converter)

    def hook(value: object, _: object) -> Any:
        if value == []:
            value = {}
        if not isinstance(value, Mapping):
            raise TypeError("expected an object")
        return inner(value, type_)

    return hook


def _attrs_hook(type_: Any) -> Hook:
    """Read a model from a JSON object, ignoring fields it does not know.

    The plain structuring function runs first; only when it fails does the
    slower one with detailed validation read the object again, to name every
    offending field. Listings build thousands of models, nearly all well formed.
    """
    fast = make_dict_structure_fn(type_, converter, _cattrs_detailed_validation=False)
    detailed = make_dict_structure_fn(type_, converter)

    def hook(value: object, _: object) -> Any:
        # JSON objects are dicts; the ABC check is the slow path, once per item.
        if type(value) is not dict and not isinstance(value, Mapping):
            raise TypeError("expected an object")
        try:
            return fast(value, type_)
        except Exception:  # noqa: BLE001 -- re-read to name every bad field
            return detailed(value, type_)

    return hook


converter.register_structure_hook(int, _to_int)
converter.register_structure_hook(bool, _to_bool)
converter.register_structure_hook(str, _to_str)
converter.register_structure_hook(dt.datetime, _to_datetime)
converter.register_structure_hook(dt.date, _to_date)
converter.register_structure_hook_factory(attrs.has, _attrs_hook)
converter.register_structure_hook_factory(is_mapping, _mapping_hook)
converter.register_structure_hook_factory(_is_homogenous_tuple, _tuple_hook)
converter.register_structure_hook_factory(_is_open_enum, _open_enum_hook)
converter.register_structure_hook_factory(_is_optional, _optional_hook)
