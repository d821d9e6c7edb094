"""Running many calls at once, with a bound on how many are in flight."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

__all__ = ["gather_bounded"]

T = TypeVar("T")
R = TypeVar("R")


async def gather_bounded(
    items: Iterable[T], call: Callable[[T], Awaitable[R]], *, limit: int
) -> list[R]:
    """Call ``call`` on every item, at most ``limit`` at a time; results in order.

    The bound keeps a batch inside the service's rate limit and the client's pool
    rather than opening one connection per item. The first error cancels the rest.
    """
    gate = asyncio.Semaphore(limit)

    async def one(item: T) -> R:
        async with gate:
            return await call(item)

    return list(await asyncio.gather(*(one(item) for item in items)))
