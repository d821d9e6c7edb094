"""The example web apps, served on loopback in front of the fake service.

Each app runs as it would in production (the FastAPI one under uvicorn with its
lifespan, the aiohttp one in aiohttp's own server with its cleanup context) and
reads its settings from ``BAIJIAYUN_*`` variables that point at the fake.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import json
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import attrs
import httpx
import pytest
import uvicorn
from aiohttp.test_utils import TestServer

from baijiayun_async import BaijiayunClient, sign
from baijiayun_async.testing import DropAfterAction, ErrorCode, FakeBaijiayun, Latency
from examples import aiohttp_app, fastapi_app

from .support import PARTNER_ID, PARTNER_KEY

HOUR = 3600
MIB = 1024 * 1024
CONCURRENT = 200

pytestmark = pytest.mark.parametrize("kind", ["fastapi", "aiohttp"])


class CountingFake(FakeBaijiayun):
    """The fake service, counting the bytes of uploads as they arrive."""

    def __init__(self) -> None:
        super().__init__(PARTNER_ID, PARTNER_KEY)
        self.upload_bytes = 0
        self.port = 0
        self._received = asyncio.Condition()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].endswith("doc/uploadDoc"):
            await super().__call__(scope, receive, send)
            return

        async def counting() -> Any:
            message = await receive()
            async with self._received:
                self.upload_bytes += len(message.get("body", b""))
                self._received.notify_all()
            return message

        await super().__call__(scope, counting, send)

    async def uploaded(self, size: int) -> None:
        """Wait (10 s at most) until more than ``size`` upload bytes have arrived."""

        async def arrived() -> None:
            async with self._received:
                await self._received.wait_for(lambda: self.upload_bytes > size)

        await asyncio.wait_for(arrived(), timeout=10)


@attrs.frozen
class Served:
    """An example app being served: its URL and the class events it has kept."""

    url: str
    events: Callable[[], list[dict[str, str]]]


class _EmbeddedServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # pytest owns the signals


@contextlib.asynccontextmanager
async def serve_fastapi() -> AsyncIterator[Served]:
    app = fastapi_app.create_app(rate_limit=None)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    # A long keep-alive: a connection the server closes just as the client
    # reuses it fails the request, which would test the race, not the app.
    config = uvicorn.Config(
        app,
        lifespan="on",
        log_config=None,
        access_log=False,
        ws="none",
        timeout_keep_alive=60,
    )
    server = _EmbeddedServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            assert not task.done(), "uvicorn stopped while starting"
            await asyncio.sleep(0.01)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        yield Served(url, lambda: app.state.class_events)
    finally:
        server.should_exit = True
        await task
        sock.close()


@contextlib.asynccontextmanager
async def serve_aiohttp() -> AsyncIterator[Served]:
    app = aiohttp_app.create_app(rate_limit=None)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        url = str(server.make_url("")).rstrip("/")
        yield Served(url, lambda: app[aiohttp_app.CLASS_EVENTS])
    finally:
        await server.close()


SERVERS = {"fastapi": serve_fastapi, "aiohttp": serve_aiohttp}


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[CountingFake]:
    fake = CountingFake()
    async with fake.serve(host="127.0.0.1", port=0) as base_url:
        fake.port = httpx.URL(base_url).port or 0
        monkeypatch.setenv("BAIJIAYUN_PARTNER_ID", str(PARTNER_ID))
        monkeypatch.setenv("BAIJIAYUN_PARTNER_KEY", PARTNER_KEY)
        monkeypatch.setenv("BAIJIAYUN_BASE_URL", base_url)
        monkeypatch.delenv("BAIJIAYUN_PRIVATE_DOMAIN", raising=False)
        yield fake


@pytest.fixture
async def served(kind: str, fake: CountingFake) -> AsyncIterator[Served]:
    async with SERVERS[kind]() as served:
        yield served


@pytest.fixture
async def http(served: Served) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=served.url, timeout=30, trust_env=False
    ) as http:
        yield http


def new_class(title: str, students: int = 3, **changes: object) -> dict[str, object]:
    start = int(time.time()) + HOUR
    body: dict[str, object] = {
        "title": title,
        "start_time": start,
        "end_time": start + HOUR,
        "max_users": 6,
        "students": [
            {"user_number": 1000 + n, "name": f"Student {n}"} for n in range(students)
        ],
    }
    return body | changes


async def read_lines(http: httpx.AsyncClient, path: str) -> list[dict[str, Any]]:
    async with http.stream("GET", path) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/x-ndjson"
        return [json.loads(line) async for line in response.aiter_lines() if line]


# Many requests at once, then a clean shutdown


async def test_concurrent_requests_and_clean_shutdown(
    kind: str,
    fake: CountingFake,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    closes: list[BaijiayunClient] = []
    aclose = BaijiayunClient.aclose

    async def counted_aclose(self: BaijiayunClient) -> None:
        closes.append(self)
        await aclose(self)

    monkeypatch.setattr(BaijiayunClient, "aclose", counted_aclose)
    listed = fake.add_room("Listed")
    for user_number in range(1, 60):
        fake.student_code(listed.room_id, user_number)
    expected = {code.code for code in fake.room_codes(listed.room_id)}

    async with SERVERS[kind]() as served, users(served.url) as http:
        creations = await asyncio.gather(
            *(
                http[n].post("/rooms", json=new_class(f"Class {n}", students=1))
                for n in range(CONCURRENT)
            )
        )
        listings = await asyncio.gather(
            *(
                read_lines(http[n], f"/rooms/{listed.room_id}/codes")
                for n in range(CONCURRENT)
            )
        )

    assert [response.status_code for response in creations] == [201] * CONCURRENT
    for response in creations:
        answer = response.json()
        room_id = answer["room"]["room_id"]
        assert fake.rooms[room_id].student_code == answer["room"]["student_code"]
        for issued in answer["codes"]:
            code = fake.student_code(room_id, issued["user_number"])
            assert issued["code"] == code.code
    assert len(fake.rooms) == CONCURRENT + 1
    assert len(expected) == 60
    for lines in listings:
        assert {line["code"] for line in lines} == expected

    assert len(closes) == 1, "the app's client was not closed exactly once"
    assert await _connections_closed(fake.port), "connections outlived the app"
    gc.collect()
    output = capfd.readouterr()
    assert "Event loop is closed" not in output.out + output.err + caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@contextlib.asynccontextmanager
async def users(url: str, clients: int = 8) -> AsyncIterator[list[httpx.AsyncClient]]:
    """Give each of ``CONCURRENT`` users a connection, from a few httpx clients.

    One client would do, but httpcore's pool spends time quadratic in its
    connections, which would measure the test client rather than the app.
    """
    limits = httpx.Limits(max_connections=CONCURRENT // clients)
    async with contextlib.AsyncExitStack() as stack:
        pool = [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    base_url=url, timeout=60, limits=limits, trust_env=False
                )
            )
            for _ in range(clients)
        ]
        yield [pool[n % clients] for n in range(CONCURRENT)]


async def _connections_closed(port: int) -> bool:
    """Wait until no TCP connection to or from ``port`` is established."""
    for _ in range(100):
        if not _established(port):
            return True
        await asyncio.sleep(0.02)
    return False


def _established(port: int) -> list[str]:
    table = Path("/proc/net/tcp")
    if not table.exists():
        return []  # only Linux shows its sockets this way
    rows = [row.split() for row in table.read_text().splitlines()[1:]]
    return [
        f"{row[1]} -> {row[2]}"
        for row in rows
        if row[3] == "01" and port in (_hex_port(row[1]), _hex_port(row[2]))
    ]


def _hex_port(address: str) -> int:
    return int(address.rsplit(":", 1)[1], 16)


# Scheduling a class


async def test_schedule_class_issues_one_code_per_student(
    fake: CountingFake, http: httpx.AsyncClient
) -> None:
    response = await http.post("/rooms", json=new_class("Algebra", students=20))

    assert response.status_code == 201
    answer = response.json()
    room = fake.rooms[answer["room"]["room_id"]]
    assert room.title == "Algebra"
    assert answer["room"]["teacher_code"] == room.teacher_code
    assert [c["user_number"] for c in answer["codes"]] == list(range(1000, 1020))
    assert answer["codes"][3]["name"] == "Student 3"
    issued = {c["code"] for c in answer["codes"]}
    assert len(issued) == 20
    assert issued < {code.code for code in fake.room_codes(room.room_id)}


async def test_rule_broken_is_422(fake: CountingFake, http: httpx.AsyncClient) -> None:
    response = await http.post("/rooms", json=new_class("Too big", max_users=50))

    assert response.status_code == 422
    assert "max_users" in response.json()["detail"]
    assert fake.calls("room/create") == []


async def test_api_error_is_502_with_code_and_msg(
    fake: CountingFake, http: httpx.AsyncClient
) -> None:
    fake.inject("room/create", ErrorCode(2002, "no permission"))

    response = await http.post("/rooms", json=new_class("Denied"))

    assert response.status_code == 502
    assert response.json() | {"detail": ""} == {
        "detail": "",
        "code": 2002,
        "msg": "no permission",
    }


async def test_unknown_outcome_is_504(
    fake: CountingFake, http: httpx.AsyncClient
) -> None:
    fake.inject("room/create", DropAfterAction())

    response = await http.post("/rooms", json=new_class("Lost answer"))

    assert response.status_code == 504
    assert "outcome unknown" in response.json()["detail"]
    assert len(fake.calls("room/create")) == 1, "room/create must not be replayed"


async def test_malformed_class_is_refused(
    kind: str, fake: CountingFake, http: httpx.AsyncClient
) -> None:
    body = new_class("No students")
    del body["students"]

    response = await http.post("/rooms", json=body)

    assert response.status_code == (422 if kind == "fastapi" else 400)
    assert fake.calls("room/create") == []


# Listing codes


async def test_list_codes_streams_every_page(
    fake: CountingFake, http: httpx.AsyncClient
) -> None:
    room = fake.add_room()
    for user_number in range(1, 231):
        fake.student_code(room.room_id, user_number, f"https://img.test/{user_number}")

    lines = await read_lines(http, f"/rooms/{room.room_id}/codes")

    assert len(lines) == 231
    assert len(fake.calls("room/listcode")) == 3
    by_number = {line["user_number"]: line for line in lines}
    assert by_number[7] == {
        "code": fake.student_code(room.room_id, 7).code,
        "user_number": 7,
        "user_avatar": "https://img.test/7",
    }
    assert by_number[0]["code"] == room.student_code


async def test_unknown_room_is_404(http: httpx.AsyncClient) -> None:
    response = await http.get("/rooms/12345678901234/codes")

    assert response.status_code == 404
    assert response.json()["code"] == 3001


async def test_failure_mid_stream_cuts_the_body_short(
    fake: CountingFake, http: httpx.AsyncClient
) -> None:
    room = fake.add_room()
    for user_number in range(1, 151):
        fake.student_code(room.room_id, user_number)
    fake.inject("room/listcode", Latency(0))  # page 1 is served
    fake.inject("room/listcode", ErrorCode(3002, "room was deleted"))  # page 2 fails

    received: list[str] = []
    with pytest.raises(httpx.RemoteProtocolError):
        await _collect_lines(http, f"/rooms/{room.room_id}/codes", received)

    assert 0 < len(received) <= 100


async def _collect_lines(http: httpx.AsyncClient, path: str, into: list[str]) -> None:
    async with http.stream("GET", path) as response:
        assert response.status_code == 200
        async for line in response.aiter_lines():
            into.append(line)


# Uploading courseware


async def test_upload_streams_the_body_through(
    fake: CountingFake, http: httpx.AsyncClient
) -> None:
    room = fake.add_room()
    chunk = bytes(range(256)) * 4096  # 1 MiB
    chunks = 8
    digest = hashlib.md5(chunk * chunks).hexdigest()

    async def body() -> AsyncIterator[bytes]:
        for n in range(chunks):
            if n == chunks - 1:
                # Hold back the end: a route that buffered the body would not have
                # started its upload yet, and this would time out.
                await fake.uploaded(2 * MIB)
            yield chunk

    response = await http.post(
        "/docs",
        params={"filename": "第一课.pdf", "room_id": room.room_id},
        content=body(),
        headers={"Content-Length": str(chunks * MIB)},
    )

    assert response.status_code == 201
    answer = response.json()
    doc = fake.docs[answer["fid"]]
    assert (doc.name, doc.size, doc.md5) == ("第一课.pdf", chunks * MIB, digest)
    assert answer["bind_id"] == fake.room_bindings(room.room_id)[0].bind_id


async def test_upload_without_length_is_sent_chunked(
    fake: CountingFake, http: httpx.AsyncClient
) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b"%PDF-1.7 "
        yield b"x" * MIB

    response = await http.post("/docs", params={"filename": "a.pdf"}, content=body())

    assert response.status_code == 201
    assert response.json()["bind_id"] is None
    assert fake.docs[response.json()["fid"]].size == MIB + 9


async def test_upload_of_unsupported_type_is_422(
    fake: CountingFake, http: httpx.AsyncClient
) -> None:
    response = await http.post("/docs", params={"filename": "run.exe"}, content=b"MZ")

    assert response.status_code == 422
    assert fake.calls("doc/uploadDoc") == []


# Class callbacks


def signed_event(moment: int | None = None, **fields: str) -> dict[str, str]:
    moment = int(time.time()) if moment is None else moment
    event = {
        "room_id": "21090178345612",
        "op": "start",
        "op_time": str(moment),
        "qid": "q-1",
        "timestamp": str(moment),
        **fields,
    }
    return event | {"sign": sign(event, PARTNER_KEY)}


async def test_signed_callback_is_kept(served: Served, http: httpx.AsyncClient) -> None:
    event = signed_event(title="代数 & 几何 = 100%")

    response = await http.post("/baijiayun/callback", data=event)

    assert response.status_code == 200
    assert response.json() == {"code": 0}
    assert served.events() == [event]


@pytest.mark.parametrize(
    "case",
    [
        "tampered",
        "stale",
        "future",
        "unsigned",
        "bad timestamp",
        "repeated field",
        "file part",
        "not a form",
    ],
)
async def test_unverified_callback_is_403(
    served: Served, http: httpx.AsyncClient, case: str
) -> None:
    now = int(time.time())
    request: dict[str, Any] = {}
    if case == "tampered":
        request["data"] = signed_event() | {"room_id": "21090178345613"}
    elif case == "stale":
        request["data"] = signed_event(now - 2 * HOUR)
    elif case == "future":
        request["data"] = signed_event(now + 2 * HOUR)
    elif case == "unsigned":
        request["data"] = {k: v for k, v in signed_event().items() if k != "sign"}
    elif case == "bad timestamp":
        event = {"room_id": "1", "timestamp": "soon"}
        request["data"] = event | {"sign": sign(event, PARTNER_KEY)}
    elif case == "repeated field":
        # Signed as sent only if the genuine value wins; a reader taking the
        # first value would act on the forged one.
        pairs = [("op", "end"), *signed_event().items()]
        request["content"] = urlencode(pairs)
        request["headers"] = {"Content-Type": "application/x-www-form-urlencoded"}
    elif case == "file part":
        request["data"] = signed_event()
        request["files"] = {"attachment": ("a.txt", b"end")}
    else:
        request["json"] = signed_event()

    response = await http.post("/baijiayun/callback", **request)

    assert response.status_code == 403
    assert served.events() == []
