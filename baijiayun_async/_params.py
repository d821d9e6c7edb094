"""Rendering parameter values into the exact strings that are signed and sent."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping

from ._errors import InvalidArgumentError

__all__ = ["RESERVED", "render"]

#: Added by the transport on every attempt; a caller may not set them.
RESERVED = frozenset({"partner_id", "timestamp", "sign", "partner_key"})

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INT64_MIN = -(2**63)
_UINT64_MAX = 2**64 - 1


def render(params: Mapping[str, object]) -> dict[str, str]:
    """Render every value by the API's rules; ``None`` means "not sent".

    ``int`` is decimal, ``bool`` is ``1``/``0``, ``str`` is sent as is, a ``date`` is
    ``YYYY-MM-DD``, an aware ``datetime`` is unix seconds (sub-second parts are
    dropped: the API counts whole seconds), an enum member is its value. Anything
    else (``float``, ``Decimal``, containers, naive datetimes) has no documented
    meaning on the wire and is refused before anything is sent.
    """
    if not isinstance(params, Mapping):
        raise InvalidArgumentError("params must be a mapping of names to values")
    rendered: dict[str, str] = {}
    for name, value in params.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise InvalidArgumentError(
                f"parameter name {name!r} must be letters, digits and underscores"
            )
        if name in RESERVED:
            raise InvalidArgumentError(
                f"parameter {name!r} is set by the client itself and cannot be passed"
            )
        if value is not None:
            rendered[name] = _render_value(name, value)
    return rendered


def _render_value(name: str, value: object) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _UINT64_MAX:
            raise InvalidArgumentError(f"parameter {name!r} must fit in 64 bits")
        return str(int(value))
    if isinstance(value, str):
        # Printable text is always encodable; only then is the check worth doing.
        if not value.isprintable() and not _is_sendable_text(value):
            raise InvalidArgumentError(
                f"parameter {name!r} must be UTF-8 text without NUL characters"
            )
        return value
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            raise InvalidArgumentError(
                f"parameter {name!r} is a naive datetime; pass an aware datetime "
                "(e.g. with tzinfo=ZoneInfo('Asia/Shanghai')) or unix seconds"
            )
        return str(int(value.timestamp()))
    if isinstance(value, dt.date):
        return value.isoformat()
    raise InvalidArgumentError(
        f"parameter {name!r} has type {type(value).__name__}; the API takes int, "
        "bool, str, date, aware datetime or an enum member"
    )


def _is_sendable_text(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return "\x00" not in value
