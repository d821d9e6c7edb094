"""What the endpoints return, as immutable attrs classes.

Attribute names are the wire field names. Types are the normalised ones: the
service sends ids and counts as numbers or strings, flags as booleans or 0/1, and
times as unix seconds or China Standard Time strings; the converter in
``_converter`` turns all of that into ``int``, ``bool`` and aware ``datetime``,
and empty strings into ``None``. A field typed ``X | None`` with a default may be
missing from a body; one without a default must be present but may be empty.
The ``...Body`` classes describe a whole ``data`` object and are not exported.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Generic, TypeVar

import attrs

__all__ = [
    "AccountDoc",
    "AttendanceRecord",
    "ChatMessage",
    "ClientType",
    "CodeInfo",
    "CreatedRoom",
    "DocBinding",
    "Page",
    "Question",
    "QuestionOption",
    "Room",
    "RoomDoc",
    "RoomType",
    "RoomUserStat",
    "StudentAnswer",
    "StudentCode",
    "UploadedDoc",
    "UserCount",
    "UserRole",
]

T = TypeVar("T")


class RoomType(enum.IntEnum):
    """The class format of a room; other values the service sends stay plain ints."""

    SMALL_CLASS = 4
    BASIC_ONE_ON_ONE = 6


class UserRole(enum.IntEnum):
    """Who a participant is in a room."""

    STUDENT = 0
    TEACHER = 1
    ASSISTANT = 2


class ClientType(enum.IntEnum):
    """The app or page a participant joined from."""

    PC_WEB = 0
    PC_CLIENT = 1
    MOBILE_WEB = 2
    IOS = 3
    ANDROID = 4
    MAC_CLIENT = 5
    WECHAT_MINI_PROGRAM = 6


@attrs.frozen
class Page(Generic[T]):
    """One page of a paginated listing: its items, its number and the total count."""

    items: tuple[T, ...]
    page: int
    total: int


@attrs.frozen
class CreatedRoom:
    """A new room and the three codes that let people into it."""

    room_id: int
    admin_code: str
    teacher_code: str
    student_code: str


@attrs.frozen
class Room:
    """A room as ``room/info`` and ``room/list`` describe it.

    ``room/info`` leaves out ``student_code``, ``create_time`` and
    ``industry_type``; ``room/list`` leaves out ``max_backup_users``.
    """

    room_id: int
    title: str
    start_time: dt.datetime
    end_time: dt.datetime
    type: RoomType | int
    max_users: int
    admin_code: str | None
    teacher_code: str | None
    max_backup_users: int | None = None
    student_code: str | None = None
    create_time: dt.datetime | None = None
    industry_type: int | None = None


@attrs.frozen
class CodeInfo:
    """Whom a participation code admits, to which room, since when."""

    code: str
    room_id: int
    user_number: int
    user_role: UserRole | int
    create_time: dt.datetime
    user_name: str | None = None


@attrs.frozen
class StudentCode:
    """A student code issued for a room; ``user_number`` 0 is the shared code."""

    code: str
    user_number: int
    user_avatar: str | None = None


@attrs.frozen
class UploadedDoc:
    """A freshly uploaded document; ``bind_id`` is set when it was bound to a room."""

    fid: int
    name: str
    bind_id: int | None = None


@attrs.frozen
class DocBinding:
    """The link between a document and a room."""

    fid: int
    room_id: int
    bind_id: int


@attrs.frozen
class RoomDoc:
    """A document bound to a room."""

    fid: int
    name: str
    create_time: dt.datetime | None = None


@attrs.frozen
class AccountDoc:
    """A document in the account's library, wherever it was uploaded from."""

    fid: int
    name: str
    create_time: dt.datetime | None
    upload_source: str | None
    url: str | None
    file_type: str | None
    size: int | None


@attrs.frozen
class UserCount:
    """How many people are in a room now, and how many the room displays."""

    user_count: int
    display_user_count: int


@attrs.frozen
class QuestionOption:
    """One choice of a quiz question, and whether it is a right answer."""

    option: str
    is_right: bool


@attrs.frozen
class StudentAnswer:
    """What one student chose for a quiz question."""

    user_number: int
    question_id: int
    select_option: str | None
    is_right: bool
    user_name: str | None = None


@attrs.frozen
class Question:
    """A quiz question asked in class, with its options and the students' answers.

    ``right_option`` lists the right choices as the service writes them (``"B,D"``).
    """

    question_id: int
    description: str | None
    right_option: str | None
    option_list: tuple[QuestionOption, ...]
    student_answer: tuple[StudentAnswer, ...]


@attrs.frozen
class ChatMessage:
    """One chat message sent in a room."""

    time: dt.datetime
    user_number: int
    user_role: UserRole | int
    user_name: str | None
    content: str | None


@attrs.frozen
class AttendanceRecord:
    """One participant's attendance in a room on one day.

    ``first_heartbeat_time`` and ``last_heartbeat_time`` bound the time spent in
    the room while class was on; ``actual_listen_time`` sums it in seconds.
    """

    date: dt.date
    user_number: int
    user_name: str | None
    user_role: UserRole | int
    first_time: dt.datetime | None
    last_time: dt.datetime | None
    first_heartbeat_time: dt.datetime | None
    last_heartbeat_time: dt.datetime | None
    actual_listen_time: int
    user_ip: str | None
    area: str | None
    city: str | None
    network_operator: str | None
    group_id: int | None
    client_type: ClientType | int | None


@attrs.frozen
class RoomUserStat:
    """A room's head count for one day: students, all users and the peak."""

    room_id: int
    student_count: int
    total_user_count: int
    peak_user: int


# The shapes of whole ``data`` objects, used by the namespaces only.


@attrs.frozen
class PartnerKeyBody:
    """``partner/createkey``: the account's signing key."""

    partner_key: str


@attrs.frozen
class NewCodeBody:
    """``room/getcode``: the code just issued."""

    student_code: str


@attrs.frozen
class CodeLookupBody:
    """``room/getCodeInfo``: whether the code exists (``code_info`` only if so)."""

    exist: bool


@attrs.frozen
class CodeFoundBody:
    """``room/getCodeInfo`` for a code that exists."""

    code_info: CodeInfo


@attrs.frozen
class StatusBody:
    """The ``live/*`` status answers: a 1/0 flag."""

    status: bool


@attrs.frozen
class ItemsBody(Generic[T]):
    """An unpaginated listing under ``list``."""

    list: tuple[T, ...]


@attrs.frozen
class ListingBody(Generic[T]):
    """A paginated listing under ``list`` with the ``total`` of all pages."""

    total: int
    list: tuple[T, ...]

    def to_page(self, number: int) -> Page[T]:
        """Return the listing as page ``number``."""
        return Page(self.list, number, self.total)


@attrs.frozen
class AttendanceBody:
    """``room_data/exportLiveReport``: a paginated listing under ``room_user_info``."""

    total: int
    room_user_info: tuple[AttendanceRecord, ...]

    def to_page(self, number: int) -> Page[AttendanceRecord]:
        """Return the listing as page ``number``."""
        return Page(self.room_user_info, number, self.total)


@attrs.frozen
class RoomUserStatsBody:
    """``room_data/getAllRoomUserStat``: the day's figures keyed by room id."""

    room_user_stat: dict[str, RoomUserStat]
