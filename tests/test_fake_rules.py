"""The fake enforces the service's rules itself, so ``client.request()`` meets them."""

from __future__ import annotations

import time
from typing import Any

import pytest

from baijiayun_async import (
    BaijiayunClient,
    FileUpload,
    ParameterError,
    RoomDeletedError,
    RoomNotFoundError,
    UploadFailedError,
)
from baijiayun_async.testing import FakeBaijiayun

HOUR = 3600
YEAR = 365 * 24 * HOUR
NOW = int(time.time())


def room_fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": "Grammar",
        "start_time": NOW + HOUR,
        "end_time": NOW + 2 * HOUR,
        "type": 4,
        "max_users": 6,
    }
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not None}


ACCEPTED_ROOMS = {
    "title of 50": {"title": "题" * 50},
    "2 on stage": {"max_users": 2},
    "12 on stage": {"max_users": 12},
    "one-on-one": {"type": 6, "max_users": 1},
    "300 backups": {"max_backup_users": 300},
    "delay 7200": {"end_delay_time": 7200},
    "just over 15 min": {"end_time": NOW + HOUR + 15 * 60 + 1},
    "just under 24 h": {"end_time": NOW + 25 * HOUR - 1},
    "started a bit ago": {"start_time": NOW - 60, "end_time": NOW + HOUR},
    "flags": {"auto_on_stage": 1, "has_foreign_user": 2, "template_type": 3},
}

REFUSED_ROOMS = {
    "title of 51": {"title": "题" * 51},
    "no title": {"title": None},
    "empty title": {"title": ""},
    "1 on stage": {"max_users": 1},
    "13 on stage": {"max_users": 13},
    "one-on-one with 2": {"type": 6, "max_users": 2},
    "unknown type": {"type": 5},
    "301 backups": {"max_backup_users": 301},
    "delay 7201": {"end_delay_time": 7201},
    "exactly 15 min": {"end_time": NOW + HOUR + 15 * 60},
    "exactly 24 h": {"end_time": NOW + 25 * HOUR},
    "end before start": {"start_time": NOW + 2 * HOUR, "end_time": NOW + HOUR},
    "beyond a year": {"start_time": NOW + YEAR, "end_time": NOW + YEAR + HOUR},
    "over a year ago": {"start_time": NOW - YEAR - 2 * HOUR, "end_time": NOW - YEAR},
    "template 2 at creation": {"template_type": 2},
    "no start": {"start_time": None},
    "start not a number": {"start_time": "soon"},
}


@pytest.fixture
async def client(baijiayun_fake: FakeBaijiayun) -> Any:
    async with baijiayun_fake.client(max_retries=0) as bjy:
        yield bjy


@pytest.mark.parametrize("changes", ACCEPTED_ROOMS.values(), ids=ACCEPTED_ROOMS)
async def test_room_create_accepts(
    client: BaijiayunClient, changes: dict[str, Any]
) -> None:
    data = await client.request("room/create", room_fields(**changes))
    assert len(data["room_id"]) == 14


@pytest.mark.parametrize("changes", REFUSED_ROOMS.values(), ids=REFUSED_ROOMS)
async def test_room_create_refuses(
    client: BaijiayunClient, baijiayun_fake: FakeBaijiayun, changes: dict[str, Any]
) -> None:
    with pytest.raises(ParameterError) as caught:
        await client.request("room/create", room_fields(**changes))
    assert caught.value.code == 1001
    assert not baijiayun_fake.rooms


@pytest.mark.parametrize(
    ("changes", "accepted"),
    [
        ({"max_users": 1}, True),
        ({"max_users": 13}, False),
        ({"template_type": 2}, True),
        ({"max_backup_users": 301}, False),
        ({"title": "题" * 51}, False),
        ({"end_time": NOW + HOUR + 60}, False),  # keeps the old start: too short
        ({"start_time": NOW + 3 * HOUR}, False),  # after the old end
        ({"start_time": NOW + 90 * 60, "end_time": NOW + 3 * HOUR}, True),
    ],
)
async def test_room_update_rules(
    client: BaijiayunClient,
    baijiayun_fake: FakeBaijiayun,
    changes: dict[str, Any],
    accepted: bool,
) -> None:
    room = baijiayun_fake.add_room(start_time=NOW + HOUR, end_time=NOW + 2 * HOUR)
    params = {"room_id": room.room_id, **changes}
    if accepted:
        assert await client.request("room/update", params) is None
        for name, value in changes.items():
            if name in ("max_users", "start_time", "end_time"):
                assert getattr(room, name) == value
    else:
        with pytest.raises(ParameterError):
            await client.request("room/update", params)
        assert (room.start_time, room.end_time, room.max_users) == (
            NOW + HOUR,
            NOW + 2 * HOUR,
            6,
        )


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("room/list", {"limit": 1001}),
        ("room/list", {"limit": 0}),
        ("room/list", {"page": 0}),
        ("room/listcode", {"limit": 1001}),
        ("doc/listAllDoc", {"type": "all", "page_size": 0}),
        ("doc/listAllDoc", {"type": "everything"}),
        ("doc/listAllDoc", {}),
        ("room_data/exportLiveReport", {"type": "parents"}),
        ("room_data/exportChatMsg", {"date": "2024/03/02"}),
        ("room_data/exportAnswerStat", {"date": "2024-02-30"}),
        ("room_data/getAllRoomUserStat", {"product_type": 2}),
        ("room_data/getAllRoomUserStat", {"date": "2024-03-02"}),
        ("room/getcode", {"user_number": -1}),
        ("room/getcode", {}),
    ],
)
async def test_parameter_rules(
    client: BaijiayunClient,
    baijiayun_fake: FakeBaijiayun,
    path: str,
    params: dict[str, Any],
) -> None:
    room = baijiayun_fake.add_room()
    if path.startswith(("room/listcode", "room/getcode", "room_data/export")):
        params = {"room_id": room.room_id, **params}
    with pytest.raises(ParameterError):
        await client.request(path, params)


