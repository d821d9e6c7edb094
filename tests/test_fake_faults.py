"""Injected faults and the rate limit, as httpx and as the SDK see them."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from baijiayun_async import (
    AccountError,
    BaijiayunClient,
    ConnectError,
    HTTPStatusError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitedError,
    TransportError,
    sign,
)
from baijiayun_async.testing import (
    RATE_LIMITED,
    DropAfterAction,
    DropBeforeAction,
    ErrorCode,
    FakeBaijiayun,
    HTTPFailure,
    Latency,
    MalformedBody,
    RateLimit,
)
from baijiayun_async.testing._transport import FakeTransport

PARTNER_ID = 31415926
PARTNER_KEY = "fault-key"
NOW = int(time.time())
NEW_ROOM = {
    "title": "Faulty",
    "start_time": NOW + 3600,
    "end_time": NOW + 7200,
    "type": 4,
    "max_users": 6,
}


class Clock:
    """A clock a test moves by hand."""

    def __init__(self) -> None:
        self.now = float(NOW)

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> FakeBaijiayun:
    return FakeBaijiayun(partner_id=PARTNER_ID, partner_key=PARTNER_KEY)


@pytest.fixture
async def bjy(fake: FakeBaijiayun) -> AsyncIterator[BaijiayunClient]:
    async with fake.client(max_retries=0) as client:
        yield client


@pytest.fixture(params=["in-process", "loopback"])
async def anywhere(
    request: pytest.FixtureRequest, fake: FakeBaijiayun
) -> AsyncIterator[BaijiayunClient]:
    """A client without retries, reaching the fake in-process or over a socket."""
    if request.param == "in-process":
        async with fake.client(max_retries=0) as client:
            yield client
        return
    async with (
        fake.serve() as base_url,
        BaijiayunClient(
            PARTNER_ID, PARTNER_KEY, base_url=base_url, max_retries=0
        ) as client,
    ):
        yield client


def signed(**fields: Any) -> dict[str, str]:
    form = {"partner_id": str(PARTNER_ID), "timestamp": str(NOW)}
    form.update({name: str(value) for name, value in fields.items()})
    form["sign"] = sign(form, PARTNER_KEY)
    return form


# What httpx sees


async def test_drops_in_process_are_httpx_transport_errors(fake: FakeBaijiayun) -> None:
    room = fake.add_room()
    fake.inject("room/info", DropBeforeAction())
    fake.inject("room/info", DropAfterAction())
    async with httpx.AsyncClient(
        transport=FakeTransport(fake), base_url="http://127.0.0.1/openapi/"
    ) as http:
        with pytest.raises(httpx.ConnectError):
            await http.post("room/info", data=signed(room_id=room.room_id))
        with pytest.raises(httpx.RemoteProtocolError):
            await http.post("room/info", data=signed(room_id=room.room_id))
        response = await http.post("room/info", data=signed(room_id=room.room_id))
    assert response.json()["code"] == 0
    assert len(fake.calls("room/info")) == 2  # the first never reached the service


async def test_drops_over_loopback_really_break_the_connection(
    fake: FakeBaijiayun, caplog: pytest.LogCaptureFixture
) -> None:
    room = fake.add_room()
    fake.inject("room/info", DropBeforeAction())
    fake.inject("room/info", DropAfterAction())
    async with (
        fake.serve() as base_url,
        httpx.AsyncClient(base_url=base_url + "openapi/") as http,
    ):
        for _ in range(2):
            with pytest.raises(httpx.RemoteProtocolError):
                await http.post("room/info", data=signed(room_id=room.room_id))
        response = await http.post("room/info", data=signed(room_id=room.room_id))
    assert response.json()["code"] == 0
    assert not [r for r in caplog.records if r.name.startswith("uvicorn")]


# What the SDK sees


async def test_drop_before_action_changes_nothing(fake: FakeBaijiayun) -> None:
    fake.inject("room/create", DropBeforeAction())
    async with fake.client(max_retries=0) as bjy:
        with pytest.raises(ConnectError):
            await bjy.request("room/create", NEW_ROOM)
    assert not fake.rooms
    assert fake.requests == []


async def test_drop_before_action_over_loopback_changes_nothing(
    fake: FakeBaijiayun, anywhere: BaijiayunClient
) -> None:
    fake.inject("room/create", DropBeforeAction())
    with pytest.raises((ConnectError, OutcomeUnknownError)):
        await anywhere.request("room/create", NEW_ROOM)
    assert not fake.rooms


async def test_connect_error_is_retried_even_for_room_create(
    fake: FakeBaijiayun,
) -> None:
    fake.inject("room/create", DropBeforeAction())
    async with fake.client(max_retries=1) as bjy:
        data = await bjy.request("room/create", NEW_ROOM)
    assert list(fake.rooms) == [int(data["room_id"])]


async def test_drop_after_action_loses_the_answer_not_the_room(
    fake: FakeBaijiayun, anywhere: BaijiayunClient
) -> None:
    fake.inject("room/create", DropAfterAction())
    with pytest.raises(OutcomeUnknownError):
        await anywhere.request("room/create", NEW_ROOM)
    assert len(fake.rooms) == 1
    assert len(fake.calls("room/create")) == 1


async def test_drop_after_action_on_a_read(
    fake: FakeBaijiayun, anywhere: BaijiayunClient
) -> None:
    room = fake.add_room()
    fake.inject("room/info", DropAfterAction())
    with pytest.raises(TransportError):
        await anywhere.request("room/info", {"room_id": room.room_id})


async def test_http_status(fake: FakeBaijiayun, anywhere: BaijiayunClient) -> None:
    room = fake.add_room()
    fake.inject("room/info", HTTPFailure(502))
    with pytest.raises(HTTPStatusError) as caught:
        await anywhere.request("room/info", {"room_id": room.room_id})
    assert caught.value.status_code == 502
    assert "injected" in caught.value.body_excerpt

    fake.inject("room/delete", HTTPFailure(503))
    with pytest.raises((HTTPStatusError, OutcomeUnknownError)):
        await anywhere.request("room/delete", {"room_id": room.room_id})
    assert not room.deleted  # the gateway failed; the service never acted


async def test_http_status_must_be_an_error() -> None:
    with pytest.raises(ValueError, match="4xx or 5xx"):
        HTTPFailure(200)


async def test_malformed_body(fake: FakeBaijiayun, anywhere: BaijiayunClient) -> None:
    fake.inject("room/list", MalformedBody())
    with pytest.raises(MalformedResponseError):
        await anywhere.request("room/list")
    fake.inject("room/list", MalformedBody(b"<html>busy</html>", "text/html"))
    with pytest.raises(MalformedResponseError):
        await anywhere.request("room/list")
    assert (await anywhere.request("room/list"))["total"] == 0


async def test_error_code(fake: FakeBaijiayun, bjy: BaijiayunClient) -> None:
    fake.inject("room/list", ErrorCode(2003, "service stopped"))
    with pytest.raises(AccountError) as caught:
        await bjy.request("room/list")
    assert (caught.value.code, caught.value.msg) == (2003, "service stopped")


async def test_latency(fake: FakeBaijiayun, anywhere: BaijiayunClient) -> None:
    fake.inject("room/list", Latency(0.2))
    started = time.perf_counter()
    await anywhere.request("room/list")
    assert time.perf_counter() - started >= 0.2
    started = time.perf_counter()
    await anywhere.request("room/list")
    assert time.perf_counter() - started < 0.2


async def test_base_latency_applies_to_every_call() -> None:
    slow = FakeBaijiayun(partner_id=PARTNER_ID, partner_key=PARTNER_KEY, latency=0.05)
    async with slow.client() as bjy:
        started = time.perf_counter()
        await bjy.request("room/list")
        await bjy.request("room/list")
    assert time.perf_counter() - started >= 0.1


async def test_faults_queue_per_path_and_count(
    fake: FakeBaijiayun, bjy: BaijiayunClient
) -> None:
    fake.inject("/openapi/room/list", ErrorCode(1, "first"), times=2)
    fake.inject("room/list", ErrorCode(1, "then"))
    assert (await bjy.request("doc/listAllDoc", {"type": "all"}))["total"] == 0
    messages = []
    for _ in range(3):
        with pytest.raises(Exception) as caught:  # noqa: PT011
            await bjy.request("room/list")
        messages.append(caught.value.msg)  # type: ignore[attr-defined]
    assert messages == ["first", "first", "then"]
    assert (await bjy.request("room/list"))["total"] == 0

    fake.inject("room/list", ErrorCode(1))
    fake.clear_faults()
    assert (await bjy.request("room/list"))["total"] == 0
    with pytest.raises(ValueError, match="times"):
        fake.inject("room/list", ErrorCode(1), times=0)


# The rate limit


async def test_rate_limit_answers_429_with_retry_after() -> None:
    clock = Clock()
    fake = FakeBaijiayun(
        partner_id=PARTNER_ID,
        partner_key=PARTNER_KEY,
        rate_limit=RateLimit(2, 10.0),
        clock=clock,
    )
    async with httpx.AsyncClient(
        transport=FakeTransport(fake), base_url="http://127.0.0.1/openapi/"
    ) as http:
        for _ in range(2):
            assert (await http.post("room/list", data=signed())).json()["code"] == 0
        clock.now += 4
        refused = await http.post("room/list", data=signed())
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "6"
        body = refused.json()
        assert (body["code"], body["data"]) == (RATE_LIMITED, None)
        assert body["ts"] == NOW + 4

        clock.now += 6
        assert (await http.post("room/list", data=signed())).status_code == 200


async def test_rate_limit_through_the_sdk() -> None:
    fake = FakeBaijiayun(
        partner_id=PARTNER_ID, partner_key=PARTNER_KEY, rate_limit=(1, 60.0)
    )
    async with fake.client(max_retries=0) as bjy:
        await bjy.request("room/list")
        with pytest.raises(RateLimitedError) as caught:
            await bjy.request("room/list")
    assert caught.value.retry_after == 60


def test_rate_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="requests must be an integer"):
        RateLimit(0, 1.0)
