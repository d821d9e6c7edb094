"""A client-wide limit on requests per time window, as the service enforces it."""

from __future__ import annotations

import asyncio
import collections
import time

__all__ = ["RateLimiter"]


class RateLimiter:
    """Let at most ``requests`` requests start within any ``per`` seconds.

    The service counts requests per account in a sliding 10 s window. A leaky
    bucket (what general-purpose limiters offer) would let a burst plus the drip
    exceed that window, so this keeps the start times of the last ``requests``
    requests and waits until the oldest has left the window. Waiters are served in
    arrival order. The log is shared by every loop that uses the client; only the
    lock that orders waiters is per loop.
    """

    def __init__(self, requests: int, per: float) -> None:
        self._per = per
        self._starts: collections.deque[float] = collections.deque(maxlen=requests)
        self._locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}

    async def acquire(self) -> None:
        """Wait until one more request fits in the window, then count it."""
        if len(self._starts) < (self._starts.maxlen or 0):
            self._starts.append(time.monotonic())
            return
        async with self._lock():
            delay = self._starts[0] + self._per - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._starts.append(time.monotonic())

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            for old_loop in [old for old in self._locks if old.is_closed()]:
                del self._locks[old_loop]
            lock = self._locks[loop] = asyncio.Lock()
        return lock
