"""The client-wide sliding-window rate limiter."""

from __future__ import annotations

import asyncio
import time

import pytest
import respx

from baijiayun_async import BaijiayunClient, InvalidArgumentError, RateLimit
from baijiayun_async._ratelimit import RateLimiter

from .support import PARTNER_ID, PARTNER_KEY, envelope


async def test_no_window_ever_holds_more_than_the_limit() -> None:
    limiter = RateLimiter(5, 0.2)
    starts: list[float] = []

    async def one() -> None:
        await limiter.acquire()
        starts.append(time.monotonic())

    await asyncio.gather(*(one() for _ in range(17)))

    assert len(starts) == 17
    starts.sort()
    for index in range(len(starts) - 5):
        assert starts[index + 5] - starts[index] >= 0.2 - 1e-3
    assert starts[-1] - starts[0] < 0.2 * 3 + 0.15, "waits only as long as needed"


async def test_waiters_are_served_in_arrival_order() -> None:
    limiter = RateLimiter(1, 0.01)
    order: list[int] = []

    async def one(number: int) -> None:
        await limiter.acquire()
        order.append(number)

    await asyncio.gather(*(one(n) for n in range(10)))
    assert order == list(range(10))


def test_limit_is_shared_across_event_loops() -> None:
    limiter = RateLimiter(3, 0.3)
    asyncio.run(asyncio.wait_for(limiter.acquire(), 1))
    asyncio.run(asyncio.wait_for(limiter.acquire(), 1))
    asyncio.run(asyncio.wait_for(limiter.acquire(), 1))
    started = time.monotonic()
    asyncio.run(limiter.acquire())
    assert time.monotonic() - started > 0.1


async def test_client_applies_its_limit_to_every_call(
    mock_api: respx.MockRouter,
) -> None:
    route = mock_api.post("room/info").respond(json=envelope({}))
    async with BaijiayunClient(
        PARTNER_ID, PARTNER_KEY, "demo123", rate_limit=RateLimit(4, 0.25)
    ) as bjy:
        started = time.monotonic()
        await asyncio.gather(*(bjy.request("room/info") for _ in range(9)))
        elapsed = time.monotonic() - started
    assert route.call_count == 9
    assert elapsed >= 0.5 - 1e-2, "9 calls at 4 per 0.25 s need two full windows"


async def test_limit_can_be_switched_off(mock_api: respx.MockRouter) -> None:
    mock_api.post("room/info").respond(json=envelope({}))
    async with BaijiayunClient(
        PARTNER_ID, PARTNER_KEY, "demo123", rate_limit=None
    ) as bjy:
        started = time.monotonic()
        await asyncio.gather(*(bjy.request("room/info") for _ in range(300)))
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("requests", "per", "message"),
    [(0, 1.0, "requests must be an integer"), (5, 0, "per must be a positive")],
)
def test_bad_limits_are_refused(requests: int, per: float, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        RateLimit(requests, per)
