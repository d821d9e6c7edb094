"""The 21 endpoints: the service's rules for each parameter and each answer's shape.

Each handler takes the account's state and the decoded form (already authenticated)
and returns the envelope's ``data``, or raises ``ServiceError``. The rules are the
vendor's, enforced here independently of the SDK's own checks, so a call made through
``client.request()`` with a bad value still meets the service's refusal. The answers
copy the vendor's examples field for field, loose types included: ``room/info`` gives
``room_id`` as a number and times as China-time strings, ``room/list`` gives
``room_id`` as a string and times as unix seconds.
"""

from __future__ import annotations

import base64
import re
import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from ._state import ADMIN, CHINA_TIME, STUDENT, TEACHER, ServiceError

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping, Sequence

    from ._forms import Form, UploadedFile
    from ._state import Room, ServiceState

    Handler = Callable[[ServiceState, Form], object]

__all__ = ["ENDPOINTS"]

PARAMETER_ERROR = 1001
ROOM_NOT_FOUND = 3001
ROOM_DELETED = 3002
UPLOAD_FAILED = 4001

_T = TypeVar("_T")

#: Every endpoint by its path under ``openapi/``.
ENDPOINTS: dict[str, Handler] = {}

_UNSIGNED = re.compile(r"[0-9]{1,19}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DOC_SUFFIXES = frozenset(
    {".doc", ".ppt", ".pdf", ".pptx", ".docx", ".jpg", ".jpeg", ".png", ".gif", ".zip"}
)
_IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif"})
_ROOM_ATTACHMENTS = ("background_attachment", "whiteboard_attachment")
_MAX_TITLE = 50
_MAX_PAGE_LIMIT = 1000
_MIN_CLASS_SECONDS = 15 * 60
_MAX_CLASS_SECONDS = 24 * 3600
_SCHEDULE_HORIZON = 365 * 24 * 3600
_SMALL_CLASS, _ONE_ON_ONE = 4, 6
_SMALL_CLASS_PRODUCT = 2
_ROLES_BY_TYPE = {
    "all": (STUDENT, TEACHER, ADMIN),
    "student": (STUDENT,),
    "teacher": (TEACHER,),
    "admin": (ADMIN,),
}
_DOC_SOURCES = ("all", "room", "api", "management")


