"""Argument rules checked before a call is sent.

The service silently cuts or ignores some bad values (a long title is truncated)
and answers others with a bare "parameter error", so the SDK refuses them first
with an :class:`InvalidArgumentError` that names the parameter and the rule.
Messages never repeat the value itself: it may be private.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Collection, Mapping

from ._errors import InvalidArgumentError
from ._models import RoomType
from ._params import RESERVED

__all__ = [
    "Timestamp",
    "check_choice",
    "check_date",
    "check_file_type",
    "check_int",
    "check_max_users",
    "check_optional_int",
    "check_page_size",
    "check_room_times",
    "check_title",
    "merge_extra",
    "to_unix",
]

#: A moment as the API takes it: unix seconds or an aware ``datetime``.
Timestamp = int | dt.datetime

MAX_TITLE_CHARS = 50
UPLOAD_TYPES = frozenset(
    {".doc", ".ppt", ".pdf", ".pptx", ".docx", ".jpg", ".jpeg", ".png", ".gif", ".zip"}
)
_MIN_DURATION = 15 * 60
_MAX_DURATION = 24 * 60 * 60
_MAX_DISTANCE = 365 * 24 * 60 * 60
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def check_int(name: str, value: object, low: int, high: int | None = None) -> None:
    """Refuse anything but an ``int`` from ``low`` to ``high`` (inclusive)."""
    in_range = (
        isinstance(value, int)
        and not isinstance(value, bool)
        and low <= value
        and (high is None or value <= high)
    )
    if in_range:
        return
    bounds = f"from {low} to {high}" if high is not None else f">= {low}"
    raise InvalidArgumentError(f"{name} must be an integer {bounds}")


def check_optional_int(
    name: str, value: object, low: int, high: int | None = None
) -> None:
    """Like :func:`check_int`, but ``None`` (not sent) passes."""
    if value is not None:
        check_int(name, value, low, high)


def check_choice(name: str, value: object, choices: Collection[object]) -> None:
    """Refuse a value that is not one of the documented ``choices``."""
    if isinstance(value, bool) or value not in choices:
        listed = ", ".join(repr(choice) for choice in choices)
        raise InvalidArgumentError(f"{name} must be one of {listed}")


def check_flags(**flags: object) -> None:
    """Refuse a flag that is not ``True``, ``False`` or ``None`` (not sent).

    A string such as ``"false"`` is truthy in Python and in the service's PHP, so
    it would silently mean yes.
    """
    for name, value in flags.items():
        if value is not None and not isinstance(value, bool):
            raise InvalidArgumentError(f"{name} must be True or False")


def check_text(name: str, value: object, *, optional: bool = False) -> None:
    """Refuse a value that is not a non-empty string (``None`` if ``optional``)."""
    if optional and value is None:
        return
    if not isinstance(value, str) or not value:
        raise InvalidArgumentError(f"{name} must be a non-empty string")


def check_page_size(page_size: object) -> None:
    """Refuse a page size the service would not honour (it allows 1 to 1000)."""
    check_int("page_size", page_size, 1, 1000)


def check_title(title: object) -> None:
    """Refuse a title the service would cut: more than 50 characters."""
    if not isinstance(title, str):
        raise InvalidArgumentError("title must be a string")
    if len(title) > MAX_TITLE_CHARS:
        raise InvalidArgumentError(
            f"title has {len(title)} characters; the service allows at most "
            f"{MAX_TITLE_CHARS} and would cut the rest"
        )


def check_max_users(max_users: object, room_type: RoomType | int) -> None:
    """Refuse a seat count that does not fit the room type.

    A small class seats 2 to 12 students on stage, a one-on-one room exactly 1;
    for a type this SDK does not know, only the overall 1 to 12 applies.
    """
    if room_type == RoomType.SMALL_CLASS:
        check_int("max_users (small class)", max_users, 2, 12)
    elif room_type == RoomType.BASIC_ONE_ON_ONE:
        check_int("max_users (one-on-one)", max_users, 1, 1)
    else:
        check_int("max_users", max_users, 1, 12)


def to_unix(name: str, value: object) -> int:
    """Return unix seconds for an ``int`` or an aware ``datetime``.

    A naive ``datetime`` is refused: read as local time or as UTC, it would be
    eight hours off for someone, silently.
    """
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            raise InvalidArgumentError(
                f"{name} is a naive datetime; give it a tzinfo or pass unix seconds"
            )
        seconds = int(value.timestamp())
    elif isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    else:
        raise InvalidArgumentError(f"{name} must be unix seconds or an aware datetime")
    if seconds < 0:
        raise InvalidArgumentError(f"{name} must not be before 1970")
    return seconds


def check_room_times(
    start: int | None, end: int | None, *, short_term: bool = True
) -> None:
    """Refuse a schedule the service rejects; both ends are unix seconds.

    The start must come before the end. For a short-term room (the default kind)
    the class must also last more than 15 minutes and less than 24 hours, and
    both ends must lie within a year of now.
    """
    if start is not None and end is not None:
        if start >= end:
            raise InvalidArgumentError("start_time must be before end_time")
        if short_term and not _MIN_DURATION < end - start < _MAX_DURATION:
            raise InvalidArgumentError(
                "a short-term room must last more than 15 minutes and less than "
                "24 hours (end_time - start_time); pass check_schedule=False for a "
                "long-term room"
            )
    if not short_term:
        return
    now = time.time()
    for name, moment in (("start_time", start), ("end_time", end)):
        if moment is not None and abs(moment - now) > _MAX_DISTANCE:
            raise InvalidArgumentError(
                f"{name} must lie within a year of now for a short-term room"
            )


def check_date(name: str, value: object) -> dt.date:
    """Return the day for a ``date`` or a ``YYYY-MM-DD`` string."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidArgumentError(f"{name} must be a datetime.date or a YYYY-MM-DD string")


def check_file_type(filename: str) -> None:
    """Refuse a document type the service cannot convert (see ``UPLOAD_TYPES``)."""
    extension = os.path.splitext(filename)[1].lower()
    if extension not in UPLOAD_TYPES:
        allowed = " ".join(sorted(UPLOAD_TYPES))
        raise InvalidArgumentError(
            f"the uploaded file's name must end in one of {allowed} "
            "(name a nameless source with filename=)"
        )


def merge_extra(
    params: Mapping[str, object],
    extra: Mapping[str, object] | None,
    *,
    files: Collection[str] = (),
) -> dict[str, object]:
    """Add undocumented parameters to a call's documented ``params``.

    ``params`` lists every documented parameter of the call, unset ones as
    ``None``, and ``files`` its file parts; an extra key that names one of them, or
    one the client sets itself, is refused rather than silently overriding it.
    """
    if extra is not None and not isinstance(extra, Mapping):
        raise InvalidArgumentError("extra_params must be a mapping of names to values")
    merged = dict(params)
    for key, value in (extra or {}).items():
        if key in merged or key in files:
            raise InvalidArgumentError(
                f"extra_params key {key!r} is a documented parameter of this call; "
                "pass it as an argument"
            )
        if key in RESERVED:
            raise InvalidArgumentError(
                f"extra_params key {key!r} is set by the client itself"
            )
        merged[key] = value
    return merged
