"""Row family 2: creating rooms in bulk against the fake with 100 ms latency.

With every answer 100 ms late and 32 calls in flight, no client can create more
than 320 rooms/s: the SDK's ``rooms.create_many`` is measured against that bound,
and ``requests`` (one call at a time, then 32 threads) on the same server for
comparison. The fake runs in a process of its own; the client's rate limiter is
off, since the service's 200 per 10 s would otherwise be the only thing measured.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time

import requests

from baijiayun_async import BaijiayunClient

from ._common import PARTNER_ID, PARTNER_KEY, FakeProcess, signed_form
from ._report import Goal, Row

LATENCY = 0.1
CONCURRENCY = 32
BOUND = CONCURRENCY / LATENCY


def _spec(index: int) -> dict[str, object]:
    start = int(time.time()) + 3600
    return {
        "title": f"bulk {index}",
        "start_time": start,
        "end_time": start + 3600,
        "max_users": 6,
    }


async def _sdk_rate(base_url: str, rooms: int) -> float:
    client = BaijiayunClient(
        PARTNER_ID,
        PARTNER_KEY,
        base_url=base_url,
        rate_limit=None,
        max_connections=CONCURRENCY,
    )
    async with client:
        # Warm the pool's connections, so that what is timed is steady state.
        warmup = [_spec(i) for i in range(CONCURRENCY)]
        await client.rooms.create_many(warmup, concurrency=CONCURRENCY)
        specs = [_spec(i) for i in range(rooms)]
        started = time.perf_counter()
        results = await client.rooms.create_many(specs, concurrency=CONCURRENCY)
        elapsed = time.perf_counter() - started
    failed = [r for r in results if r.status != "created"]
    if failed:
        raise RuntimeError(f"{len(failed)} creates failed: {failed[0].error!r}")
    return rooms / elapsed


def _requests_rate(base_url: str, rooms: int, threads: int) -> float:
    url = base_url + "openapi/room/create"
    sessions: dict[int, requests.Session] = {}

    def create(index: int) -> None:
        session = sessions.setdefault(threading.get_ident(), requests.Session())
        answer = session.post(
            url, data=signed_form({**_spec(index), "type": 4}), timeout=30
        )
        if answer.json()["code"] != 0:
            raise RuntimeError(answer.text)

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(create, range(threads)))  # open the connections
        started = time.perf_counter()
        list(pool.map(create, range(rooms)))
        elapsed = time.perf_counter() - started
    for session in sessions.values():
        session.close()
    return rooms / elapsed


def run(quick: bool) -> list[Row]:
    rooms = 640 if quick else 3200
    sequential = 20 if quick else 50
    params = {"latency_ms": LATENCY * 1000, "concurrency": CONCURRENCY}
    with FakeProcess.start(latency=LATENCY) as fake:
        sdk = asyncio.run(_sdk_rate(fake.base_url, rooms))
        threaded = _requests_rate(fake.base_url, rooms, CONCURRENCY)
        one_by_one = _requests_rate(fake.base_url, sequential, 1)
    return [
        Row(
            "bulk.create_many",
            sdk,
            "rooms/s",
            baseline=BOUND,
            goal=Goal("ratio", ">=", 0.9),
            params={**params, "rooms": rooms, "baseline": "latency bound"},
        ),
        Row(
            "bulk.requests_threads",
            threaded,
            "rooms/s",
            baseline=BOUND,
            params={**params, "rooms": rooms, "baseline": "latency bound"},
        ),
        Row(
            "bulk.requests_sequential",
            one_by_one,
            "rooms/s",
            baseline=BOUND,
            params={"latency_ms": LATENCY * 1000, "rooms": sequential},
        ),
    ]
