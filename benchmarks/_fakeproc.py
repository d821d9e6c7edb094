"""Serve the fake on loopback until stdin closes; print the URL and room ids first.

Run as ``python -m benchmarks._fakeproc --latency 0.1 --rooms 1``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from baijiayun_async.testing import FakeBaijiayun

from ._common import PARTNER_ID, PARTNER_KEY


async def _serve(latency: float, rooms: int) -> None:
    fake = FakeBaijiayun(PARTNER_ID, PARTNER_KEY, latency=latency)
    # The service lists rooms newest first; "requests" made by the fake are not
    # needed here and would grow without bound over a long run.
    fake.requests = _Discard()
    room_ids = [fake.add_room(f"bench {i}").room_id for i in range(rooms)]
    loop = asyncio.get_running_loop()
    async with fake.serve(host="127.0.0.1", port=0) as base_url:
        print(json.dumps({"base_url": base_url, "room_ids": room_ids}), flush=True)
        await loop.run_in_executor(None, sys.stdin.read)


class _Discard(list):  # type: ignore[type-arg]
    """A request log that keeps nothing."""

    def append(self, item: object) -> None:
        """Forget the item."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--rooms", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(_serve(args.latency, args.rooms))


if __name__ == "__main__":
    main()
