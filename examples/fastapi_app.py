"""A FastAPI service that schedules classes on Baijiayun and hears back from them.

One :class:`~baijiayun_async.BaijiayunClient` serves the whole application: the
lifespan opens it from the ``BAIJIAYUN_*`` environment variables and closes its
connection pool at shutdown, and routes receive it through a dependency. SDK
errors become HTTP answers in one exception handler. Run it with::

    BAIJIAYUN_PARTNER_ID=... BAIJIAYUN_PARTNER_KEY=... BAIJIAYUN_PRIVATE_DOMAIN=... \
        uvicorn examples.fastapi_app:app
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import AwareDatetime, BaseModel

from baijiayun_async import (
    APIError,
    BaijiayunClient,
    BaijiayunError,
    InvalidArgumentError,
    OutcomeUnknownError,
    RateLimitedError,
    RequestTimeoutError,
    RoomNotFoundError,
    StudentCode,
)

#: Codes issued at once for one class: enough to be quick, few enough to leave
#: the client's connections and the account's rate limit to other requests.
CODE_CONCURRENCY = 8


class Student(BaseModel):
    """A student of the class, by their number in our own user system."""

    user_number: int
    name: str


class NewClass(BaseModel):
    """A class to schedule: the room's settings and who will attend."""

    title: str
    start_time: AwareDatetime
    end_time: AwareDatetime
    max_users: int
    students: list[Student]


class RoomOut(BaseModel):
    """A new room's id and the codes of its admin, teacher and shared student seat."""

    room_id: int
    admin_code: str
    teacher_code: str
    student_code: str


class StudentCodeOut(BaseModel):
    """The personal code a student enters the room with."""

    user_number: int
    name: str
    code: str


class ScheduledClass(BaseModel):
    """A room and one personal code per student."""

    room: RoomOut
    codes: list[StudentCodeOut]


class UploadedDocOut(BaseModel):
    """A document in the account's library; ``bind_id`` when bound to a room."""

    fid: int
    name: str
    bind_id: int | None


async def baijiayun_client(request: Request) -> BaijiayunClient:
    """Hand a route the application's one client (async: no worker-thread hop)."""
    bjy: BaijiayunClient = request.app.state.bjy
    return bjy


Baijiayun = Annotated[BaijiayunClient, Depends(baijiayun_client)]
router = APIRouter()


@router.post("/rooms", status_code=201)
async def schedule_class(new: NewClass, bjy: Baijiayun) -> ScheduledClass:
    """Create a room and issue every student a personal code.

    The codes are requested ``CODE_CONCURRENCY`` at a time. If one fails, the
    room already exists: the error answer names the failure, and issuing the
    codes again for the same students gives back the same codes.
    """
    room = await bjy.rooms.create(
        title=new.title,
        start_time=new.start_time,
        end_time=new.end_time,
        max_users=new.max_users,
    )

    slots = asyncio.Semaphore(CODE_CONCURRENCY)

    async def issue(student: Student) -> StudentCodeOut:
        async with slots:
            code = await bjy.codes.create(room.room_id, student.user_number)
        return StudentCodeOut(
            user_number=student.user_number, name=student.name, code=code
        )

    codes = await asyncio.gather(*(issue(student) for student in new.students))
    return ScheduledClass(
        room=RoomOut(
            room_id=room.room_id,
            admin_code=room.admin_code,
            teacher_code=room.teacher_code,
            student_code=room.student_code,
        ),
        codes=codes,
    )


@router.get("/rooms/{room_id}/codes")
async def list_codes(room_id: int, bjy: Baijiayun) -> StreamingResponse:
    """Stream a room's student codes as JSON lines, one page fetched at a time.

    The first code is fetched before the answer starts, so that an unknown room
    or an unreachable service still gets a proper status. A failure on a later
    page can only cut the stream short: the client sees an incomplete body.
    """
    codes = bjy.codes.list(room_id)
    first = await anext(codes, None)

    async def json_lines() -> AsyncIterator[bytes]:
        if first is None:
            return
        yield _json_line(first)
        try:
            async for code in codes:
                yield _json_line(code)
        except BaijiayunError as exc:
            # The status line is out, so no error answer can follow: an error no
            # handler answers makes the server drop the connection.
            raise RuntimeError("code listing failed mid-stream") from exc

    return StreamingResponse(json_lines(), media_type="application/x-ndjson")


@router.post("/docs", status_code=201)
async def upload_doc(
    request: Request,
    bjy: Baijiayun,
    filename: str,
    room_id: int | None = None,
    content_length: Annotated[int | None, Header()] = None,
) -> UploadedDocOut:
    """Upload the request body as courseware named ``filename``.

    The body goes to Baijiayun as it arrives, never held in memory whole; its
    ``Content-Length`` is passed on, and a chunked body is sent on chunked.
    ``room_id`` also binds the document to that room.
    """
    doc = await bjy.docs.upload(
        request.stream(), filename=filename, size=content_length, room_id=room_id
    )
    return UploadedDocOut(fid=doc.fid, name=doc.name, bind_id=doc.bind_id)


@router.post("/baijiayun/callback")
async def class_event(request: Request, bjy: Baijiayun) -> dict[str, int]:
    """Receive a class event that Baijiayun posts to the account's callback URL.

    The event is kept only if its signature holds and its timestamp is fresh;
    anything else, including a repeated or uploaded field, is refused with 403.
    A real service would hand the event to a queue here and answer at once.
    """
    async with request.form() as form:
        fields = {
            key: value for key, value in form.multi_items() if isinstance(value, str)
        }
        complete = len(fields) == len(form.multi_items())
    if not complete or not bjy.verify_callback(fields):
        raise HTTPException(status_code=403, detail="callback not signed by Baijiayun")

    request.app.state.class_events.append(fields)
    return {"code": 0}


async def baijiayun_error(request: Request, exc: Exception) -> JSONResponse:
    """Answer an SDK error with the status that says whose fault it was."""
    status = 502
    body: dict[str, object] = {"detail": str(exc)}
    headers: dict[str, str] = {}
    if isinstance(exc, InvalidArgumentError):
        status = 422
    elif isinstance(exc, RoomNotFoundError):
        status, body = 404, {"detail": "no such room", "code": exc.code, "msg": exc.msg}
    elif isinstance(exc, APIError):
        body = {
            "detail": "Baijiayun refused the call",
            "code": exc.code,
            "msg": exc.msg,
        }
    elif isinstance(exc, (OutcomeUnknownError, RequestTimeoutError)):
        status = 504
    elif isinstance(exc, RateLimitedError):
        status = 503
        if exc.retry_after is not None:
            headers["Retry-After"] = str(math.ceil(exc.retry_after))
    return JSONResponse(body, status_code=status, headers=headers)


def create_app(**client_options: Any) -> FastAPI:
    """Build the application.

    ``client_options`` are keyword arguments of :class:`BaijiayunClient` that
    override the environment, such as ``max_connections`` or ``rate_limit``.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with BaijiayunClient.from_env(**client_options) as bjy:
            app.state.bjy = bjy
            app.state.class_events = []
            yield

    app = FastAPI(title="Classes on Baijiayun", lifespan=lifespan)
    app.include_router(router)
    app.add_exception_handler(BaijiayunError, baijiayun_error)
    return app


def _json_line(code: StudentCode) -> bytes:
    fields = {
        "code": code.code,
        "user_number": code.user_number,
        "user_avatar": code.user_avatar,
    }
    return json.dumps(fields, ensure_ascii=False).encode() + b"\n"


app = create_app()
