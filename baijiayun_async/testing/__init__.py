"""A fake Baijiayun service for tests: state, rules, faults, in-process or on loopback.

``FakeBaijiayun`` answers the 21 endpoints of the small-class API as the vendor
documents them, checks signatures with the SDK's own signing, and lets a test
order failures with ``fake.inject(path, fault)``. It needs the ``fake`` extra
(starlette, uvicorn, python-multipart).
"""

from __future__ import annotations

from .._config import RateLimit
from ._app import RATE_LIMITED, FakeBaijiayun, RecordedRequest
from ._faults import (
    DropAfterAction,
    DropBeforeAction,
    ErrorCode,
    Fault,
    HTTPFailure,
    Latency,
    MalformedBody,
)
from ._forms import UploadedFile
from ._state import (
    CHINA_TIME,
    Answer,
    AttendanceRecord,
    Binding,
    ChatMessage,
    Code,
    Doc,
    Question,
    Room,
    RoomStat,
)

__all__ = [
    "CHINA_TIME",
    "RATE_LIMITED",
    "Answer",
    "AttendanceRecord",
    "Binding",
    "ChatMessage",
    "Code",
    "Doc",
    "DropAfterAction",
    "DropBeforeAction",
    "ErrorCode",
    "FakeBaijiayun",
    "Fault",
    "HTTPFailure",
    "Latency",
    "MalformedBody",
    "Question",
    "RateLimit",
    "RecordedRequest",
    "Room",
    "RoomStat",
    "UploadedFile",
]