async def test_page_limit_of_1000_is_accepted(
    client: BaijiayunClient, baijiayun_fake: FakeBaijiayun
) -> None:
    room = baijiayun_fake.add_room()
    data = await client.request(
        "room/listcode", {"room_id": room.room_id, "limit": 1000}
    )
    assert data["total"] == 1


@pytest.mark.parametrize(
    "filename", ["a.doc", "a.ppt", "a.PDF", "a.pptx", "a.docx", "a.jpg", "a.jpeg",
                 "a.png", "a.gif", "h5.zip"],
)  # fmt: skip
async def test_upload_accepts_documented_types(
    client: BaijiayunClient, filename: str
) -> None:
    data = await client.request(
        "doc/uploadDoc", files={"attachment": FileUpload(b"content", filename=filename)}
    )
    assert data["name"] == filename
    assert "bind_id" not in data


@pytest.mark.parametrize("filename", ["a.exe", "a.txt", "noextension", "a.pdf.sh"])
async def test_upload_refuses_other_types(
    client: BaijiayunClient, baijiayun_fake: FakeBaijiayun, filename: str
) -> None:
    with pytest.raises(ParameterError):
        await client.request(
            "doc/uploadDoc", files={"attachment": FileUpload(b"x", filename=filename)}
        )
    assert not baijiayun_fake.docs


async def test_upload_needs_a_non_empty_attachment(client: BaijiayunClient) -> None:
    with pytest.raises(ParameterError):
        await client.request("doc/uploadDoc", {"ppt_animation": 0})
    with pytest.raises(UploadFailedError):
        await client.request(
            "doc/uploadDoc", files={"attachment": FileUpload(b"", filename="a.pdf")}
        )


async def test_room_images_must_be_images(
    client: BaijiayunClient, baijiayun_fake: FakeBaijiayun
) -> None:
    with pytest.raises(ParameterError):
        await client.request(
            "room/create",
            room_fields(),
            files={"background_attachment": FileUpload(b"x", filename="bg.pdf")},
        )
    data = await client.request(
        "room/create",
        room_fields(),
        files={"whiteboard_attachment": FileUpload(b"x", filename="wb.png")},
    )
    room = baijiayun_fake.rooms[int(data["room_id"])]
    assert room.attachments["whiteboard_attachment"].size == 1


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("room/info", {}),
        ("room/update", {"title": "x"}),
        ("room/delete", {}),
        ("room/getcode", {"user_number": 1}),
        ("room/listcode", {}),
        ("doc/bindDoc", {"fid": 1}),
        ("doc/listDoc", {}),
        ("doc/removeDoc", {"fid": 1}),
        ("live/getLiveStatus", {}),
        ("live/getTeacherOnlineStatus", {}),
        ("live/getUserCount", {}),
        ("room_data/exportAnswerStat", {}),
        ("room_data/exportChatMsg", {}),
        ("room_data/exportLiveReport", {}),
    ],
)
async def test_missing_and_deleted_rooms(
    client: BaijiayunClient,
    baijiayun_fake: FakeBaijiayun,
    path: str,
    extra: dict[str, Any],
) -> None:
    with pytest.raises(RoomNotFoundError) as caught:
        await client.request(path, {"room_id": 12345678901234, **extra})
    assert caught.value.code == 3001

    room = baijiayun_fake.add_room()
    await client.request("room/delete", {"room_id": room.room_id})
    with pytest.raises(RoomDeletedError) as deleted:
        await client.request(path, {"room_id": room.room_id, **extra})
    assert deleted.value.code == 3002
