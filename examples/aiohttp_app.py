"""An aiohttp service that schedules classes on Baijiayun and hears back from them.

One :class:`~baijiayun_async.BaijiayunClient` serves the whole application: a
cleanup context opens it from the ``BAIJIAYUN_*`` environment variables and
closes its connection pool at shutdown, and handlers find it under an
application key. SDK errors become HTTP answers in one middleware. Run it with::

    BAIJIAYUN_PARTNER_ID=... BAIJIAYUN_PARTNER_KEY=... BAIJIAYUN_PRIVATE_DOMAIN=... \
        python -m examples.aiohttp_app
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web

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

BAIJIAYUN = web.AppKey("baijiayun", BaijiayunClient)
#: The class events received, oldest first.
CLASS_EVENTS = web.AppKey("class_events", list[dict[str, str]])

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
routes = web.RouteTableDef()


@routes.post("/rooms")
async def schedule_class(request: web.Request) -> web.Response:
    """Create a room and issue every student a personal code.

    The body is ``{title, start_time, end_time, max_users, students:
    [{user_number, name}]}`` with times in unix seconds. The codes are requested
    ``CODE_CONCURRENCY`` at a time. If one fails, the room already exists: the
    error answer names the failure, and issuing the codes again for the same
    students gives back the same codes.
    """
    bjy = request.app[BAIJIAYUN]
    new = await _json_object(request)
    try:
        settings = {key: new[key] for key in ("title", "start_time", "end_time")}
        students = [(s["user_number"], s["name"]) for s in new["students"]]
        max_users = new["max_users"]
    except (KeyError, TypeError) as exc:
        raise web.HTTPBadRequest(reason="malformed class") from exc

    room = await bjy.rooms.create(**settings, max_users=max_users)

    slots = asyncio.Semaphore(CODE_CONCURRENCY)

    async def issue(user_number: int, name: str) -> dict[str, object]:
        async with slots:
            code = await bjy.codes.create(room.room_id, user_number)
        return {"user_number": user_number, "name": name, "code": code}

    codes = await asyncio.gather(*(issue(*student) for student in students))
    created = {
        "room_id": room.room_id,
        "admin_code": room.admin_code,
        "teacher_code": room.teacher_code,
        "student_code": room.student_code,
    }
    return web.json_response({"room": created, "codes": codes}, status=201)


@routes.get("/rooms/{room_id:[0-9]+}/codes")
async def list_codes(request: web.Request) -> web.StreamResponse:
    """Stream a room's student codes as JSON lines, one page fetched at a time.

    The first code is fetched before the answer starts, so that an unknown room
    or an unreachable service still gets a proper status. A failure on a later
    page can only cut the stream short: the client sees an incomplete body.
    """
    bjy = request.app[BAIJIAYUN]
    codes = bjy.codes.list(int(request.match_info["room_id"]))
    first = await anext(codes, None)

    response = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
    await response.prepare(request)
    if first is not None:
        await response.write(_json_line(first))
        try:
            async for code in codes:
                await response.write(_json_line(code))
        except BaijiayunError as exc:
            # The status line is out, so no error answer can follow: an error the
            # middleware does not answer makes aiohttp drop the connection.
            raise RuntimeError("code listing failed mid-stream") from exc
    await response.write_eof()
    return response


@routes.post("/docs")
async def upload_doc(request: web.Request) -> web.Response:
    """Upload the request body as courseware named by the ``filename`` query.

    The body goes to Baijiayun as it arrives, never held in memory whole; its
    ``Content-Length`` is passed on, and a chunked body is sent on chunked.
    A ``room_id`` query also binds the document to that room.
    """
    bjy = request.app[BAIJIAYUN]
    filename = request.query.get("filename")
    room_id = request.query.get("room_id")
    if not filename or (room_id is not None and not room_id.isdigit()):
        raise web.HTTPBadRequest(reason="filename is required; room_id is a number")

    doc = await bjy.docs.upload(
        request.content.iter_chunked(64 * 1024),
        filename=filename,
        size=request.content_length,
        room_id=None if room_id is None else int(room_id),
    )
    uploaded = {"fid": doc.fid, "name": doc.name, "bind_id": doc.bind_id}
    return web.json_response(uploaded, status=201)


@routes.post("/baijiayun/callback")
async def class_event(request: web.Request) -> web.Response:
    """Receive a class event that Baijiayun posts to the account's callback URL.

    The event is kept only if its signature holds and its timestamp is fresh;
    anything else, including a repeated or uploaded field, is refused with 403.
    A real service would hand the event to a queue here and answer at once.
    """
    form = await request.post()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    complete = len(fields) == len(form)
    if not complete or not request.app[BAIJIAYUN].verify_callback(fields):
        raise web.HTTPForbidden(reason="callback not signed by Baijiayun")

    request.app[CLASS_EVENTS].append(fields)
    return web.json_response({"code": 0})


@web.middleware
async def baijiayun_errors(
    request: web.Request, handler: Handler
) -> web.StreamResponse:
    """Answer an SDK error with the status that says whose fault it was."""
    try:
        return await handler(request)
    except BaijiayunError as exc:
        return _error_answer(exc)


def _error_answer(exc: BaijiayunError) -> web.Response:
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
    return web.json_response(body, status=status, headers=headers)


def create_app(**client_options: Any) -> web.Application:
    """Build the application.

    ``client_options`` are keyword arguments of :class:`BaijiayunClient` that
    override the environment, such as ``max_connections`` or ``rate_limit``.
    """

    async def baijiayun_client(app: web.Application) -> AsyncIterator[None]:
        async with BaijiayunClient.from_env(**client_options) as bjy:
            app[BAIJIAYUN] = bjy
            app[CLASS_EVENTS] = []
            yield

    app = web.Application(middlewares=[baijiayun_errors])
    app.cleanup_ctx.append(baijiayun_client)
    app.add_routes(routes)
    return app


async def _json_object(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as exc:
        raise web.HTTPBadRequest(reason="the body is not JSON") from exc
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(reason="the body is not a JSON object")
    return body


def _json_line(code: StudentCode) -> bytes:
    fields = {
        "code": code.code,
        "user_number": code.user_number,
        "user_avatar": code.user_avatar,
    }
    return json.dumps(fields, ensure_ascii=False).encode() + b"\n"


if __name__ == "__main__":
    web.run_app(create_app(), host="127.0.0.1", port=8080)
