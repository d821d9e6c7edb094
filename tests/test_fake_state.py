"""State round trips through the SDK, in-process and over a loopback socket."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import pytest

from baijiayun_async import (
    BaijiayunClient,
    FileUpload,
    ParameterError,
    RoomDeletedError,
)
from baijiayun_async.testing import FakeBaijiayun

HOUR = 3600
NOW = int(time.time())
CHINA = timezone(timedelta(hours=8))
CHINA_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


@pytest.fixture(params=["in-process", "loopback"])
async def bjy(
    request: pytest.FixtureRequest, baijiayun_fake: FakeBaijiayun
) -> AsyncIterator[BaijiayunClient]:
    if request.param == "in-process":
        async with baijiayun_fake.client(max_retries=0) as client:
            yield client
        return
    async with baijiayun_fake.serve() as base_url:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", base_url)
        async with BaijiayunClient(
            baijiayun_fake.partner_id,
            baijiayun_fake.partner_key,
            base_url=base_url,
            max_retries=0,
        ) as client:
            yield client


def china(moment: int) -> str:
    return datetime.fromtimestamp(moment, CHINA).strftime("%Y-%m-%d %H:%M:%S")


async def create_room(bjy: BaijiayunClient, title: str = "Grammar") -> int:
    data = await bjy.request(
        "room/create",
        {
            "title": title,
            "start_time": NOW + HOUR,
            "end_time": NOW + 2 * HOUR,
            "type": 4,
            "max_users": 6,
        },
    )
    return int(data["room_id"])


async def test_room_lifecycle(
    bjy: BaijiayunClient, baijiayun_fake: FakeBaijiayun
) -> None:
    created = await bjy.request(
        "room/create",
        {
            "title": "小班课",
            "start_time": NOW + HOUR,
            "end_time": NOW + 2 * HOUR,
            "type": 4,
            "max_users": 6,
            "max_backup_users": 20,
        },
    )
    assert isinstance(created["room_id"], str)
    assert re.fullmatch(r"[1-9]\d{13}", created["room_id"])
    codes = [created[k] for k in ("admin_code", "teacher_code", "student_code")]
    assert all(re.fullmatch(r"[a-z0-9]{6}", code) for code in codes)
    assert len(set(codes)) == 3
    room_id = int(created["room_id"])

    info = await bjy.request("room/info", {"room_id": room_id})
    assert info == {
        "room_id": room_id,
        "title": "小班课",
        "start_time": china(NOW + HOUR),
        "end_time": china(NOW + 2 * HOUR),
        "type": "4",
        "max_users": "6",
        "admin_code": created["admin_code"],
        "teacher_code": created["teacher_code"],
        "max_backup_users": "20",
    }

    await bjy.request("room/update", {"room_id": room_id, "title": "Renamed"})
    assert (await bjy.request("room/info", {"room_id": room_id}))["title"] == "Renamed"

    listed = await bjy.request("room/list", {"product_type": 2})
    assert listed["total"] == 1
    (row,) = listed["list"]
    assert row == {
        "room_id": str(room_id),
        "title": "Renamed",
        "type": "4",
        "max_users": "6",
        "start_time": NOW + HOUR,
        "end_time": NOW + 2 * HOUR,
        "create_time": row["create_time"],
        "teacher_code": created["teacher_code"],
        "admin_code": created["admin_code"],
        "student_code": created["student_code"],
        "industry_type": 0,
    }
    assert isinstance(row["create_time"], int)

    assert await bjy.request("room/delete", {"room_id": room_id}) is None
    assert baijiayun_fake.rooms[room_id].deleted
    with pytest.raises(RoomDeletedError):
        await bjy.request("room/info", {"room_id": room_id})
    assert (await bjy.request("room/list"))["total"] == 0


async def test_room_list_pages(bjy: BaijiayunClient) -> None:
    ids = [await create_room(bjy, f"room {n}") for n in range(5)]
    pages = [
        await bjy.request("room/list", {"page": page, "limit": 2}) for page in (1, 2, 3)
    ]
    assert [page["total"] for page in pages] == [5, 5, 5]
    listed = [int(row["room_id"]) for page in pages for row in page["list"]]
    assert listed == ids[::-1]  # newest first
    assert (await bjy.request("room/list", {"page": 4, "limit": 2}))["list"] == []
    assert (await bjy.request("room/list", {"product_type": 1}))["total"] == 0


async def test_codes(bjy: BaijiayunClient, baijiayun_fake: FakeBaijiayun) -> None:
    room_id = await create_room(bjy)
    room = baijiayun_fake.rooms[room_id]

    async def code_of(user_number: int, **extra: object) -> str:
        params = {"room_id": room_id, "user_number": user_number, **extra}
        data = await bjy.request("room/getcode", params)
        return str(data["student_code"])

    first = await code_of(11, user_avatar="https://example.invalid/a.png")
    assert await code_of(11) == first
    assert await code_of(0) == room.student_code
    others = [await code_of(n) for n in (12, 13, 14)]
    assert len({first, room.student_code, *others}) == 5

    info = await bjy.request("room/getCodeInfo", {"code": first})
    assert info["exist"] is True
    assert info["code_info"] == {
        "code": first,
        "room_id": room_id,
        "user_number": 11,
        "user_role": 0,
        "user_name": "",
        "create_time": info["code_info"]["create_time"],
    }
    assert CHINA_TIME.fullmatch(info["code_info"]["create_time"])
    teacher = await bjy.request("room/getCodeInfo", {"code": room.teacher_code})
    assert teacher["code_info"]["user_role"] == 1
    admin = await bjy.request("room/getCodeInfo", {"code": room.admin_code})
    assert admin["code_info"]["user_role"] == 2
    missing = await bjy.request("room/getCodeInfo", {"code": "zzzzzz"})
    assert missing == {"exist": False, "code_info": None}

    page1 = await bjy.request("room/listcode", {"room_id": room_id, "limit": 3})
    page2 = await bjy.request(
        "room/listcode", {"room_id": room_id, "limit": 3, "page": 2}
    )
    assert page1["total"] == page2["total"] == 5
    rows = page1["list"] + page2["list"]
    assert [row["user_number"] for row in rows] == ["14", "13", "12", "11", "0"]
    assert rows[3]["user_avatar"] == "https://example.invalid/a.png"
    assert rows[4]["code"] == room.student_code

    await bjy.request("room/delete", {"room_id": room_id})
    gone = await bjy.request("room/getCodeInfo", {"code": first})
    assert gone["exist"] is False


async def test_documents(bjy: BaijiayunClient, baijiayun_fake: FakeBaijiayun) -> None:
    room_id = await create_room(bjy)
    content = b"slides" * 1000
    loose = await bjy.request(
        "doc/uploadDoc", files={"attachment": FileUpload(content, filename="a.pptx")}
    )
    assert set(loose) == {"fid", "name"}
    assert isinstance(loose["fid"], int)
    doc = baijiayun_fake.docs[loose["fid"]]
    assert (doc.size, doc.md5) == (len(content), hashlib.md5(content).hexdigest())

    bound = await bjy.request(
        "doc/uploadDoc",
        {"room_id": room_id, "ppt_animation": 1},
        files={"attachment": FileUpload(b"ppt", filename="b.ppt")},
    )
    assert isinstance(bound["bind_id"], int)
    assert baijiayun_fake.docs[bound["fid"]].file_type == "动效PPT"

    binding = await bjy.request(
        "doc/bindDoc", {"room_id": room_id, "fid": loose["fid"]}
    )
    assert binding == {
        "fid": loose["fid"],
        "room_id": str(room_id),
        "bind_id": binding["bind_id"],
    }
    again = await bjy.request("doc/bindDoc", {"room_id": room_id, "fid": loose["fid"]})
    assert again["bind_id"] == binding["bind_id"]
    with pytest.raises(ParameterError):
        await bjy.request("doc/bindDoc", {"room_id": room_id, "fid": 1})

    in_room = await bjy.request("doc/listDoc", {"room_id": room_id})
    assert in_room["room_id"] == str(room_id)
    assert [row["fid"] for row in in_room["list"]] == [loose["fid"], bound["fid"]]
    assert CHINA_TIME.fullmatch(in_room["list"][0]["create_time"])

    baijiayun_fake.add_doc("from-console.pdf", size=5114504)
    everything = await bjy.request("doc/listAllDoc", {"type": "all"})
    assert everything["total"] == 3
    newest = everything["list"][0]
    assert newest["name"] == "from-console.pdf"
    assert newest["upload_source"] == "management"
    assert (newest["size"], type(newest["fid"])) == ("5114504", str)
    api = await bjy.request(
        "doc/listAllDoc", {"type": "api", "page_size": 1, "page": 2}
    )
    assert api["total"] == 2
    assert [row["fid"] for row in api["list"]] == [str(loose["fid"])]

    removed = await bjy.request(
        "doc/removeDoc", {"room_id": room_id, "fid": loose["fid"]}
    )
    assert removed == {"fid": str(loose["fid"])}
    in_room = await bjy.request("doc/listDoc", {"room_id": room_id})
    assert [row["fid"] for row in in_room["list"]] == [bound["fid"]]
    assert loose["fid"] in baijiayun_fake.docs
    with pytest.raises(ParameterError):
        await bjy.request("doc/removeDoc", {"room_id": room_id, "fid": loose["fid"]})


async def test_live_state(bjy: BaijiayunClient, baijiayun_fake: FakeBaijiayun) -> None:
    room_id = await create_room(bjy)
    ask = {"room_id": room_id}
    assert await bjy.request("live/getLiveStatus", ask) == {"status": 0}
    assert await bjy.request("live/getTeacherOnlineStatus", ask) == {"status": 0}
    assert await bjy.request("live/getUserCount", ask) == {
        "user_count": 0,
        "display_user_count": 0,
    }

    baijiayun_fake.set_live(room_id)
    baijiayun_fake.set_teacher_online(room_id)
    baijiayun_fake.set_user_count(room_id, 3, display_user_count=30)
    assert await bjy.request("live/getLiveStatus", ask) == {"status": 1}
    assert await bjy.request("live/getTeacherOnlineStatus", ask) == {"status": 1}
    assert await bjy.request("live/getUserCount", ask) == {
        "user_count": 3,
        "display_user_count": 30,
    }


async def test_reports(bjy: BaijiayunClient, baijiayun_fake: FakeBaijiayun) -> None:
    room_id = await create_room(bjy)
    fake = baijiayun_fake
    today = fake.today()
    sent = NOW - 60
    fake.add_chat(
        room_id, "hello world", user_number=12345, user_name="张三", user_role=1
    )
    fake.add_chat(
        room_id, "old", user_number=123, user_name="李4", time=NOW - 3 * 86400
    )
    question = fake.add_question(room_id, right_options=["B", "D"])
    fake.add_answer(
        room_id, question.question_id, ["B", "D"], user_number=9, user_name="a"
    )
    fake.add_answer(room_id, question.question_id, ["B"], user_number=10, user_name="b")
    for number in range(5):
        fake.add_attendance(
            room_id,
            user_number=number,
            user_name=f"s{number}",
            first_time=sent,
            last_time=NOW,
            actual_listen_time=60,
            client_type=3,
        )
    fake.add_attendance(room_id, user_number=99, user_name="teacher", user_role=1)
    fake.set_room_stats(
        room_id, today, student_count=5, total_user_count=7, peak_user=6
    )

    chat = await bjy.request("room_data/exportChatMsg", {"room_id": room_id})
    assert [row["content"] for row in chat["list"]] == ["hello world", "old"]
    assert chat["list"][0]["user_role"] == 1
    assert CHINA_TIME.fullmatch(chat["list"][0]["time"])
    one_day = await bjy.request(
        "room_data/exportChatMsg", {"room_id": room_id, "date": today}
    )
    assert [row["content"] for row in one_day["list"]] == ["hello world"]

    answers = await bjy.request("room_data/exportAnswerStat", {"room_id": room_id})
    assert answers["total"] == 1
    (row,) = answers["list"]
    assert row["right_option"] == "B,D"
    assert [o["is_right"] for o in row["option_list"]] == [False, True, False, True]
    assert [(a["select_option"], a["is_right"]) for a in row["student_answer"]] == [
        ("B,D", True),
        ("B", False),
    ]

    everyone = await bjy.request("room_data/exportLiveReport", {"room_id": room_id})
    assert everyone["total"] == 5  # students only, all rows at page_size 0
    assert len(everyone["room_user_info"]) == 5
    record = everyone["room_user_info"][0]
    assert record["first_time"] == china(sent)
    assert record["first_heartbeat_time"] == ""
    assert record["date"] == today
    page = await bjy.request(
        "room_data/exportLiveReport",
        {"room_id": room_id, "type": "all", "page": 2, "page_size": 4},
    )
    assert page["total"] == 6
    assert [r["user_number"] for r in page["room_user_info"]] == [4, 99]

    stats = await bjy.request(
        "room_data/getAllRoomUserStat", {"date": today, "product_type": 2}
    )
    assert stats == {
        "room_user_stat": {
            str(room_id): {
                "room_id": str(room_id),
                "student_count": 5,
                "total_user_count": 7,
                "peak_user": 6,
            }
        }
    }


async def test_large_upload_is_streamed(baijiayun_fake: FakeBaijiayun) -> None:
    chunk = bytes(range(256)) * 4096  # 1 MiB
    digest = hashlib.md5(usedforsecurity=False)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(32):
            digest.update(chunk)
            yield chunk

    async with (
        baijiayun_fake.serve() as base_url,
        BaijiayunClient(
            baijiayun_fake.partner_id, baijiayun_fake.partner_key, base_url=base_url
        ) as bjy,
    ):
        data = await bjy.request(
            "doc/uploadDoc",
            files={
                "attachment": FileUpload(
                    chunks(), filename="big.zip", size=32 * len(chunk)
                )
            },
        )
    doc = baijiayun_fake.docs[data["fid"]]
    assert (doc.size, doc.md5, doc.file_type) == (
        32 * len(chunk),
        digest.hexdigest(),
        "H5课件",
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "example.com", "::"])
async def test_serve_refuses_other_hosts(
    baijiayun_fake: FakeBaijiayun, host: str
) -> None:
    with pytest.raises(ValueError, match="loopback"):
        async with baijiayun_fake.serve(host=host):
            pass


async def test_serve_on_localhost(baijiayun_fake: FakeBaijiayun) -> None:
    async with baijiayun_fake.serve(host="localhost") as base_url:
        assert base_url.startswith("http://127.0.0.1:")
