"""Row 3: calls per second over loopback with no injected latency.

``rooms.get`` through the SDK against the hand-written httpx call, both with 32
calls in flight over a pool of 32 connections, against the fake in its own
process. The server takes a share of the two cores, so the figures are the
whole system's; the ratio is what the SDK's extra work costs there.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx

from baijiayun_async import BaijiayunClient

from ._common import PARTNER_ID, PARTNER_KEY, FakeProcess, raw_call
from ._report import Goal, Row

CONCURRENCY = 32


async def _rate(call: Callable[[], Awaitable[object]], calls: int) -> float:
    remaining = iter(range(calls))

    async def worker() -> None:
        for _ in remaining:
            await call()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return calls / (time.perf_counter() - started)


async def _measure(base_url: str, room_id: int, calls: int, rounds: int) -> dict:
    limits = httpx.Limits(
        max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY
    )
    sdk = BaijiayunClient(
        PARTNER_ID,
        PARTNER_KEY,
        base_url=base_url,
        rate_limit=None,
        max_connections=CONCURRENCY,
    )
    http = httpx.AsyncClient(limits=limits)
    url = base_url + "openapi/room/info"
    contenders = {
        "sdk": lambda: sdk.rooms.get(room_id),
        "raw": lambda: raw_call(http, url, {"room_id": room_id}),
    }
    rates: dict[str, list[float]] = {name: [] for name in contenders}
    async with sdk, http:
        for call in contenders.values():
            await _rate(call, CONCURRENCY * 4)  # open the connections
        for _ in range(rounds):
            for name, call in contenders.items():
                rates[name].append(await _rate(call, calls))
    return {name: sorted(values)[len(values) // 2] for name, values in rates.items()}


def run(quick: bool) -> list[Row]:
    calls, rounds = (1000, 3) if quick else (3000, 5)
    with FakeProcess.start() as fake:
        rates = asyncio.run(_measure(fake.base_url, fake.room_ids[0], calls, rounds))
    return [
        Row(
            "throughput.rooms_get",
            rates["sdk"],
            "calls/s",
            baseline=rates["raw"],
            goal=Goal("ratio", ">=", 0.85),
            params={
                "concurrency": CONCURRENCY,
                "calls": calls,
                "rounds": rounds,
                "baseline": "raw httpx",
            },
        )
    ]
