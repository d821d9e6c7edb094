"""What the fake service remembers: the account, its rooms, codes, docs and class data.

Pure data and bookkeeping, no HTTP and no rules about parameters: the endpoints
(``_endpoints``) check what a caller sent, this module only allocates ids and codes
and keeps records. Its seeding methods (``add_room``, ``set_live``, ``add_chat``,
...) are how a test arranges what only a real classroom would produce.
"""

from __future__ import annotations

import secrets
import string
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ._forms import UploadedFile

__all__ = [
    "CHINA_TIME",
    "Answer",
    "AttendanceRecord",
    "Binding",
    "ChatMessage",
    "Code",
    "Doc",
    "Question",
    "Room",
    "RoomStat",
    "ServiceError",
    "ServiceState",
]

#: The service's wall clock: responses give local times in UTC+08:00, no DST.
CHINA_TIME = timezone(timedelta(hours=8))

#: User roles as the service numbers them.
STUDENT, TEACHER, ADMIN = 0, 1, 2

_CODE_ALPHABET = string.ascii_lowercase + string.digits

#: A time the caller may give as unix seconds or an aware datetime.
Moment = int | datetime


class ServiceError(Exception):
    """An answer with a non-zero ``code``; raised by endpoints, rendered by the app."""

    def __init__(self, code: int, msg: str) -> None:
        super().__init__(f"code {code}: {msg}")
        self.code = code
        self.msg = msg


@dataclass
class Code:
    """A 参加码: six characters that let one role (or every student) into a room."""

    code: str
    room_id: int
    user_number: int
    user_role: int
    create_time: int
    user_name: str = ""
    user_avatar: str = ""


@dataclass
class ChatMessage:
    """One chat line as the room's export gives it."""

    time: int
    user_number: int
    user_role: int
    user_name: str
    content: str


@dataclass
class Answer:
    """One student's choice for a quiz question."""

    user_number: int
    user_name: str
    select_option: tuple[str, ...]


@dataclass
class Question:
    """A quiz (答题器) question with its options and the answers it received."""

    question_id: int
    description: str
    options: tuple[str, ...]
    right_options: tuple[str, ...]
    date: str | None
    answers: list[Answer] = field(default_factory=list)


@dataclass
class AttendanceRecord:
    """One user's presence in a room on one day (the live report's row)."""

    date: str
    user_number: int
    user_name: str
    user_role: int
    first_time: int | None
    last_time: int | None
    first_heartbeat_time: int | None
    last_heartbeat_time: int | None
    actual_listen_time: int
    user_ip: str
    area: str
    city: str
    network_operator: str
    group_id: int
    client_type: int


@dataclass
class RoomStat:
    """A room's head counts for one day."""

    student_count: int
    total_user_count: int
    peak_user: int


@dataclass
class Room:
    """A classroom with its settings, its live state and what happened in it."""

    room_id: int
    title: str
    start_time: int
    end_time: int
    type: int
    max_users: int
    max_backup_users: int
    create_time: int
    admin_code: str
    teacher_code: str
    student_code: str
    settings: dict[str, int] = field(default_factory=dict)
    attachments: dict[str, UploadedFile] = field(default_factory=dict)
    deleted: bool = False
    live: bool = False
    teacher_online: bool = False
    user_count: int = 0
    display_user_count: int = 0
    chat: list[ChatMessage] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    attendance: list[AttendanceRecord] = field(default_factory=list)
    stats: dict[str, RoomStat] = field(default_factory=dict)


@dataclass
class Doc:
    """A document in the account's library, known by its ``fid``."""

    fid: int
    name: str
    size: int
    md5: str
    file_type: str
    upload_source: str
    create_time: int


@dataclass
class Binding:
    """A document attached to a room, known by its ``bind_id``."""

    bind_id: int
    room_id: int
    fid: int
    create_time: int