def _endpoint(path: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ENDPOINTS[path] = handler
        return handler

    return register


# Reading parameters


def _bad(msg: str) -> ServiceError:
    return ServiceError(PARAMETER_ERROR, msg)


def _int(
    fields: Mapping[str, str],
    name: str,
    *,
    default: int | None = None,
    low: int | None = None,
    high: int | None = None,
    allowed: Collection[int] | None = None,
) -> int | None:
    raw = fields.get(name)
    if raw is None:
        return default
    if not _UNSIGNED.fullmatch(raw):
        raise _bad(f"{name} must be an unsigned integer")
    value = int(raw)
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"at least {low}" if high is None else f"between {low} and {high}"
        raise _bad(f"{name} must be {bounds}")
    if allowed is not None and value not in allowed:
        raise _bad(f"{name} must be one of {sorted(allowed)}")
    return value


def _required_int(
    fields: Mapping[str, str], name: str, *, low: int | None = None
) -> int:
    value = _int(fields, name, low=low)
    if value is None:
        raise _bad(f"{name} is required")
    return value


def _choice(
    fields: Mapping[str, str], name: str, allowed: Sequence[str], default: str | None
) -> str:
    value = fields.get(name, default)
    if value is None:
        raise _bad(f"{name} is required")
    if value not in allowed:
        raise _bad(f"{name} must be one of {', '.join(allowed)}")
    return value


def _day(fields: Mapping[str, str], name: str, *, required: bool = False) -> str | None:
    raw = fields.get(name)
    if raw is None or (raw == "" and not required):
        if required:
            raise _bad(f"{name} is required")
        return None
    try:
        if not _DAY.fullmatch(raw):
            raise ValueError(raw)
        date.fromisoformat(raw)
    except ValueError:
        raise _bad(f"{name} must be a date as YYYY-MM-DD") from None
    return raw


def _title(fields: Mapping[str, str], *, required: bool) -> str | None:
    title = fields.get("title")
    if title is None and not required:
        return None
    if not title:
        raise _bad("title is required")
    if len(title) > _MAX_TITLE:
        raise _bad(f"title must be at most {_MAX_TITLE} characters")
    return title


def _room(state: ServiceState, fields: Mapping[str, str]) -> Room:
    room_id = _required_int(fields, "room_id")
    room = state.rooms.get(room_id)
    if room is None:
        raise ServiceError(ROOM_NOT_FOUND, "room does not exist")
    if room.deleted:
        raise ServiceError(ROOM_DELETED, "room was deleted")
    return room


def _paging(
    fields: Mapping[str, str], size_name: str, default_size: int, *, high: int | None
) -> tuple[int, int]:
    page = _int(fields, "page", default=1, low=1)
    size = _int(fields, size_name, default=default_size, low=1, high=high)
    return page or 1, size or default_size


def _page_of(items: Sequence[_T], page: int, size: int) -> list[_T]:
    """Cut one page; a size of 0 means everything, as the live report allows."""
    if size == 0:
        return list(items)
    return list(items[(page - 1) * size : page * size])


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return "" if dot < 0 else filename[dot:].lower()


def _basename(filename: str) -> str:
    return re.split(r"[/\\]", filename)[-1]


# Room rules shared by create and update


def _check_max_users(kind: int, max_users: int, *, low: int) -> None:
    if kind == _ONE_ON_ONE and max_users != 1:
        raise _bad("max_users must be 1 for a one-on-one room")
    if kind != _ONE_ON_ONE and not low <= max_users <= 12:
        raise _bad(f"max_users must be between {low} and 12 for a small class")


def _check_schedule(state: ServiceState, start: int, end: int) -> None:
    now = state.now()
    if start >= end:
        raise _bad("end_time must be after start_time")
    length = end - start
    if not _MIN_CLASS_SECONDS < length < _MAX_CLASS_SECONDS:
        raise _bad("a class must last more than 15 minutes and less than 24 hours")
    for moment in (start, end):
        if abs(moment - now) > _SCHEDULE_HORIZON:
            raise _bad("start_time and end_time must be within a year of now")


class _Setting(NamedTuple):
    """The accepted values of an optional integer room setting."""

    low: int | None = None
    high: int | None = None
    allowed: tuple[int, ...] | None = None


_FLAG = _Setting(allowed=(0, 1))
_CREATE_SETTINGS = {
    "auto_on_stage": _FLAG,
    "has_foreign_user": _Setting(allowed=(1, 2)),
    "pre_enter_time": _Setting(low=0),
    "template_type": _Setting(allowed=(1, 3)),
    "end_delay_time": _Setting(low=0, high=7200),
    "enable_cloud_record": _Setting(allowed=(1, 2)),
    "auto_playback_record": _FLAG,
    "enable_pull_audio_only": _FLAG,
}
_UPDATE_SETTINGS = {
    "pre_enter_time": _Setting(low=0),
    "template_type": _Setting(allowed=(1, 2, 3)),
    "auto_playback_record": _FLAG,
    "enable_pull_audio_only": _FLAG,
}


def _room_settings(
    fields: Mapping[str, str], rules: Mapping[str, _Setting]
) -> dict[str, int]:
    settings: dict[str, int] = {}
    for name, rule in rules.items():
        value = _int(fields, name, low=rule.low, high=rule.high, allowed=rule.allowed)
        if value is not None:
            settings[name] = value
    return settings


def _room_attachments(form: Form) -> dict[str, UploadedFile]:
    attachments = {
        name: form.files[name] for name in _ROOM_ATTACHMENTS if name in form.files
    }
    for name, upload in attachments.items():
        if _suffix(upload.filename) not in _IMAGE_SUFFIXES:
            raise _bad(f"{name} must be a .jpg, .jpeg, .png or .gif image")
    return attachments


# Wire shapes


def _china_time(moment: int | None) -> str:
    """Render unix seconds as the service's ``YYYY-MM-DD HH:MM:SS`` China time."""
    if moment is None:
        return ""
    return datetime.fromtimestamp(moment, CHINA_TIME).strftime("%Y-%m-%d %H:%M:%S")


def _china_day(moment: int) -> str:
    return datetime.fromtimestamp(moment, CHINA_TIME).date().isoformat()


# The endpoints, in the vendor document's order


@_endpoint("partner/createkey")
def create_key(state: ServiceState, form: Form) -> object:
    """Return the account's key; ``regenerate=1`` replaces it for every holder."""
    secret_key = form.fields.get("secret_key")
    if not secret_key:
        raise _bad("secret_key is required")
    if not secrets.compare_digest(secret_key.encode(), state.secret_key.encode()):
        raise _bad("secret_key does not match")
    if _int(form.fields, "regenerate", default=0, allowed=(0, 1)):
        state.partner_key = base64.b64encode(secrets.token_bytes(64)).decode()
    return {"partner_key": state.partner_key}


@_endpoint("room/create")
def create_room(state: ServiceState, form: Form) -> object:
    """Create a room after every documented check; its id comes back as a string."""
    fields = form.fields
    title = _title(fields, required=True)
    start = _required_int(fields, "start_time")
    end = _required_int(fields, "end_time")
    kind = _int(fields, "type", allowed=(_SMALL_CLASS, _ONE_ON_ONE))
    if kind is None:
        raise _bad("type is required")
    max_users = _required_int(fields, "max_users")
    _check_max_users(kind, max_users, low=2)
    max_backup_users = _int(fields, "max_backup_users", default=0, low=0, high=300)
    settings = _room_settings(fields, _CREATE_SETTINGS)
    _check_schedule(state, start, end)
    attachments = _room_attachments(form)

    room = state.add_room(
        title or "",
        start_time=start,
        end_time=end,
        type=kind,
        max_users=max_users,
        max_backup_users=max_backup_users or 0,
    )
    room.settings.update(settings)
    room.attachments.update(attachments)
    return {
        "room_id": str(room.room_id),
        "student_code": room.student_code,
        "admin_code": room.admin_code,
        "teacher_code": room.teacher_code,
    }


@_endpoint("room/update")
def update_room(state: ServiceState, form: Form) -> object:
    """Change the fields given; a new schedule must follow the creation rules."""
    fields = form.fields
    room = _room(state, fields)
    title = _title(fields, required=False)
    start = _int(fields, "start_time")
    end = _int(fields, "end_time")
    max_users = _int(fields, "max_users")
    if max_users is not None:
        _check_max_users(room.type, max_users, low=1)
    max_backup_users = _int(fields, "max_backup_users", low=0, high=300)
    settings = _room_settings(fields, _UPDATE_SETTINGS)
    if start is not None or end is not None:
        start = room.start_time if start is None else start
        end = room.end_time if end is None else end
        _check_schedule(state, start, end)
    attachments = _room_attachments(form)

    if title is not None:
        room.title = title
    if start is not None and end is not None:
        room.start_time, room.end_time = start, end
    if max_users is not None:
        room.max_users = max_users
    if max_backup_users is not None:
        room.max_backup_users = max_backup_users
    room.settings.update(settings)
    room.attachments.update(attachments)
    return None


@_endpoint("room/delete")
def delete_room(state: ServiceState, form: Form) -> object:
    """Delete a room: from now on it answers "room was deleted" (3002)."""
    _room(state, form.fields).deleted = True
    return None


@_endpoint("room/info")
def room_info(state: ServiceState, form: Form) -> object:
    """Describe a room: numeric id, China-time strings, counts as strings."""
    room = _room(state, form.fields)
    return {
        "room_id": room.room_id,
        "title": room.title,
        "start_time": _china_time(room.start_time),
        "end_time": _china_time(room.end_time),
        "type": str(room.type),
        "max_users": str(room.max_users),
        "admin_code": room.admin_code,
        "teacher_code": room.teacher_code,
        "max_backup_users": str(room.max_backup_users),
    }


@_endpoint("room/getcode")
def get_code(state: ServiceState, form: Form) -> object:
    """Give a student's stable code; user_number 0 gets the room's shared code."""
    room = _room(state, form.fields)
    user_number = _required_int(form.fields, "user_number")
    code = state.student_code(room.room_id, user_number, form.fields.get("user_avatar"))
    return {"student_code": code.code}


@_endpoint("room/getCodeInfo")
def code_info(state: ServiceState, form: Form) -> object:
    """Say whom a code admits; codes of deleted rooms no longer exist."""
    text = form.fields.get("code")
    if not text:
        raise _bad("code is required")
    code = state.codes.get(text)
    if code is None or state.rooms[code.room_id].deleted:
        return {"exist": False, "code_info": None}
    return {
        "exist": True,
        "code_info": {
            "code": code.code,
            "room_id": code.room_id,
            "user_number": code.user_number,
            "user_role": code.user_role,
            "user_name": code.user_name,
            "create_time": _china_time(code.create_time),
        },
    }


@_endpoint("room/listcode")
def list_codes(state: ServiceState, form: Form) -> object:
    """List a room's student codes, newest first; user numbers come as strings."""
    room = _room(state, form.fields)
    page, limit = _paging(form.fields, "limit", 100, high=_MAX_PAGE_LIMIT)
    codes = state.room_codes(room.room_id)
    return {
        "total": len(codes),
        "list": [
            {
                "code": code.code,
                "user_number": str(code.user_number),
                "user_avatar": code.user_avatar,
            }
            for code in _page_of(codes, page, limit)
        ],
    }


@_endpoint("room/list")
def list_rooms(state: ServiceState, form: Form) -> object:
    """List the account's rooms, newest first; ids as strings, times as unix ints."""
    page, limit = _paging(form.fields, "limit", 100, high=_MAX_PAGE_LIMIT)
    product_type = _int(form.fields, "product_type", default=0)
    rooms = [room for room in state.rooms.values() if not room.deleted][::-1]
    if product_type not in (0, _SMALL_CLASS_PRODUCT):
        rooms = []
    return {
        "total": len(rooms),
        "list": [
            {
                "room_id": str(room.room_id),
                "title": room.title,
                "type": str(room.type),
                "max_users": str(room.max_users),
                "start_time": room.start_time,
                "end_time": room.end_time,
                "create_time": room.create_time,
                "teacher_code": room.teacher_code,
                "admin_code": room.admin_code,
                "student_code": room.student_code,
                "industry_type": 0,
            }
            for room in _page_of(rooms, page, limit)
        ],
    }


@_endpoint("doc/uploadDoc")
def upload_doc(state: ServiceState, form: Form) -> object:
    """Store an uploaded document's description, binding it if a room is named."""
    upload = form.files.get("attachment")
    if upload is None:
        raise _bad("attachment is required")
    name = _basename(upload.filename)
    suffix = _suffix(name)
    if suffix not in _DOC_SUFFIXES:
        raise _bad(f"file type {suffix or '(none)'} is not supported")
    ppt_animation = _int(form.fields, "ppt_animation", default=0, allowed=(0, 1))
    room = _room(state, form.fields) if "room_id" in form.fields else None
    if upload.size == 0:
        raise ServiceError(UPLOAD_FAILED, "the file is empty")

    if suffix == ".zip":
        file_type = "H5课件"
    elif ppt_animation and suffix in (".ppt", ".pptx"):
        file_type = "动效PPT"
    else:
        file_type = "普通文件"
    doc = state.add_doc(
        name, size=upload.size, md5=upload.md5, upload_source="api", file_type=file_type
    )
    data: dict[str, object] = {"fid": doc.fid, "name": doc.name}
    if room is not None:
        data["bind_id"] = state.bind_doc(room.room_id, doc.fid).bind_id
    return data


def _doc_fid(state: ServiceState, fields: Mapping[str, str]) -> int:
    fid = _required_int(fields, "fid")
    if fid not in state.docs:
        raise _bad("no document has this fid")
    return fid


@_endpoint("doc/bindDoc")
def bind_doc(state: ServiceState, form: Form) -> object:
    """Attach a document to a room; the room id comes back as a string."""
    room = _room(state, form.fields)
    binding = state.bind_doc(room.room_id, _doc_fid(state, form.fields))
    return {
        "fid": binding.fid,
        "room_id": str(room.room_id),
        "bind_id": binding.bind_id,
    }


@_endpoint("doc/listDoc")
def room_docs(state: ServiceState, form: Form) -> object:
    """List the documents attached to a room, newest first."""
    room = _room(state, form.fields)
    docs = [state.docs[b.fid] for b in state.room_bindings(room.room_id)]
    return {
        "room_id": str(room.room_id),
        "list": [
            {
                "fid": doc.fid,
                "name": doc.name,
                "create_time": _china_time(doc.create_time),
            }
            for doc in docs
        ],
    }


@_endpoint("doc/listAllDoc")
def account_docs(state: ServiceState, form: Form) -> object:
    """List the account's library by source; fid and size come as strings."""
    source = _choice(form.fields, "type", _DOC_SOURCES, default=None)
    page, page_size = _paging(form.fields, "page_size", 10, high=None)
    docs = [
        doc
        for doc in reversed(state.docs.values())
        if source in ("all", doc.upload_source)
    ]
    return {
        "total": len(docs),
        "list": [
            {
                "fid": str(doc.fid),
                "name": doc.name,
                "create_time": _china_time(doc.create_time),
                "upload_source": doc.upload_source,
                "url": f"https://fake-baijiayun.invalid/doc/{doc.fid}",
                "file_type": doc.file_type,
                "size": str(doc.size),
            }
            for doc in _page_of(docs, page, page_size)
        ],
    }


@_endpoint("doc/removeDoc")
def remove_doc(state: ServiceState, form: Form) -> object:
    """Detach a document from a room; the library keeps it."""
    room = _room(state, form.fields)
    fid = _required_int(form.fields, "fid")
    for binding in state.room_bindings(room.room_id):
        if binding.fid == fid:
            del state.bindings[binding.bind_id]
            return {"fid": str(fid)}
    raise _bad("the document is not attached to this room")


@_endpoint("live/getLiveStatus")
def live_status(state: ServiceState, form: Form) -> object:
    """Say whether class is in session (1) or not (0)."""
    return {"status": int(_room(state, form.fields).live)}


@_endpoint("live/getTeacherOnlineStatus")
def teacher_status(state: ServiceState, form: Form) -> object:
    """Say whether the teacher is in the room (1) or not (0)."""
    return {"status": int(_room(state, form.fields).teacher_online)}


@_endpoint("live/getUserCount")
def user_count(state: ServiceState, form: Form) -> object:
    """Count the users in the room now, and the count it displays."""
    room = _room(state, form.fields)
    return {
        "user_count": room.user_count,
        "display_user_count": room.display_user_count,
    }


@_endpoint("room_data/exportAnswerStat")
def answer_stats(state: ServiceState, form: Form) -> object:
    """Export quiz questions with every answer; a dateless question is on day one."""
    room = _room(state, form.fields)
    day = _day(form.fields, "date")
    first_day = _china_day(room.start_time)
    questions = [
        q for q in room.questions if day is None or (q.date or first_day) == day
    ]
    return {
        "list": [
            {
                "question_id": q.question_id,
                "description": q.description,
                "right_option": ",".join(q.right_options),
                "option_list": [
                    {"option": option, "is_right": option in q.right_options}
                    for option in q.options
                ],
                "student_answer": [
                    {
                        "user_number": answer.user_number,
                        "user_name": answer.user_name,
                        "question_id": q.question_id,
                        "select_option": ",".join(answer.select_option),
                        "is_right": set(answer.select_option) == set(q.right_options),
                    }
                    for answer in q.answers
                ],
            }
            for q in questions
        ],
        "total": len(questions),
    }


@_endpoint("room_data/exportChatMsg")
def chat_messages(state: ServiceState, form: Form) -> object:
    """Export the room's chat, of one China-time day when ``date`` is given."""
    # TODO: the service keeps only the last two weeks of chat; the fake keeps all.
    room = _room(state, form.fields)
    day = _day(form.fields, "date")
    return {
        "list": [
            {
                "time": _china_time(message.time),
                "user_number": message.user_number,
                "user_role": message.user_role,
                "user_name": message.user_name,
                "content": message.content,
            }
            for message in room.chat
            if day is None or _china_day(message.time) == day
        ]
    }


@_endpoint("room_data/exportLiveReport")
def live_report(state: ServiceState, form: Form) -> object:
    """Export attendance by role; ``page_size`` 0 (the default) returns every row."""
    room = _room(state, form.fields)
    roles = _ROLES_BY_TYPE[
        _choice(form.fields, "type", tuple(_ROLES_BY_TYPE), default="student")
    ]
    page = _int(form.fields, "page", default=1, low=1)
    page_size = _int(form.fields, "page_size", default=0, low=0)
    day = _day(form.fields, "date")
    # TODO: detail=1 should add each visit's entry and exit times; the vendor
    # document does not show their shape, so the flag is only validated.
    _int(form.fields, "detail", allowed=(0, 1))
    records = [
        r
        for r in room.attendance
        if r.user_role in roles and (day is None or r.date == day)
    ]
    return {
        "total": len(records),
        "room_user_info": [
            {
                "date": r.date,
                "user_number": r.user_number,
                "user_name": r.user_name,
                "user_role": r.user_role,
                "first_time": _china_time(r.first_time),
                "last_time": _china_time(r.last_time),
                "first_heartbeat_time": _china_time(r.first_heartbeat_time),
                "last_heartbeat_time": _china_time(r.last_heartbeat_time),
                "actual_listen_time": r.actual_listen_time,
                "user_ip": r.user_ip,
                "network_operator": r.network_operator,
                "client_type": r.client_type,
                "area": r.area,
                "city": r.city,
                "group_id": r.group_id,
            }
            for r in _page_of(records, page or 1, page_size or 0)
        ],
    }


@_endpoint("room_data/getAllRoomUserStat")
def room_user_stats(state: ServiceState, form: Form) -> object:
    """Give every small-class room's head counts for a day, keyed by room id."""
    day = _day(form.fields, "date", required=True)
    product_type = _required_int(form.fields, "product_type")
    stats: dict[str, object] = {}
    if product_type == _SMALL_CLASS_PRODUCT:
        for room in state.rooms.values():
            stat = room.stats.get(day or "")
            if stat is not None:
                stats[str(room.room_id)] = {
                    "room_id": str(room.room_id),
                    "student_count": stat.student_count,
                    "total_user_count": stat.total_user_count,
                    "peak_user": stat.peak_user,
                }
    return {"room_user_stat": stats}
