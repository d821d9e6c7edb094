"""Faults over loopback, 1000-room batches, a 10 000-call load, and their figures."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

from baijiayun_async import BaijiayunClient, Timeout
from baijiayun_async.testing import (
    DropAfterAction,
    DropBeforeAction,
    ErrorCode,
    FakeBaijiayun,
    Fault,
    HTTPFailure,
    Latency,
    MalformedBody,
)

from .support import PARTNER_ID, PARTNER_KEY

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

    from baijiayun_async import CreateResult

    from .conftest import Figures

NOW = int(time.time())


class EveryNthCreate(FakeBaijiayun):
    """A fake whose every ``nth`` ``room/create`` meets the next fault of a cycle."""

    def __init__(self, nth: int, faults: list[Fault]) -> None:
        super().__init__(partner_id=PARTNER_ID, partner_key=PARTNER_KEY)
        self._nth = nth
        self._cycle = itertools.cycle(faults)
        self.create_calls = 0
        self.faulted: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/room/create"):
            self.create_calls += 1
            if self.create_calls % self._nth == 0:
                fault = next(self._cycle)
                self.faulted[type(fault).__name__] += 1
                # Taken by this very call: nothing awaits between here and there.
                self.inject("room/create", fault)
        await super().__call__(scope, receive, send)


def specs(count: int) -> list[dict[str, Any]]:
    return [
        {
            "title": f"room {n:04}",
            "start_time": NOW + 3600,
            "end_time": NOW + 7200,
            "max_users": 6,
        }
        for n in range(count)
    ]


def client_for(base_url: str, **keywords: Any) -> BaijiayunClient:
    return BaijiayunClient(PARTNER_ID, PARTNER_KEY, base_url=base_url, **keywords)


@pytest.fixture
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorten back-off sleeps; a ``Retry-After`` from the service is still obeyed."""
    real_sleep = asyncio.sleep

    async def short_sleep(seconds: float) -> None:
        await real_sleep(seconds if seconds >= 1 else min(seconds, 0.01))

    monkeypatch.setattr("baijiayun_async._transport._sleep", short_sleep)


# Reads always succeed within their retries


READ_FAULTS: list[tuple[str, Fault]] = [
    ("reset before acting", DropBeforeAction()),
    ("reset after acting", DropAfterAction()),
    ("HTTP 502", HTTPFailure(502)),
    ("HTTP 503", HTTPFailure(503)),
    ("HTTP 504", HTTPFailure(504)),
    ("truncated JSON", MalformedBody()),
    ("HTML error page", MalformedBody(b"<html>busy</html>", "text/html")),
    ("slow answer", Latency(1.0)),
]


@pytest.mark.usefixtures("fast_backoff")
async def test_reads_succeed_within_their_retries(figures: Figures) -> None:
    fake = FakeBaijiayun(partner_id=PARTNER_ID, partner_key=PARTNER_KEY)
    room = fake.add_room()
    timeout = Timeout(total=10, read=0.3)
    retried = 0
    async with fake.serve() as base_url, client_for(base_url, timeout=timeout) as bjy:
        for _, fault in READ_FAULTS:
            # Two failures in a row: the third and last attempt must get through.
            fake.inject("room/info", fault, times=2)
            fake.inject("room/list", fault, times=2)
            fake.inject("live/getLiveStatus", fault, times=2)
            info = await bjy.rooms.get(room.room_id)
            listed = [r.room_id async for r in bjy.rooms.list()]
            live = await bjy.live.is_live(room.room_id)
            assert (info.room_id, listed, live) == (room.room_id, [room.room_id], False)
            retried += 6
    figures.record(
        "Reads under faults (loopback, max_retries=2)",
        fault_kinds=len(READ_FAULTS),
        failed_attempts=retried,
        failed_reads=0,
    )


async def test_reads_wait_out_the_service_rate_limit(figures: Figures) -> None:
    fake = FakeBaijiayun(
        partner_id=PARTNER_ID, partner_key=PARTNER_KEY, rate_limit=(10, 1.0)
    )
    room = fake.add_room()
    async with (
        fake.serve() as base_url,
        client_for(base_url, rate_limit=None) as bjy,
    ):
        started = time.monotonic()
        infos = await asyncio.gather(*(bjy.rooms.get(room.room_id) for _ in range(25)))
        elapsed = time.monotonic() - started
    assert {info.room_id for info in infos} == {room.room_id}
    refused = len(fake.calls("room/info")) - 25
    assert refused > 0, "the service did refuse some calls"
    figures.record(
        "Reads against the service's 429 (10 per 1 s, client limiter off)",
        calls=25,
        refused_then_retried=refused,
        failed=0,
        duration_s=elapsed,
    )


# 1000 rooms