class ServiceState:
    """The account's records, with the ids and codes the service would hand out.

    ``rooms`` keeps deleted rooms (flagged ``deleted``) so they answer "room
    deleted" rather than "no such room". Every mutable collection is a plain dict
    or list, meant to be read by tests.
    """

    def __init__(
        self,
        partner_id: int,
        partner_key: str,
        secret_key: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.partner_id = partner_id
        self.partner_key = partner_key
        self.secret_key = secret_key
        self.clock = clock
        self.rooms: dict[int, Room] = {}
        self.codes: dict[str, Code] = {}
        self.docs: dict[int, Doc] = {}
        self.bindings: dict[int, Binding] = {}
        self._next_fid = 832417
        self._next_bind_id = 1
        self._next_question_id = 1

    def now(self) -> int:
        """Return the service's clock in unix seconds."""
        return int(self.clock())

    # Seeding and allocation

    def add_room(
        self,
        title: str = "Fake room",
        *,
        start_time: Moment | None = None,
        end_time: Moment | None = None,
        type: int = 4,
        max_users: int = 6,
        max_backup_users: int = 0,
    ) -> Room:
        """Create a room as ``room/create`` would, without checking any rule.

        By default it starts in an hour and lasts an hour. It gets a fresh 14-digit
        id and its admin, teacher and shared student codes.
        """
        now = self.now()
        start = now + 3600 if start_time is None else _unix(start_time)
        end = start + 3600 if end_time is None else _unix(end_time)
        room_id = self._new_room_id()
        room = Room(
            room_id=room_id,
            title=title,
            start_time=start,
            end_time=end,
            type=type,
            max_users=max_users,
            max_backup_users=max_backup_users,
            create_time=now,
            admin_code=self._new_code(room_id, 0, ADMIN).code,
            teacher_code=self._new_code(room_id, 0, TEACHER).code,
            student_code=self._new_code(room_id, 0, STUDENT).code,
        )
        self.rooms[room_id] = room
        return room

    def student_code(
        self, room_id: int, user_number: int, user_avatar: str | None = None
    ) -> Code:
        """Return the one code of ``user_number`` in a room, creating it once.

        ``user_number`` 0 is the room's shared student code. A later avatar
        replaces an earlier one.
        """
        room = self.rooms[room_id]
        if user_number == 0:
            code = self.codes[room.student_code]
        else:
            code = next(
                (
                    existing
                    for existing in self.codes.values()
                    if existing.room_id == room_id
                    and existing.user_role == STUDENT
                    and existing.user_number == user_number
                ),
                None,
            ) or self._new_code(room_id, user_number, STUDENT)
        if user_avatar is not None:
            code.user_avatar = user_avatar
        return code

    def room_codes(self, room_id: int) -> list[Code]:
        """Return a room's student codes, newest first, the shared one included."""
        found = [
            code
            for code in self.codes.values()
            if code.room_id == room_id and code.user_role == STUDENT
        ]
        return found[::-1]

    def add_doc(
        self,
        name: str,
        *,
        size: int = 0,
        md5: str = "",
        upload_source: str = "management",
        file_type: str = "普通文件",
    ) -> Doc:
        """Add a document to the account's library with a fresh ``fid``."""
        doc = Doc(
            fid=self._next_fid,
            name=name,
            size=size,
            md5=md5,
            file_type=file_type,
            upload_source=upload_source,
            create_time=self.now(),
        )
        self._next_fid += 1
        self.docs[doc.fid] = doc
        return doc

    def bind_doc(self, room_id: int, fid: int) -> Binding:
        """Attach a document to a room; attaching it again returns the same binding."""
        for binding in self.bindings.values():
            if binding.room_id == room_id and binding.fid == fid:
                return binding
        binding = Binding(self._next_bind_id, room_id, fid, self.now())
        self._next_bind_id += 1
        self.bindings[binding.bind_id] = binding
        return binding

    def room_bindings(self, room_id: int) -> list[Binding]:
        """Return the documents attached to a room, newest first."""
        found = [b for b in self.bindings.values() if b.room_id == room_id]
        return found[::-1]

    # What only a live classroom produces

    def set_live(self, room_id: int, live: bool = True) -> None:
        """Start (or end) the class: ``live/getLiveStatus`` reports it."""
        self.rooms[room_id].live = live

    def set_teacher_online(self, room_id: int, online: bool = True) -> None:
        """Put the teacher in (or out of) the room."""
        self.rooms[room_id].teacher_online = online

    def set_user_count(
        self, room_id: int, user_count: int, display_user_count: int | None = None
    ) -> None:
        """Set how many users are in the room and how many it shows."""
        room = self.rooms[room_id]
        room.user_count = user_count
        room.display_user_count = (
            user_count if display_user_count is None else display_user_count
        )

    def add_chat(
        self,
        room_id: int,
        content: str,
        *,
        user_number: int,
        user_name: str,
        user_role: int = STUDENT,
        time: Moment | None = None,
    ) -> ChatMessage:
        """Record a chat message, sent now unless ``time`` says otherwise."""
        message = ChatMessage(
            time=self.now() if time is None else _unix(time),
            user_number=user_number,
            user_role=user_role,
            user_name=user_name,
            content=content,
        )
        self.rooms[room_id].chat.append(message)
        return message

    def add_question(
        self,
        room_id: int,
        *,
        right_options: Iterable[str],
        options: Iterable[str] = ("A", "B", "C", "D"),
        description: str = "",
        date: date | str | None = None,
    ) -> Question:
        """Ask a quiz question in a room; ``date`` matters for long-term rooms."""
        question = Question(
            question_id=self._next_question_id,
            description=description,
            options=tuple(options),
            right_options=tuple(right_options),
            date=None if date is None else str(date),
        )
        self._next_question_id += 1
        self.rooms[room_id].questions.append(question)
        return question

    def add_answer(
        self,
        room_id: int,
        question_id: int,
        select_option: Iterable[str],
        *,
        user_number: int,
        user_name: str,
    ) -> Answer:
        """Record a student's answer to a question."""
        question = next(
            q for q in self.rooms[room_id].questions if q.question_id == question_id
        )
        answer = Answer(user_number, user_name, tuple(select_option))
        question.answers.append(answer)
        return answer

    def add_attendance(
        self,
        room_id: int,
        *,
        user_number: int,
        user_name: str,
        user_role: int = STUDENT,
        date: date | str | None = None,
        first_time: Moment | None = None,
        last_time: Moment | None = None,
        first_heartbeat_time: Moment | None = None,
        last_heartbeat_time: Moment | None = None,
        actual_listen_time: int = 0,
        user_ip: str = "127.0.0.1",
        area: str = "",
        city: str = "",
        network_operator: str = "",
        group_id: int = 0,
        client_type: int = 0,
    ) -> AttendanceRecord:
        """Record a user's visit to a room; times left out stay empty."""
        day = self.today() if date is None else str(date)
        record = AttendanceRecord(
            date=day,
            user_number=user_number,
            user_name=user_name,
            user_role=user_role,
            first_time=_maybe_unix(first_time),
            last_time=_maybe_unix(last_time),
            first_heartbeat_time=_maybe_unix(first_heartbeat_time),
            last_heartbeat_time=_maybe_unix(last_heartbeat_time),
            actual_listen_time=actual_listen_time,
            user_ip=user_ip,
            area=area,
            city=city,
            network_operator=network_operator,
            group_id=group_id,
            client_type=client_type,
        )
        self.rooms[room_id].attendance.append(record)
        return record

    def set_room_stats(
        self,
        room_id: int,
        date: date | str,
        *,
        student_count: int,
        total_user_count: int,
        peak_user: int,
    ) -> None:
        """Set a room's head counts for one day (``getAllRoomUserStat``)."""
        self.rooms[room_id].stats[str(date)] = RoomStat(
            student_count, total_user_count, peak_user
        )

    def today(self) -> str:
        """Return the service's current date in China time, ``YYYY-MM-DD``."""
        return datetime.fromtimestamp(self.now(), CHINA_TIME).date().isoformat()

    # Allocation

    def _new_room_id(self) -> int:
        while True:
            room_id = 10**13 + secrets.randbelow(9 * 10**13)
            if room_id not in self.rooms:
                return room_id

    def _new_code(self, room_id: int, user_number: int, user_role: int) -> Code:
        while True:
            text = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
            if text not in self.codes:
                break
        code = Code(text, room_id, user_number, user_role, self.now())
        self.codes[text] = code
        return code


def _unix(moment: Moment) -> int:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("give an aware datetime, or unix seconds")
        return int(moment.timestamp())
    return moment


def _maybe_unix(moment: Moment | None) -> int | None:
    return None if moment is None else _unix(moment)
