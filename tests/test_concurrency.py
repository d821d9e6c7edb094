"""Many callers on one client: fair queues, the pool, deadlines, cancelling, loops."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from baijiayun_async import (
    BaijiayunClient,
    OutcomeUnknownError,
    RateLimit,
    RequestTimeoutError,
    Timeout,
)
from baijiayun_async._pool import Pool
from baijiayun_async._transport import Transport, _Budget
from baijiayun_async.testing import FakeBaijiayun, Latency

from .support import PARTNER_ID, PARTNER_KEY

if TYPE_CHECKING:
    from .conftest import CountingFake, Figures


def loopback_client(base_url: str, **keywords: object) -> BaijiayunClient:
    return BaijiayunClient(PARTNER_ID, PARTNER_KEY, base_url=base_url, **keywords)  # type: ignore[arg-type]


async def settle(fake: CountingFake) -> None:
    """Wait (boundedly) until the fake has finished with calls abandoned by a client."""
    for _ in range(200):
        if fake.in_flight == 0:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{fake.in_flight} calls still in the fake")


# Fair queueing


@pytest.mark.parametrize("rate_limit", [None, RateLimit(10, 0.1)])
async def test_callers_are_served_in_arrival_order(
    rate_limit: RateLimit | None,
) -> None:
    fake = FakeBaijiayun(partner_id=PARTNER_ID, partner_key=PARTNER_KEY)
    async with fake.client(max_connections=1, rate_limit=rate_limit) as bjy:
        await asyncio.gather(
            *(bjy.request("room/list", {"page": n}) for n in range(1, 41))
        )
    assert [int(call["page"]) for call in fake.calls("room/list")] == list(range(1, 41))


async def test_gathering_on_a_small_pool_never_times_out_the_pool(
    counting_fake: CountingFake,
) -> None:
    tight = Timeout(total=30, pool=0.05)
    async with counting_fake.serve() as base_url:
        # Without the SDK's own queue, httpx's pool gives up on waiting callers.
        counting_fake.latency = 0.05
        limits = httpx.Limits(max_connections=2)
        async with httpx.AsyncClient(limits=limits, timeout=tight.for_httpx()) as raw:
            outcomes = await asyncio.gather(
                *(raw.post(base_url + "openapi/room/list") for _ in range(12)),
                return_exceptions=True,
            )
        assert any(isinstance(o, httpx.PoolTimeout) for o in outcomes)
        await settle(counting_fake)
        counting_fake.peak_in_flight = 0
        counting_fake.latency = 0.01

        async with loopback_client(
            base_url, max_connections=2, timeout=tight, rate_limit=None
        ) as bjy:
            pages = await asyncio.gather(
                *(bjy.request("room/list") for _ in range(100))
            )
    assert len(pages) == 100
    assert counting_fake.peak_in_flight == 2


async def test_a_stuck_pool_still_times_out(fake: FakeBaijiayun) -> None:
    async with (
        fake.serve() as base_url,
        httpx.AsyncClient(
            limits=httpx.Limits(max_connections=1),
            timeout=httpx.Timeout(5, pool=0.2),
        ) as http,
        loopback_client(base_url, http_client=http, max_retries=0) as bjy,
        # Someone else holds the pool's only connection and never lets go.
        http.stream("POST", base_url + "openapi/room/list"),
    ):
        started = time.monotonic()
        with pytest.raises(RequestTimeoutError, match="pool timeout") as caught:
            await bjy.request("room/list")
        assert time.monotonic() - started < 2
    assert caught.value.request_sent is False


@pytest.fixture
def fake() -> FakeBaijiayun:
    return FakeBaijiayun(partner_id=PARTNER_ID, partner_key=PARTNER_KEY)


# The per-call deadline


async def test_waiting_for_a_slot_does_not_spend_the_deadline(
    counting_fake: CountingFake,
) -> None:
    counting_fake.latency = 0.05
    async with counting_fake.client(max_connections=1, timeout=0.4) as bjy:
        started = time.monotonic()
        await asyncio.gather(*(bjy.request("room/list") for _ in range(20)))
    assert time.monotonic() - started >= 20 * 0.05, "the queue really was long"


async def test_waiting_for_the_rate_limit_does_not_spend_the_deadline(
    fake: FakeBaijiayun,
) -> None:
    async with fake.client(rate_limit=RateLimit(5, 0.2), timeout=0.3) as bjy:
        started = time.monotonic()
        await asyncio.gather(*(bjy.request("room/list") for _ in range(20)))
    assert time.monotonic() - started >= 3 * 0.2


async def test_the_deadline_still_bounds_a_slow_service(fake: FakeBaijiayun) -> None:
    fake.inject("room/list", Latency(5), times=3)
    fake.inject("room/create", Latency(5))
    async with fake.client(timeout=0.3) as bjy:
        started = time.monotonic()
        with pytest.raises(RequestTimeoutError, match="deadline"):
            await bjy.request("room/list")
        with pytest.raises(OutcomeUnknownError, match="deadline"):
            await bjy.rooms.create(
                title="slow",
                start_time=int(time.time()) + 3600,
                end_time=int(time.time()) + 7200,
                max_users=6,
            )
        assert time.monotonic() - started < 1.5


async def test_budget_counts_only_the_time_spent_in_it() -> None:
    budget = _Budget(0.3)
    async with budget:
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.3)  # outside: queued behind other callers
    assert 0.15 < budget.left <= 0.2
    with pytest.raises(TimeoutError):
        async with budget:
            await asyncio.sleep(1)
    assert budget.left <= 0
    assert isinstance(budget.exceeded("room/info", True), RequestTimeoutError)
    budget.sent = True
    assert isinstance(budget.exceeded("room/create", False), OutcomeUnknownError)


# Cancellation


async def test_cancelled_calls_leave_no_slot_behind(
    counting_fake: CountingFake, figures: Figures
) -> None:
    counting_fake.latency = 0.05
    room = counting_fake.add_room()
    rng = random.Random(20240601)
    cancelled = stranded = 0
    async with (
        counting_fake.serve() as base_url,
        loopback_client(base_url, max_connections=4, rate_limit=None) as bjy,
    ):
        for _ in range(3):
            # Plain task cancellation, some calls queued and some on the wire.
            tasks = [
                asyncio.create_task(bjy.rooms.get(room.room_id)) for _ in range(60)
            ]
            await asyncio.sleep(rng.uniform(0.0, 0.12))
            for task in tasks:
                task.cancel()
            outcomes = await asyncio.gather(*tasks, return_exceptions=True)
            cancelled += sum(isinstance(o, asyncio.CancelledError) for o in outcomes)

            # wait_for, which cancels on its own timeout.
            outcomes = await asyncio.gather(
                *(
                    asyncio.wait_for(bjy.rooms.get(room.room_id), rng.uniform(0, 0.1))
                    for _ in range(30)
                ),
                return_exceptions=True,
            )
            cancelled += sum(isinstance(o, TimeoutError) for o in outcomes)

            if sys.version_info >= (3, 11):
                cancelled += await _fail_a_task_group(bjy, room.room_id)

            await settle(counting_fake)
            counting_fake.peak_in_flight = 0
            started = time.monotonic()
            fresh = await asyncio.wait_for(
                asyncio.gather(*(bjy.rooms.get(room.room_id) for _ in range(20))), 5
            )
            elapsed = time.monotonic() - started
            assert len(fresh) == 20
            assert elapsed < 3
            slots = bjy._transport._pool._lanes[asyncio.get_running_loop()].slots
            assert slots._value == 4, "every slot of the SDK's queue is free"
            # httpcore itself sometimes strands a connection that a cancelled
            # request was using (see the report); count it rather than hide it.
            stranded = max(stranded, 4 - counting_fake.peak_in_flight)
    assert cancelled > 100
    figures.record(
        "Cancellation (loopback, 4 connections)",
        cancelled_calls=cancelled,
        sdk_slots_leaked=0,
        httpx_connections_stranded=stranded,
        fresh_20_calls_s=elapsed,
    )


async def _fail_a_task_group(bjy: BaijiayunClient, room_id: int) -> int:
    async def fail_soon() -> None:
        await asyncio.sleep(0.03)
        raise LookupError("sibling failed")

    tasks = []
    with pytest.raises(BaseException) as caught:  # noqa: PT011, PT012 -- a group
        async with asyncio.TaskGroup() as group:  # type: ignore[attr-defined,unused-ignore]
            tasks = [group.create_task(bjy.rooms.get(room_id)) for _ in range(20)]
            group.create_task(fail_soon())
    assert type(caught.value).__name__ == "ExceptionGroup"
    return sum(task.cancelled() for task in tasks)


# Event loops


def test_nothing_is_cleaned_up_in_del() -> None:
    for cls in (BaijiayunClient, Transport, Pool):
        assert "__del__" not in vars(cls), cls


MODULE_LEVEL_SCRIPT = textwrap.dedent(
    """
    import asyncio
    import threading
    import time

    from baijiayun_async import BaijiayunClient
    from baijiayun_async.testing import FakeBaijiayun, Latency

    QUIET = 60.0  # slow-callback reports are about this machine, not the SDK
    fake = FakeBaijiayun(partner_id=7, partner_key="module-level")
    room = fake.add_room()
    up = threading.Event()
    server = {}


    def serve():
        async def main():
            asyncio.get_running_loop().slow_callback_duration = QUIET
            server["loop"] = asyncio.get_running_loop()
            server["stop"] = asyncio.Event()
            async with fake.serve() as base_url:
                server["url"] = base_url
                up.set()
                await server["stop"].wait()

        asyncio.run(main())


    thread = threading.Thread(target=serve)
    thread.start()
    assert up.wait(20), "the fake did not start"

    # Made at import time, outside any event loop, as a module-level client is.
    client = BaijiayunClient(7, "module-level", base_url=server["url"])


    async def use(run):
        asyncio.get_running_loop().slow_callback_duration = QUIET
        infos = await asyncio.gather(
            *(client.rooms.get(room.room_id) for _ in range(10 * run))
        )
        assert all(info.room_id == room.room_id for info in infos)
        if run == 2:
            # Left running when the loop ends: asyncio.run cancels it.
            fake.inject("room/list", Latency(0.3))
            asyncio.get_running_loop().create_task(client.request("room/list"))
            await asyncio.sleep(0.05)
        print(f"run {run}: {len(infos)} rooms", flush=True)


    for run in (1, 2, 3):
        asyncio.run(use(run))
        states = client._transport._pool._lanes
        assert all(s.client.is_closed for s in states.values()), "pool left open"

    time.sleep(0.5)  # let the fake finish the abandoned call before it stops
    server["loop"].call_soon_threadsafe(server["stop"].set)
    thread.join(20)
    assert not thread.is_alive()
    print("done", flush=True)
    """
)


def test_module_level_client_across_asyncio_runs(
    tmp_path: Path, figures: Figures
) -> None:
    script = tmp_path / "module_level.py"
    script.write_text(MODULE_LEVEL_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONDEVMODE": "1", "PYTHONWARNINGS": "default"}
    started = time.monotonic()
    finished = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "default", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert finished.stderr == ""
    assert finished.returncode == 0
    assert finished.stdout.splitlines() == [
        "run 1: 10 rooms",
        "run 2: 20 rooms",
        "run 3: 30 rooms",
        "done",
    ]
    figures.record(
        "Module-level client, 3 x asyncio.run (subprocess, dev mode)",
        stderr_lines=0,
        duration_s=elapsed,
    )
