"""The SDK's typed methods read the fake's loose, vendor-shaped answers."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import pytest

from baijiayun_async import (
    BaijiayunClient,
    FileUpload,
    RoomDeletedError,
    SignatureError,
)
from baijiayun_async.testing import FakeBaijiayun

NOW = int(time.time())
CHINA = timezone(timedelta(hours=8))


@pytest.fixture(params=["in-process", "loopback"])
async def bjy(
    request: pytest.FixtureRequest, baijiayun_fake: FakeBaijiayun
) -> AsyncIterator[BaijiayunClient]:
    if request.param == "in-process":
        async with baijiayun_fake.client() as client:
            yield client
        return
    async with (
        baijiayun_fake.serve() as base_url,
        BaijiayunClient(
            baijiayun_fake.partner_id, baijiayun_fake.partner_key, base_url=base_url
        ) as client,
    ):
        yield client


async def test_typed_round_trip(
    bjy: BaijiayunClient, baijiayun_fake: FakeBaijiayun
) -> None:
    start = datetime.fromtimestamp(NOW + 3600, CHINA).replace(microsecond=0)
    created = await bjy.rooms.create(
        title="测试教室",
        start_time=start,
        end_time=start + timedelta(hours=1),
        max_users=6,
    )
    room_id = created.room_id
    assert room_id in baijiayun_fake.rooms

    room = await bjy.rooms.get(room_id)
    assert (room.title, room.start_time, room.max_users) == ("测试教室", start, 6)
    assert [r.room_id async for r in bjy.rooms.list()] == [room_id]

    code = await bjy.codes.create(room_id, 42)
    assert await bjy.codes.create(room_id, 42) == code
    info = await bjy.codes.get(code)
    assert info is not None
    assert (info.room_id, info.user_number) == (room_id, 42)
    assert await bjy.codes.get("zzzzzz") is None
    assert [c.user_number async for c in bjy.codes.list(room_id)] == [42, 0]

    uploaded = await bjy.docs.upload(
        FileUpload(b"%PDF", filename="a.pdf"), room_id=room_id
    )
    assert [d.fid for d in await bjy.docs.room_docs(room_id)] == [uploaded.fid]
    assert [d.size async for d in bjy.docs.list()] == [4]
    await bjy.docs.remove(room_id, uploaded.fid)
    assert await bjy.docs.room_docs(room_id) == []

    baijiayun_fake.set_live(room_id)
    baijiayun_fake.set_user_count(room_id, 3)
    assert await bjy.live.is_live(room_id) is True
    assert await bjy.live.is_teacher_online(room_id) is False
    assert (await bjy.live.user_count(room_id)).user_count == 3

    baijiayun_fake.add_chat(room_id, "hi", user_number=1, user_name="a")
    baijiayun_fake.add_attendance(room_id, user_number=1, user_name="a", first_time=NOW)
    assert [m.content for m in await bjy.reports.chat(room_id)] == ["hi"]
    assert [r.user_number async for r in bjy.reports.attendance(room_id)] == [1]

    await bjy.rooms.delete(room_id)
    with pytest.raises(RoomDeletedError):
        await bjy.rooms.get(room_id)


async def test_wrong_key_through_fake_client(baijiayun_fake: FakeBaijiayun) -> None:
    async with baijiayun_fake.client(partner_key="stale-key") as bjy:
        with pytest.raises(SignatureError):
            await bjy.rooms.get(12345678901234)
