"""Connection pools bound to event loops, with a fair queue in front of each.

An httpx pool belongs to the event loop that opened its connections. A client made
at module level and used from successive ``asyncio.run()`` calls therefore gets one
pool per loop, and each pool is closed while its loop shuts down (``asyncio.run``
closes every suspended async generator before closing the loop), so nothing is left
to a ``__del__`` that would run on a dead loop.

Callers wait for a connection slot in a FIFO queue of our own, which never times
out: gathering thousands of calls on a small pool queues them instead of failing
them, and httpx's pool timeout is left to catch a pool that is genuinely stuck.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable

import attrs
import httpx

__all__ = ["Lane", "Pool"]


@attrs.define
class Lane:
    """One event loop's httpx pool, behind a fair queue of connection slots."""

    client: httpx.AsyncClient
    slots: asyncio.Semaphore
    closer: AsyncGenerator[None, None] | None = None


class Pool:
    """Sends requests over an httpx pool of the running loop, one slot at a time."""

    def __init__(
        self,
        *,
        http_client: httpx.AsyncClient | None,
        make_client: Callable[[], httpx.AsyncClient],
        max_connections: int,
    ) -> None:
        self._shared = http_client
        self._make_client = make_client
        self._max_connections = max_connections
        self._lanes: dict[asyncio.AbstractEventLoop, Lane] = {}

    async def lane(self) -> Lane:
        """Return the running loop's pool and the queue of slots in front of it.

        Hold ``lane.slots`` (``async with``) while sending on ``lane.client``.
        """
        loop = asyncio.get_running_loop()
        lane = self._lanes.get(loop)
        if lane is not None:
            return lane

        for old_loop in [old for old in self._lanes if old.is_closed()]:
            del self._lanes[old_loop]
        client = self._shared or self._make_client()
        lane = Lane(client, asyncio.Semaphore(self._max_connections))
        if self._shared is None:
            lane.closer = _close_with_loop(client)
            await lane.closer.asend(None)
        self._lanes[loop] = lane
        return lane

    async def aclose(self) -> None:
        """Close the pool of the running loop; a later call opens a new one."""
        loop = asyncio.get_running_loop()
        lane = self._lanes.pop(loop, None)
        if lane is not None and lane.closer is not None:
            await lane.closer.aclose()


async def _close_with_loop(client: httpx.AsyncClient) -> AsyncGenerator[None, None]:
    """Stay suspended until closed by ``aclose()`` or by the loop's shutdown."""
    try:
        yield
    finally:
        await client.aclose()
