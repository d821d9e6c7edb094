"""Hold many calls in flight at once and report this process's memory growth.

``python -m benchmarks._memory_child sdk|raw CALLS`` gathers CALLS ``rooms.get``
calls (SDK) or hand-written httpx calls (raw) over an in-process transport that
answers none of them until all have arrived, then releases them together; it
prints the peak resident growth as JSON.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys

import httpx

from baijiayun_async import BaijiayunClient

from ._common import PARTNER_ID, PARTNER_KEY, raw_call
from ._rss import PeakMemory
from .overhead import BASE_URL, ROOM_ID, ROOM_INFO


class GateTransport(httpx.AsyncBaseTransport):
    """Answer nothing until ``expected`` requests are waiting, then answer all."""

    def __init__(self, expected: int) -> None:
        self._expected = expected
        self._arrived = 0
        self._gate = asyncio.Event()
        self.held = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Wait at the gate; the last arrival opens it."""
        await request.aread()
        self._arrived += 1
        if self._arrived >= self._expected:
            self.held = self._arrived
            self._gate.set()
        await self._gate.wait()
        return httpx.Response(200, content=ROOM_INFO)


async def _run(side: str, calls: int) -> dict[str, object]:
    warm = GateTransport(1)
    gate = GateTransport(calls + 1)

    if side == "sdk":
        # Every call holds a connection slot while it waits at the gate.
        sdk = BaijiayunClient(
            PARTNER_ID,
            PARTNER_KEY,
            base_url=BASE_URL,
            rate_limit=None,
            max_connections=calls + 1,
            transport=gate,
        )
        warm_sdk = BaijiayunClient(
            PARTNER_ID, PARTNER_KEY, base_url=BASE_URL, rate_limit=None, transport=warm
        )
        await warm_sdk.rooms.get(ROOM_ID)

        def one() -> object:
            return sdk.rooms.get(ROOM_ID)
    else:
        http = httpx.AsyncClient(transport=gate)
        warm_http = httpx.AsyncClient(transport=warm)
        url = BASE_URL + "openapi/room/info"
        await raw_call(warm_http, url, {"room_id": ROOM_ID})

        def one() -> object:
            return raw_call(http, url, {"room_id": ROOM_ID})

    gc.collect()
    with PeakMemory() as memory:
        results = await asyncio.gather(*(one() for _ in range(calls)), _open(gate))
    assert len(results) == calls + 1
    return {"rss_growth": memory.growth, "held": gate.held, "method": memory.method}


async def _open(gate: GateTransport) -> None:
    """The last arrival: proves every call reached the transport before any ended."""
    await gate.handle_async_request(httpx.Request("POST", BASE_URL, content=b""))


def main() -> None:
    side, calls = sys.argv[1], int(sys.argv[2])
    print(json.dumps(asyncio.run(_run(side, calls))))


if __name__ == "__main__":
    main()
