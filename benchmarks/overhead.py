"""Row 1: what one ``rooms.get`` costs the SDK beyond a hand-written httpx call.

Both sides run over the same in-process transport that answers every request with
the same canned ``room/info`` body, so no socket and no server is measured. The
raw call signs, posts and ``json.loads``; the SDK also renders and checks the
parameters, runs its retry machinery and deadline, and builds a ``Room`` model.
"""

from __future__ import annotations

import asyncio

import httpx

from baijiayun_async import BaijiayunClient

from ._common import PARTNER_ID, PARTNER_KEY, CannedTransport, envelope, raw_call
from ._report import Goal, Row
from ._timing import alternate

ROOM_ID = 21011412345678
ROOM_INFO = envelope(
    {
        "room_id": ROOM_ID,
        "title": "测试教室",
        "start_time": "2024-08-01 10:00:00",
        "end_time": "2024-08-01 11:00:00",
        "type": "4",
        "max_users": "6",
        "max_backup_users": "0",
        "admin_code": "a1b2c3",
        "teacher_code": "t1e2a3",
    }
)
BASE_URL = "http://127.0.0.1/"


def clients() -> tuple[BaijiayunClient, httpx.AsyncClient]:
    """An SDK client and a plain httpx client over the same canned transport."""
    transport = CannedTransport(lambda _: ROOM_INFO)
    sdk = BaijiayunClient(
        PARTNER_ID, PARTNER_KEY, base_url=BASE_URL, rate_limit=None, transport=transport
    )
    return sdk, httpx.AsyncClient(transport=transport)


async def _measure(calls: int, rounds: int) -> dict[str, float]:
    sdk, http = clients()
    url = BASE_URL + "openapi/room/info"

    async def through_sdk() -> None:
        for _ in range(calls):
            await sdk.rooms.get(ROOM_ID)

    async def by_hand() -> None:
        for _ in range(calls):
            await raw_call(http, url, {"room_id": ROOM_ID})

    async with sdk, http:
        medians = await alternate({"sdk": through_sdk, "raw": by_hand}, rounds)
    return {name: seconds / calls * 1e6 for name, seconds in medians.items()}


def run(quick: bool) -> list[Row]:
    calls, rounds = (1000, 5) if quick else (3000, 9)
    micros = asyncio.run(_measure(calls, rounds))
    return [
        Row(
            "overhead.rooms_get",
            micros["sdk"],
            "us/call",
            baseline=micros["raw"],
            goal=Goal("ratio", "<=", 1.15),
            params={"calls": calls, "rounds": rounds, "baseline": "raw httpx"},
        )
    ]