def check_accounting(fake: FakeBaijiayun, results: list[CreateResult]) -> Counter[str]:
    """Each spec's title names at most one room; every room belongs to one spec."""
    statuses: Counter[str] = Counter(r.status for r in results)
    assert sum(statuses.values()) == len(results)
    rooms_by_title = Counter(room.title for room in fake.rooms.values())
    assert max(rooms_by_title.values(), default=0) <= 1, "no spec has two rooms"
    for result in results:
        title = result.spec["title"]
        if result.status == "created":
            assert result.room is not None
            assert fake.rooms[result.room.room_id].title == title
        elif result.status == "failed":
            assert rooms_by_title[title] == 0, f"{title} failed but exists"
    acted_unknowns = sum(
        rooms_by_title[r.spec["title"]] for r in results if r.status == "unknown"
    )
    assert len(fake.rooms) == statuses["created"] + acted_unknowns
    statuses["acted unknown"] = acted_unknowns
    return statuses


async def test_thousand_rooms_with_lost_answers_reconcile_exactly(
    figures: Figures,
) -> None:
    fake = EveryNthCreate(10, [DropAfterAction()])
    seen: list[int] = []
    async with fake.serve() as base_url, client_for(base_url, rate_limit=None) as bjy:
        started = time.monotonic()
        results = await bjy.rooms.create_many(
            specs(1000),
            concurrency=16,
            reconcile=True,
            progress=lambda done, _: seen.append(done),
        )
        elapsed = time.monotonic() - started

    assert [r.status for r in results] == ["created"] * 1000
    room_ids = [r.room.room_id for r in results if r.room is not None]
    assert len(set(room_ids)) == 1000, "each spec has its own room"
    assert set(room_ids) == set(fake.rooms), "and there is no other room"
    check_accounting(fake, results)
    assert fake.faulted["DropAfterAction"] == 100
    assert fake.create_calls == 1000, "no lost answer was created twice"
    assert seen[-1] == 1000
    figures.record(
        "create_many 1000 specs, reconcile=True, 10 % answers lost after acting",
        rooms_in_fake=len(fake.rooms),
        duplicates=len(fake.rooms) - 1000,
        lost=1000 - len(set(room_ids)),
        create_calls=fake.create_calls,
        room_list_calls=len(fake.calls("room/list")),
        duration_s=elapsed,
    )


async def test_thousand_rooms_without_reconcile_lose_nothing(
    figures: Figures,
) -> None:
    # Every tenth creation meets a fault; whether the service acted varies.
    faults: list[Fault] = [
        DropAfterAction(),  # acted, answer lost: unknown
        DropBeforeAction(),  # not acted, connection cut: unknown
        HTTPFailure(503),  # not acted, gateway failed: unknown
        MalformedBody(),  # not acted, garbled 200: unknown
        ErrorCode(1001, "refused"),  # not acted, refused: failed
    ]
    fake = EveryNthCreate(10, faults)
    async with fake.serve() as base_url, client_for(base_url, rate_limit=None) as bjy:
        started = time.monotonic()
        results = await bjy.rooms.create_many(specs(1000), concurrency=16)
        elapsed = time.monotonic() - started

    statuses = check_accounting(fake, results)
    assert statuses["created"] + statuses["failed"] + statuses["unknown"] == 1000
    assert statuses["created"] == 900
    assert statuses["failed"] == 20
    assert statuses["unknown"] == 80
    assert statuses["acted unknown"] == 20
    assert len(fake.rooms) == 920
    figures.record(
        "create_many 1000 specs, no reconcile, 10 % faulted (5 kinds)",
        created=statuses["created"],
        failed=statuses["failed"],
        unknown=statuses["unknown"],
        unknown_that_acted=statuses["acted unknown"],
        rooms_in_fake=len(fake.rooms),
        silently_lost=0,
        duration_s=elapsed,
    )


# 10 000 calls at once


async def test_ten_thousand_gathered_calls_on_twenty_connections(
    figures: Figures,
) -> None:
    psutil = pytest.importorskip("psutil")
    process = psutil.Process()
    fake = FakeBaijiayun(partner_id=PARTNER_ID, partner_key=PARTNER_KEY)
    room = fake.add_room()
    peak_rss = baseline = process.memory_info().rss

    async def sample_rss() -> None:
        nonlocal peak_rss
        while True:
            peak_rss = max(peak_rss, process.memory_info().rss)
            await asyncio.sleep(0.05)

    async with (
        fake.serve() as base_url,
        client_for(base_url, max_connections=20, rate_limit=None) as bjy,
    ):
        sampler = asyncio.create_task(sample_rss())
        started = time.monotonic()
        outcomes = await asyncio.gather(
            *(bjy.rooms.get(room.room_id) for _ in range(10_000)),
            return_exceptions=True,
        )
        elapsed = time.monotonic() - started
        sampler.cancel()

    errors = Counter(type(o).__name__ for o in outcomes if isinstance(o, BaseException))
    assert not errors
    assert len(fake.calls("room/info")) == 10_000, "not one retry needed"
    figures.record(
        "10 000 calls gathered at once, 20 connections, limiter off (loopback)",
        succeeded=len(outcomes) - sum(errors.values()),
        errors=sum(errors.values()),
        timeouts=0,
        duration_s=elapsed,
        calls_per_s=10_000 / elapsed,
        peak_rss_growth_mb=(peak_rss - baseline) / 2**20,
    )
