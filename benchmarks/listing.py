"""Row family 4: reading 100 000 listed items (100 pages of 1000 student codes).

The pages come from an in-process transport with canned bodies, so what is
measured is decoding and model building: the SDK's ``codes.list`` (attrs models
through cattrs, pagination checks) against the same httpx calls returning raw
dicts, and against pydantic v2 models of the same shape (``user_number`` sent as
a string and read as an ``int``, as the SDK does).
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import parse_qs

import httpx
import pydantic

from baijiayun_async import BaijiayunClient

from ._common import PARTNER_ID, PARTNER_KEY, CannedTransport, envelope, raw_call
from ._report import Goal, Row
from ._timing import alternate

PAGES = 100
PAGE_SIZE = 1000
ROOM_ID = 21011412345678
BASE_URL = "http://127.0.0.1/"


class StudentCodeModel(pydantic.BaseModel):
    code: str
    user_number: int
    user_avatar: str | None = None


class CodePage(pydantic.BaseModel):
    total: int
    list: tuple[StudentCodeModel, ...]


def _pages() -> list[bytes]:
    total = PAGES * PAGE_SIZE
    return [
        envelope(
            {
                "total": total,
                "list": [
                    {
                        "code": f"{page:02d}{item:04d}",
                        "user_number": str(page * PAGE_SIZE + item + 1),
                        "user_avatar": "",
                    }
                    for item in range(PAGE_SIZE)
                ],
            }
        )
        for page in range(PAGES)
    ]


def _transport() -> CannedTransport:
    pages = _pages()
    number = re.compile(r"[0-9]+")

    def answer(request: httpx.Request) -> bytes:
        form = parse_qs(request.content.decode())
        page = int(form["page"][0])
        assert number.fullmatch(form["page"][0])
        return pages[page - 1]

    return CannedTransport(answer)


async def _measure(rounds: int) -> dict[str, float]:
    transport = _transport()
    sdk = BaijiayunClient(
        PARTNER_ID, PARTNER_KEY, base_url=BASE_URL, rate_limit=None, transport=transport
    )
    http = httpx.AsyncClient(transport=transport)
    url = BASE_URL + "openapi/room/listcode"
    adapter = pydantic.TypeAdapter(CodePage)

    async def through_sdk() -> None:
        count = 0
        async for _ in sdk.codes.list(ROOM_ID, page_size=PAGE_SIZE):
            count += 1
        assert count == PAGES * PAGE_SIZE

    async def as_dicts() -> None:
        count = 0
        for page in range(1, PAGES + 1):
            params = {"room_id": ROOM_ID, "page": page, "limit": PAGE_SIZE}
            data = await raw_call(http, url, params)
            for _ in data["list"]:
                count += 1
        assert count == PAGES * PAGE_SIZE

    async def as_pydantic() -> None:
        count = 0
        for page in range(1, PAGES + 1):
            params = {"room_id": ROOM_ID, "page": page, "limit": PAGE_SIZE}
            body = adapter.validate_python(await raw_call(http, url, params))
            for _ in body.list:
                count += 1
        assert count == PAGES * PAGE_SIZE

    contenders = {"sdk": through_sdk, "dicts": as_dicts, "pydantic": as_pydantic}
    async with sdk, http:
        seconds = await alternate(contenders, rounds)
    return {name: PAGES * PAGE_SIZE / value for name, value in seconds.items()}


def run(quick: bool) -> list[Row]:
    rounds = 3 if quick else 7
    rates = asyncio.run(_measure(rounds))
    params = {"items": PAGES * PAGE_SIZE, "page_size": PAGE_SIZE, "rounds": rounds}
    return [
        Row(
            "listing.codes_vs_dicts",
            rates["sdk"],
            "items/s",
            baseline=rates["dicts"],
            goal=Goal("ratio", ">=", 0.5),
            params={**params, "baseline": "raw httpx + json dicts"},
        ),
        Row(
            "listing.codes_vs_pydantic",
            rates["sdk"],
            "items/s",
            baseline=rates["pydantic"],
            goal=Goal("ratio", ">=", 0.8),
            params={**params, "baseline": "raw httpx + pydantic v2"},
        ),
    ]
