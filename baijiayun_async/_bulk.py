"""Creating many rooms at once, with every spec accounted for exactly once.

``room/create`` has no idempotency key, so a create that fails after it may have
reached the service cannot simply be sent again. ``create_many`` reports such
specs as "unknown" and, when asked to reconcile, looks for them in the account's
room list before creating only the ones that truly do not exist.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ._checks import to_unix
from ._errors import (
    BaijiayunError,
    InvalidArgumentError,
    MalformedResponseError,
    OutcomeUnknownError,
)
from ._models import CreatedRoom, Room, RoomType

if TYPE_CHECKING:
    from ._namespaces.rooms import Rooms

__all__ = ["CreateResult", "create_many"]

logger = logging.getLogger("baijiayun_async")

#: How far the service's clock may lag ours when deciding that a listed room was
#: created by this batch.
CLOCK_SKEW = 120

#: Reconciliation passes before an outcome is left unknown.
RECONCILE_ROUNDS = 3

Progress = Callable[[int, int], None]
_Key = tuple[str, int, int, int]


@attrs.frozen
class CreateResult:
    """What became of one spec: a room, an error, or an unknown outcome."""

    #: Position of the spec in the input.
    index: int
    #: The keyword arguments of ``rooms.create`` this result is for.
    spec: Mapping[str, Any]
    room: CreatedRoom | None = None
    error: BaijiayunError | None = None

    @property
    def status(self) -> Literal["created", "failed", "unknown"]:
        """``unknown``: the request may have reached the service; see ``error``."""
        if self.room is not None:
            return "created"
        if isinstance(self.error, OutcomeUnknownError):
            return "unknown"
        return "failed"


async def create_many(
    rooms: Rooms,
    specs: Iterable[Mapping[str, Any]],
    *,
    concurrency: int = 8,
    progress: Progress | None = None,
    reconcile: bool = False,
) -> list[CreateResult]:
    """Create one room per spec and return one result per spec, in input order.

    ``progress(done, total)`` follows the first pass. With ``reconcile=True``,
    specs whose outcome is unknown are looked up in the room list (same title,
    times and type, created since the batch began, not claimed by another
    result) and created again only if absent.
    """
    if isinstance(concurrency, bool) or not isinstance(concurrency, int):
        raise InvalidArgumentError("concurrency must be an integer from 1")
    if concurrency < 1:
        raise InvalidArgumentError("concurrency must be an integer from 1")
    todo = list(specs)
    results: list[CreateResult] = [CreateResult(i, s) for i, s in enumerate(todo)]
    batch_started = int(time.time())
    done = 0

    signature = inspect.signature(rooms.create)

    async def create(index: int) -> None:
        results[index] = await _create_one(rooms, results[index], signature)

    async def create_reporting(index: int) -> None:
        nonlocal done
        await create(index)
        done += 1
        if progress is not None:
            progress(done, len(todo))

    await _run_bounded(create_reporting, range(len(todo)), concurrency)
    if reconcile:
        for _ in range(RECONCILE_ROUNDS):
            unknown = [r.index for r in results if r.status == "unknown"]
            if not unknown:
                break
            try:
                found = await _find_created(rooms, results, batch_started)
            except BaijiayunError as exc:
                # The results are worth more than the failed lookup: every spec
                # whose outcome is still unknown stays reported as unknown.
                logger.warning(
                    "cannot reconcile %d unknown outcomes: room/list failed (%s)",
                    len(unknown),
                    type(exc).__name__,
                )
                break
            missing = []
            for index in unknown:
                room = found.get(_key(results[index].spec), [])
                if room:
                    results[index] = attrs.evolve(
                        results[index], room=room.pop(0), error=None
                    )
                else:
                    missing.append(index)
            await _run_bounded(create, missing, concurrency)
    return results


async def _create_one(
    rooms: Rooms, result: CreateResult, signature: inspect.Signature
) -> CreateResult:
    try:
        signature.bind(**result.spec)
    except TypeError as exc:
        error = InvalidArgumentError(f"spec {result.index}: {exc}")
        return attrs.evolve(result, error=error)
    try:
        room = await rooms.create(**result.spec)
    except MalformedResponseError as exc:
        # The service answered, so it may well have created the room.
        return attrs.evolve(result, error=_unknown(exc))
    except BaijiayunError as exc:
        return attrs.evolve(result, error=exc)
    except Exception as exc:  # noqa: BLE001 -- one spec must not sink the batch
        # Whatever it was, the request may have gone out: say so, and let
        # reconciling look for the room rather than lose the other results.
        return attrs.evolve(result, error=_unknown(exc))
    return attrs.evolve(result, room=room, error=None)


def _unknown(cause: Exception) -> OutcomeUnknownError:
    unknown = OutcomeUnknownError("room/create", type(cause).__name__)
    unknown.__cause__ = cause
    return unknown


async def _run_bounded(
    work: Callable[[int], Any], indexes: Iterable[int], concurrency: int
) -> None:
    """Run ``work`` over ``indexes`` with at most ``concurrency`` at a time.

    A failing worker (a raising ``progress`` callback) stops only itself: the
    others finish the batch before the failure is raised, so no creation is left
    running unobserved after ``create_many`` has returned.
    """
    pending = iter(indexes)

    async def worker() -> None:
        for index in pending:
            await work(index)

    outcomes = await asyncio.gather(
        *(worker() for _ in range(concurrency)), return_exceptions=True
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome


async def _find_created(
    rooms: Rooms, results: list[CreateResult], batch_started: int
) -> dict[_Key, list[CreatedRoom]]:
    """Rooms in the account made since the batch began that no result claims yet.

    The newest come first: when an older room of the same title and times falls
    inside the clock-skew margin (a previous run of the same batch), the rooms
    this batch's lost requests just created are still matched before it.
    """
    claimed = {r.room.room_id for r in results if r.room is not None}
    listed: list[Room] = []
    async for room in rooms.list(page_size=1000):
        created = room.create_time
        if room.room_id in claimed or created is None:
            continue
        if created.timestamp() >= batch_started - CLOCK_SKEW:
            listed.append(room)
    listed.sort(key=lambda room: (room.create_time, room.room_id), reverse=True)
    found: dict[_Key, list[CreatedRoom]] = {}
    for room in listed:
        found.setdefault(_listed_key(room), []).append(_as_created(room))
    return found


def _key(spec: Mapping[str, Any]) -> _Key:
    return (
        spec["title"],
        to_unix("start_time", spec["start_time"]),
        to_unix("end_time", spec["end_time"]),
        int(spec.get("type", RoomType.SMALL_CLASS)),
    )


def _listed_key(room: Room) -> _Key:
    return (
        room.title,
        int(room.start_time.timestamp()),
        int(room.end_time.timestamp()),
        int(room.type),
    )


def _as_created(room: Room) -> CreatedRoom:
    return CreatedRoom(
        room_id=room.room_id,
        admin_code=room.admin_code or "",
        teacher_code=room.teacher_code or "",
        student_code=room.student_code or "",
    )
