"""Failures a test can order from the fake, and the optional rate limit.

A fault is queued per endpoint path for its next calls (``fake.inject``). Each kind
states whether the service acts on the call it breaks, because that is what a
client's retry logic must get right: a request that never reached the service is
safe to repeat, one whose answer was lost is not.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._config import RateLimit

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "ConnectionDropped",
    "DropAfterAction",
    "DropBeforeAction",
    "ErrorCode",
    "Fault",
    "FaultPlan",
    "HTTPFailure",
    "Latency",
    "MalformedBody",
    "RateLimiter",
]


@dataclass(frozen=True)
class HTTPFailure:
    """Answer with this HTTP status and a plain-text body; the service does not act.

    Models a gateway failing in front of the service (502, 503, 504).
    """

    status: int = 503

    def __post_init__(self) -> None:
        if not 400 <= self.status <= 599:
            raise ValueError("an injected HTTP status must be 4xx or 5xx")


@dataclass(frozen=True)
class DropBeforeAction:
    """Drop the connection before the service acts: nothing happened.

    In-process the client sees ``httpx.ConnectError``. Over a real socket the
    connection is already open, so the client sees the answer cut short
    (``httpx.RemoteProtocolError``); the state is untouched either way.
    """


@dataclass(frozen=True)
class DropAfterAction:
    """Act on the call, then drop the connection before the answer is sent.

    The state changes (a room is created) but the client sees only a broken
    answer: ``httpx.RemoteProtocolError``, in-process and over a socket alike.
    """


@dataclass(frozen=True)
class MalformedBody:
    """Answer 200 with a body that is not the envelope; the service does not act."""

    body: bytes = b'{"code": 0, "msg": "", "data": {"room_'
    content_type: str = "application/json"


@dataclass(frozen=True)
class ErrorCode:
    """Answer with this API error ``code`` and ``msg``; the service does not act."""

    code: int
    msg: str = "injected error"


@dataclass(frozen=True)
class Latency:
    """Wait this many seconds before handling the call, then act and answer normally."""

    seconds: float


Fault = (
    HTTPFailure
    | DropBeforeAction
    | DropAfterAction
    | MalformedBody
    | ErrorCode
    | Latency
)


class ConnectionDropped(Exception):  # noqa: N818 -- an event, not a bug
    """Raised by the app to cut a connection; the in-process transport translates it.

    ``acted`` says whether the service changed its state first. Under uvicorn the
    exception after the response headers makes the server close the socket.
    """

    def __init__(self, *, acted: bool) -> None:
        super().__init__(
            "connection dropped " + ("after" if acted else "before") + " acting"
        )
        self.acted = acted


class FaultPlan:
    """The faults still to come, in order, for each endpoint path."""

    def __init__(self) -> None:
        self._queues: defaultdict[str, deque[Fault]] = defaultdict(deque)

    def add(self, path: str, fault: Fault, times: int) -> None:
        """Queue ``fault`` for the next ``times`` calls of ``path``."""
        if times < 1:
            raise ValueError("times must be at least 1")
        self._queues[path].extend([fault] * times)

    def take(self, path: str) -> Fault | None:
        """Return the fault due for this call of ``path``, if any."""
        queue = self._queues.get(path)
        return queue.popleft() if queue else None

    def clear(self) -> None:
        """Forget every queued fault."""
        self._queues.clear()


class RateLimiter:
    """A sliding window over the fake's clock: admitted calls are what count."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float]) -> None:
        self.limit = limit
        self._clock = clock
        self._admitted: deque[float] = deque()

    def admit(self) -> int | None:
        """Admit one call, or return the whole seconds until one would be admitted."""
        now = self._clock()
        while self._admitted and self._admitted[0] <= now - self.limit.per:
            self._admitted.popleft()
        if len(self._admitted) < self.limit.requests:
            self._admitted.append(now)
            return None
        wait = self._admitted[0] + self.limit.per - now
        return max(1, math.ceil(wait))
