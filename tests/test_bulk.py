"""``rooms.create_many``: order, progress, bad specs, concurrency, reconciling."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from typing import TYPE_CHECKING, Any

import pytest

from baijiayun_async import (
    InvalidArgumentError,
    OutcomeUnknownError,
    RateLimit,
    RateLimitedError,
)
from baijiayun_async.testing import (
    DropAfterAction,
    ErrorCode,
    FakeBaijiayun,
    HTTPFailure,
    Latency,
    MalformedBody,
)

from .support import PARTNER_ID, PARTNER_KEY

if TYPE_CHECKING:
    from .conftest import CountingFake

NOW = int(time.time())


def spec(title: str, **overrides: Any) -> dict[str, Any]:
    """A valid small-class room starting in an hour, for an hour."""
    return {
        "title": title,
        "start_time": NOW + 3600,
        "end_time": NOW + 7200,
        "max_users": 6,
        **overrides,
    }


def titles_of(fake: FakeBaijiayun) -> list[str]:
    return sorted(room.title for room in fake.rooms.values())


@pytest.fixture
def fake() -> FakeBaijiayun:
    return FakeBaijiayun(partner_id=PARTNER_ID, partner_key=PARTNER_KEY)


async def test_results_keep_input_order_whatever_finishes_first(
    fake: FakeBaijiayun,
) -> None:
    # The first creations are the slowest, so completion order is not input order.
    fake.inject("room/create", Latency(0.05), times=3)
    specs = [spec(f"room {n:02}") for n in range(12)]
    async with fake.client() as bjy:
        results = await bjy.rooms.create_many(specs, concurrency=4)

    assert [r.index for r in results] == list(range(12))
    assert [r.spec for r in results] == specs
    assert all(r.status == "created" for r in results)
    for result in results:
        assert result.room is not None
        assert fake.rooms[result.room.room_id].title == result.spec["title"]


async def test_progress_counts_every_spec_once(fake: FakeBaijiayun) -> None:
    seen: list[tuple[int, int]] = []
    specs = [spec(f"room {n}") for n in range(9)]
    specs[4] = spec("bad", max_users=99)  # a failure counts as done too
    async with fake.client() as bjy:
        await bjy.rooms.create_many(
            specs,
            concurrency=3,
            progress=lambda done, total: seen.append((done, total)),
        )
    assert seen == [(done, 9) for done in range(1, 10)]


async def test_empty_batch(fake: FakeBaijiayun) -> None:
    seen: list[tuple[int, int]] = []
    async with fake.client() as bjy:
        results = await bjy.rooms.create_many(
            [], progress=lambda *c: seen.append(c), reconcile=True
        )
    assert results == []
    assert seen == []
    assert fake.requests == []


BAD_SPECS: list[tuple[str, object]] = [
    ("unknown keyword", spec("x", colour="red")),
    ("missing keyword", {"title": "x", "max_users": 6}),
    ("not a mapping", None),
    ("a string", "title=x"),
    ("too many users", spec("x", max_users=99)),
    ("naive datetime", spec("x", start_time=dt.datetime(2030, 1, 1, 8))),
    ("title too long", spec("x" * 51)),
    ("too short", spec("x", end_time=NOW + 3600 + 60)),
    ("a float time", spec("x", start_time=NOW + 3600.5)),
    ("no such file", spec("x", background_attachment="/nonexistent/bg.png")),
    ("bad extra", spec("x", extra_params={"tags": ["a", "b"]})),
]


async def test_bad_specs_fail_alone_and_send_nothing(fake: FakeBaijiayun) -> None:
    specs: list[Any] = []
    for number, (_, bad) in enumerate(BAD_SPECS):
        specs += [spec(f"good {number}"), bad]
    async with fake.client() as bjy:
        results = await bjy.rooms.create_many(specs, concurrency=4)

    assert len(results) == len(specs)
    for result in results[0::2]:
        assert result.status == "created", result.error
    for (reason, _), result in zip(BAD_SPECS, results[1::2], strict=True):
        assert result.status == "failed", reason
        assert isinstance(result.error, InvalidArgumentError), reason
    assert titles_of(fake) == sorted(f"good {n}" for n in range(len(BAD_SPECS)))
    assert len(fake.calls("room/create")) == len(BAD_SPECS), "bad specs sent nothing"


async def test_service_refusals_are_failures_not_unknowns(fake: FakeBaijiayun) -> None:
    fake.inject("room/create", ErrorCode(1001, "bad parameter"))
    async with fake.client() as bjy:
        results = await bjy.rooms.create_many(
            [spec("a"), spec("b")], concurrency=1, reconcile=True
        )
    assert [r.status for r in results] == ["failed", "created"]
    assert titles_of(fake) == ["b"]
    assert fake.calls("room/list") == [], "nothing unknown, nothing to look up"


@pytest.mark.parametrize("concurrency", [1, 3, 8])
async def test_concurrency_bound_is_honoured(
    counting_fake: CountingFake, concurrency: int
) -> None:
    counting_fake.latency = 0.01
    specs = [spec(f"room {n}") for n in range(24)]
    async with counting_fake.client(max_connections=20, rate_limit=None) as bjy:
        results = await bjy.rooms.create_many(specs, concurrency=concurrency)
    assert all(r.status == "created" for r in results)
    assert counting_fake.peak_in_flight == concurrency


@pytest.mark.parametrize("concurrency", [0, -1, True, 2.0, "4"])
async def test_concurrency_must_be_a_positive_int(
    fake: FakeBaijiayun, concurrency: Any
) -> None:
    async with fake.client() as bjy:
        with pytest.raises(InvalidArgumentError, match="concurrency"):
            await bjy.rooms.create_many([spec("x")], concurrency=concurrency)
    assert fake.requests == []


async def test_identical_specs_reconcile_to_two_distinct_rooms(
    fake: FakeBaijiayun,
) -> None:
    # Both answers are lost after the service acted: two rooms exist, both unknown.
    fake.inject("room/create", DropAfterAction(), times=2)
    twins = [spec("twin"), spec("twin")]
    async with fake.client() as bjy:
        results = await bjy.rooms.create_many(twins, reconcile=True)

    ids = [r.room.room_id for r in results if r.room is not None]
    assert len(ids) == 2
    assert len(set(ids)) == 2
    assert sorted(ids) == sorted(fake.rooms)
    assert len(fake.calls("room/create")) == 2, "found, not created again"


async def test_reconcile_creates_only_what_is_missing(fake: FakeBaijiayun) -> None:
    # The first twin's answer is lost after acting; the second's gateway failed
    # before the service acted. Both are unknown; only one room exists.
    fake.inject("room/create", DropAfterAction())
    fake.inject("room/create", HTTPFailure(503))
    twins = [spec("twin"), spec("twin"), spec("other")]
    async with fake.client() as bjy:
        first_pass = await bjy.rooms.create_many(twins, concurrency=1)
        assert [r.status for r in first_pass] == ["unknown", "unknown", "created"]
        assert len(fake.rooms) == 2
        fake.rooms.clear()

        fake.inject("room/create", DropAfterAction())
        fake.inject("room/create", HTTPFailure(503))
        results = await bjy.rooms.create_many(twins, concurrency=1, reconcile=True)

    assert [r.status for r in results] == ["created"] * 3
    ids = {r.room.room_id for r in results if r.room is not None}
    assert ids == set(fake.rooms)
    assert titles_of(fake) == ["other", "twin", "twin"]


async def test_reconcile_ignores_rooms_from_before_the_batch() -> None:
    now = time.time()
    clock = [now - 3600.0]
    fake = FakeBaijiayun(
        partner_id=PARTNER_ID, partner_key=PARTNER_KEY, clock=lambda: clock[0]
    )
    old = fake.add_room("twin", start_time=NOW + 3600, end_time=NOW + 7200)
    clock[0] = now
    fake.inject("room/create", HTTPFailure(502))  # not acted, outcome unknown
    async with fake.client() as bjy:
        results = await bjy.rooms.create_many([spec("twin")], reconcile=True)

    room = results[0].room
    assert room is not None
    assert room.room_id != old.room_id, "an hour-old room is not this batch's"
    assert len(fake.rooms) == 2


async def test_reconcile_prefers_this_batch_over_a_recent_twin() -> None:
    # A previous run of the same batch, a minute ago: inside the clock-skew margin.
    now = time.time()
    clock = [now - 60.0]
    fake = FakeBaijiayun(
        partner_id=PARTNER_ID, partner_key=PARTNER_KEY, clock=lambda: clock[0]
    )
    earlier = fake.add_room("twin", start_time=NOW + 3600, end_time=NOW + 7200)
    clock[0] = now
    fake.inject("room/create", DropAfterAction())  # acted, then the answer was lost
    async with fake.client() as bjy:
        results = await bjy.rooms.create_many([spec("twin")], reconcile=True)

    room = results[0].room
    assert room is not None
    assert room.room_id != earlier.room_id, "the lost request's own room is newer"
    assert len(fake.rooms) == 2


async def test_malformed_answer_to_a_create_is_an_unknown_outcome(
    fake: FakeBaijiayun,
) -> None:
    # A garbled 200 may follow a creation; reporting it as failed would hide a room.
    fake.inject("room/create", MalformedBody(), times=2)
    async with fake.client() as bjy:
        plain = await bjy.rooms.create_many([spec("a")])
        reconciled = await bjy.rooms.create_many([spec("b")], reconcile=True)
    assert plain[0].status == "unknown"
    assert isinstance(plain[0].error, OutcomeUnknownError)
    assert reconciled[0].status == "created"
    assert titles_of(fake) == ["b"]


async def test_failed_lookup_leaves_unknowns_reported(
    fake: FakeBaijiayun, caplog: pytest.LogCaptureFixture
) -> None:
    fake.inject("room/create", DropAfterAction())
    fake.inject("room/list", HTTPFailure(503))
    async with fake.client(max_retries=0) as bjy:
        results = await bjy.rooms.create_many(
            [spec("a"), spec("b")], concurrency=1, reconcile=True
        )
    assert [r.status for r in results] == ["unknown", "created"]
    assert len(fake.rooms) == 2
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "cannot reconcile 1 unknown outcomes: room/list failed" in warnings[-1]


async def test_raising_progress_leaves_no_creation_running(
    counting_fake: CountingFake,
) -> None:
    counting_fake.latency = 0.01
    specs = [spec(f"room {n}") for n in range(10)]

    def progress(done: int, _: int) -> None:
        if done == 2:
            raise RuntimeError("progress bar broke")

    async with counting_fake.client() as bjy:
        with pytest.raises(RuntimeError, match="progress bar broke"):
            await bjy.rooms.create_many(specs, concurrency=2, progress=progress)
        created = len(counting_fake.rooms)
        await asyncio.sleep(0.1)
    assert counting_fake.in_flight == 0
    assert len(counting_fake.rooms) == created == 10, "the other worker finished"


async def test_server_rate_limit_fails_creations_and_retries_reads() -> None:
    fake = FakeBaijiayun(
        partner_id=PARTNER_ID, partner_key=PARTNER_KEY, rate_limit=(3, 1.0)
    )
    room = fake.add_room()
    async with fake.client(rate_limit=None) as bjy:
        results = await bjy.rooms.create_many(
            [spec(f"room {n}") for n in range(4)], concurrency=4
        )
        # A refused creation never reached the service: a definite failure.
        statuses = sorted(r.status for r in results)
        assert statuses == ["created", "created", "created", "failed"]
        refused = next(r for r in results if r.status == "failed")
        assert isinstance(refused.error, RateLimitedError)
        assert refused.error.retry_after == 1

        # Reads wait as the service asks (Retry-After: 1) and then succeed.
        started = time.monotonic()
        infos = await asyncio.gather(*(bjy.rooms.get(room.room_id) for _ in range(3)))
        waited = time.monotonic() - started
    assert [info.room_id for info in infos] == [room.room_id] * 3
    assert 0.9 <= waited < 3.5
    assert len(fake.rooms) == 4


async def test_client_limit_below_the_service_limit_meets_no_refusal() -> None:
    fake = FakeBaijiayun(
        partner_id=PARTNER_ID, partner_key=PARTNER_KEY, rate_limit=(5, 0.5)
    )
    room = fake.add_room()
    # A little below the service's limit, as a client sharing an account should be.
    async with fake.client(rate_limit=RateLimit(4, 0.6)) as bjy:

        async def reader() -> None:
            for _ in range(3):
                await bjy.rooms.get(room.room_id)

        async def creator(number: int) -> None:
            await bjy.rooms.create_many([spec(f"room {number}")])

        # Several independent tasks, one client: the limit is shared by all.
        await asyncio.gather(reader(), reader(), creator(1), creator(2))
    calls = fake.calls("room/info") + fake.calls("room/create")
    assert len(calls) == 8, "no call was refused and sent again"
    assert len(fake.rooms) == 3
