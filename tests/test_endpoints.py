"""Every endpoint, fed the response example the vendor prints for it.

The examples are the document's text with its typographic quotes made straight.
Three needed repairs to be JSON at all: a trailing comma (exportAnswerStat), a
cut ``"msg"`` line (listcode) and a URL cut at the page edge (listAllDoc, whose
full text the document prints as a link below the example).
getAllRoomUserStat's example is missing from the document; its shape is the one
other public copies give.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import time
from contextlib import aclosing

import pytest
import respx

from baijiayun_async import (
    AccountDoc,
    AttendanceRecord,
    BaijiayunClient,
    ChatMessage,
    ClientType,
    CodeInfo,
    CreatedRoom,
    DocBinding,
    Question,
    QuestionOption,
    ResponseValidationError,
    Room,
    RoomDoc,
    RoomType,
    RoomUserStat,
    StudentAnswer,
    StudentCode,
    UploadedDoc,
    UserCount,
    UserRole,
)

from .support import PARTNER_KEY, envelope, sent_form

CST = dt.timezone(dt.timedelta(hours=8))


def at(*fields: int) -> dt.datetime:
    """A China Standard Time wall-clock time."""
    return dt.datetime(*fields, tzinfo=CST)


def answer(mock_api: respx.MockRouter, path: str, body: str) -> respx.Route:
    """Make ``openapi/<path>`` reply with the given JSON text."""
    return mock_api.post(path).respond(
        content=body.encode(), headers={"Content-Type": "application/json"}
    )


async def test_partner_create_key(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = answer(
        mock_api,
        "partner/createkey",
        """{
      "code": 0,
      "data": {
          "partner_key":
"rLkIPaQjxSwRQmC/ITnHh8i2rifmmbFIVsYw03SSi24zAnkrAd0ZNb2rcTzI2avy7+AmNJDdLmzU89zKUAP3Xg=="
      },
      "msg":""
}""",
    )

    key = await client.partner.create_key("e10adc3949ba59abbe56e057f20f883e")

    assert key == PARTNER_KEY
    form = sent_form(route.calls.last.request)
    assert form["secret_key"] == "e10adc3949ba59abbe56e057f20f883e"
    assert form["regenerate"] == "0"


async def test_rooms_create(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = answer(
        mock_api,
        "room/create",
        """{
    "code": 0,
    "data": {
        "room_id": "19080260553901",
        "student_code": "kgqjbf",
        "admin_code": "a7ygsz",
        "teacher_code": "3uhfu5"
    },
    "msg": "",
    "ts": 1564729477
}""",
    )
    start = int(time.time()) + 3600

    room = await client.rooms.create(
        title="test",
        start_time=start,
        end_time=dt.datetime.fromtimestamp(start + 3590, CST),
        max_users=6,
        pre_enter_time=30,
        has_foreign_user=False,
        enable_cloud_record=False,
    )

    assert room == CreatedRoom(
        room_id=19080260553901,
        admin_code="a7ygsz",
        teacher_code="3uhfu5",
        student_code="kgqjbf",
    )
    form = sent_form(route.calls.last.request)
    del form["partner_id"], form["timestamp"], form["sign"]
    assert form == {
        "title": "test",
        "start_time": str(start),
        "end_time": str(start + 3590),
        "type": "4",
        "max_users": "6",
        "pre_enter_time": "30",
        "has_foreign_user": "1",
        "enable_cloud_record": "2",
    }


async def test_rooms_create_sends_images_as_unsigned_file_parts(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("room/create").respond(
        json=envelope(
            {
                "room_id": "19080260553901",
                "student_code": "kgqjbf",
                "admin_code": "a7ygsz",
                "teacher_code": "3uhfu5",
            }
        )
    )
    start = int(time.time()) + 3600

    await client.rooms.create(
        title="test",
        start_time=start,
        end_time=start + 3600,
        max_users=6,
        background_attachment=b"\x89PNG...",
    )

    request = route.calls.last.request
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert b'name="background_attachment"' in request.content
    assert b'name="whiteboard_attachment"' not in request.content


async def test_rooms_update(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = answer(
        mock_api,
        "room/update",
        """{
    "code": 0,
    "data": null,
    "msg": ""
}""",
    )

    result = await client.rooms.update(
        19080260553901, title="新标题", max_users=1, auto_playback_record=True
    )

    assert result is None
    form = sent_form(route.calls.last.request)
    del form["partner_id"], form["timestamp"], form["sign"]
    assert form == {
        "room_id": "19080260553901",
        "title": "新标题",
        "max_users": "1",
        "auto_playback_record": "1",
    }


async def test_rooms_delete(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = answer(
        mock_api,
        "room/delete",
        """{
    "code": 0,
    "data": null,
    "msg": ""
}""",
    )

    assert await client.rooms.delete(19080260553901) is None
    assert sent_form(route.calls.last.request)["room_id"] == "19080260553901"


async def test_rooms_get(mock_api: respx.MockRouter, client: BaijiayunClient) -> None:
    answer(
        mock_api,
        "room/info",
        """{
    "code": 0,
    "data": {
        "room_id": 19080260553901,
        "title": "小班课",
        "start_time": "2019-08-02 15:03:51",
        "end_time": "2029-07-30 15:04:37",
        "type": "4",
        "max_users": "6",
        "admin_code": "a7ygsz",
        "teacher_code": "3uhfu5",
        "max_backup_users": "0"
    },
    "msg": "",
    "ts": 1564729804
}""",
    )

    room = await client.rooms.get(19080260553901)

    assert room == Room(
        room_id=19080260553901,
        title="小班课",
        start_time=at(2019, 8, 2, 15, 3, 51),
        end_time=at(2029, 7, 30, 15, 4, 37),
        type=RoomType.SMALL_CLASS,
        max_users=6,
        admin_code="a7ygsz",
        teacher_code="3uhfu5",
        max_backup_users=0,
    )
    assert room.student_code is None
    assert room.start_time.utcoffset() == dt.timedelta(hours=8)
    assert room.start_time == dt.datetime(2019, 8, 2, 7, 3, 51, tzinfo=dt.timezone.utc)


async def test_codes_create(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = answer(
        mock_api,
        "room/getcode",
        """{
    "code": 0,
    "data": {
        "student_code": "h3h7bk"
    },
    "msg": "",
    "ts": 1564730285
}""",
    )

    code = await client.codes.create(19080260553901, 0)

    assert code == "h3h7bk"
    form = sent_form(route.calls.last.request)
    assert form["room_id"] == "19080260553901"
    assert form["user_number"] == "0"
    assert "user_avatar" not in form


async def test_codes_get(mock_api: respx.MockRouter, client: BaijiayunClient) -> None:
    route = answer(
        mock_api,
        "room/getCodeInfo",
        """{
    "code": 0,
    "data": {
        "exist": true,
        "code_info": {
            "code": "uvrv4c",
            "room_id": 18121196070275,
            "user_number": 960702751,
            "user_role": 1,
            "create_time": "2018-12-11 16:12:32"
        }
    },
    "msg": "",
    "ts": 1545049343
}""",
    )

    info = await client.codes.get("uvrv4c")

    assert info == CodeInfo(
        code="uvrv4c",
        room_id=18121196070275,
        user_number=960702751,
        user_role=UserRole.TEACHER,
        create_time=at(2018, 12, 11, 16, 12, 32),
        user_name=None,
    )
    assert sent_form(route.calls.last.request)["code"] == "uvrv4c"


@pytest.mark.parametrize("code_info", [None, [], {}, ""])
async def test_codes_get_unknown_code_is_none(
    mock_api: respx.MockRouter, client: BaijiayunClient, code_info: object
) -> None:
    mock_api.post("room/getCodeInfo").respond(
        json=envelope({"exist": False, "code_info": code_info})
    )

    assert await client.codes.get("nosuch") is None


async def test_codes_list(mock_api: respx.MockRouter, client: BaijiayunClient) -> None:
    route = answer(
        mock_api,
        "room/listcode",
        """{
    "code": 0,
    "data": {
        "total": 3,
        "list": [
            {
                "code": "kbvt9t",
                "user_number": "11",
                "user_avatar": ""
            },
            {
                "code": "xvxavp",
                "user_number": "10",
                "user_avatar": ""
            },
            {
                "code": "2crrly",
                "user_number": "0",
                "user_avatar": ""
            }
        ]
    },
    "msg": ""
}""",
    )

    codes = [code async for code in client.codes.list(19080260553901)]

    assert codes == [
        StudentCode(code="kbvt9t", user_number=11, user_avatar=None),
        StudentCode(code="xvxavp", user_number=10, user_avatar=None),
        StudentCode(code="2crrly", user_number=0, user_avatar=None),
    ]
    assert route.call_count == 1
    form = sent_form(route.calls.last.request)
    assert (form["room_id"], form["page"], form["limit"]) == (
        "19080260553901",
        "1",
        "100",
    )


async def test_rooms_list(mock_api: respx.MockRouter, client: BaijiayunClient) -> None:
    route = answer(
        mock_api,
        "room/list",
        """{
    "code": 0,
    "data": {
         "total": 2,
        "list": [
            {
                "room_id": "19042372822197",
                "title": "测试",
                "type": "4",
                "max_users": "6",
                "start_time": 1556010780,
                "end_time": 1556012280,
                "create_time": 1556010797,
                "teacher_code": "zu6fca",
                "admin_code": "yk2tm9",
                "student_code": "5e68dn",
                "industry_type": 0
            },
            {
                "room_id": "19042372754597",
                "title": "小班课",
                "type": "4",
                "max_users": "6",
                "start_time": 1556010660,
                "end_time": 1556012160,
                "create_time": 1556010724,
                "teacher_code": "58ah5q",
                "admin_code": "8x29n5",
                "student_code": "w6zkwm",
                "industry_type": 0
            }
        ]
    },
    "msg": "",
    "ts": 1564731576
}""",
    )

    rooms = [room async for room in client.rooms.list(product_type=2)]

    assert rooms == [
        Room(
            room_id=19042372822197,
            title="测试",
            start_time=at(2019, 4, 23, 17, 13, 0),
            end_time=at(2019, 4, 23, 17, 38, 0),
            type=RoomType.SMALL_CLASS,
            max_users=6,
            admin_code="yk2tm9",
            teacher_code="zu6fca",
            max_backup_users=None,
            student_code="5e68dn",
            create_time=at(2019, 4, 23, 17, 13, 17),
            industry_type=0,
        ),
        Room(
            room_id=19042372754597,
            title="小班课",
            start_time=at(2019, 4, 23, 17, 11, 0),
            end_time=at(2019, 4, 23, 17, 36, 0),
            type=RoomType.SMALL_CLASS,
            max_users=6,
            admin_code="8x29n5",
            teacher_code="58ah5q",
            max_backup_users=None,
            student_code="w6zkwm",
            create_time=at(2019, 4, 23, 17, 12, 4),
            industry_type=0,
        ),
    ]
    assert route.call_count == 1
    form = sent_form(route.calls.last.request)
    assert (form["product_type"], form["page"], form["limit"]) == ("2", "1", "100")


async def test_docs_upload(mock_api: respx.MockRouter, client: BaijiayunClient) -> None:
    route = answer(
        mock_api,
        "doc/uploadDoc",
        """{
    "code": 0,
    "data": {
        "fid": 832417,
        "name": "fb05686be68a856fac623f2669f5ef2f.jpeg",
        "bind_id": 123
    },
    "msg": "",
    "ts": 1487649903
}""",
    )

    doc = await client.docs.upload(
        b"\xff\xd8\xff", filename="photo.jpeg", room_id=12345678912345
    )

    assert doc == UploadedDoc(
        fid=832417, name="fb05686be68a856fac623f2669f5ef2f.jpeg", bind_id=123
    )
    body = route.calls.last.request.content
    assert b'name="attachment"; filename="photo.jpeg"' in body
    assert b'name="room_id"\r\n\r\n12345678912345' in body
    assert b'name="ppt_animation"\r\n\r\n0' in body


async def test_docs_upload_names_the_file_after_its_path(
    mock_api: respx.MockRouter, client: BaijiayunClient, tmp_path: pathlib.Path
) -> None:
    route = mock_api.post("doc/uploadDoc").respond(
        json=envelope({"fid": "832417", "name": "slides.pptx"})
    )
    path = tmp_path / "slides.pptx"
    path.write_bytes(b"PK")

    doc = await client.docs.upload(path, ppt_animation=True)

    assert doc == UploadedDoc(fid=832417, name="slides.pptx", bind_id=None)
    body = route.calls.last.request.content
    assert b'filename="slides.pptx"' in body
    assert b'name="ppt_animation"\r\n\r\n1' in body
    assert b'name="room_id"' not in body


async def test_docs_bind(mock_api: respx.MockRouter, client: BaijiayunClient) -> None:
    route = answer(
        mock_api,
        "doc/bindDoc",
        """{
    "code": 0,
    "data": {
        "fid": 832417,
        "room_id": "16062437104161",
        "bind_id": 123
    },
    "msg": "",
    "ts": 1487649903
}""",
    )

    binding = await client.docs.bind(16062437104161, 832417)

    assert binding == DocBinding(fid=832417, room_id=16062437104161, bind_id=123)
    form = sent_form(route.calls.last.request)
    assert (form["room_id"], form["fid"]) == ("16062437104161", "832417")


async def test_docs_room_docs(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    answer(
        mock_api,
        "doc/listDoc",
        """{
    "code": 0,
    "data": {
        "room_id": "17022132908721",
        "list": [
            {
                "fid": 832416,
                "name": "fb05686be68a856fac623f2669f5ef2f.jpeg",
                "create_time": "2017-02-21 12:03:46"
            },
            {
                "fid": 832386,
                "name": "878488c7f153c5efccc9f0308a4baf89.jpg",
                "create_time": "2017-02-21 10:31:58"
            },
            {
                "fid": 832371,
                "name": "百家云API使用文档.pdf",
                "create_time": "2017-02-21 10:31:17"
            }
        ]
    },
    "msg": "",
    "ts": 1487656394
}""",
    )

    docs = await client.docs.room_docs(17022132908721)

    assert docs == [
        RoomDoc(
            fid=832416,
            name="fb05686be68a856fac623f2669f5ef2f.jpeg",
            create_time=at(2017, 2, 21, 12, 3, 46),
        ),
        RoomDoc(
            fid=832386,
            name="878488c7f153c5efccc9f0308a4baf89.jpg",
            create_time=at(2017, 2, 21, 10, 31, 58),
        ),
        RoomDoc(
            fid=832371,
            name="百家云API使用文档.pdf",
            create_time=at(2017, 2, 21, 10, 31, 17),
        ),
    ]


DOC_URL = (
    "https://img.baijiayun.com/baijiacloud/121639174_crbk02ga.jpg?"
    "response-content-disposition=attachment%3Bfilename%3Daudi.jpg"
    "&OSSAccessKeyId=LTAIhLNRL0kGmqto&Expires=1609400176"
    "&Signature=7QPEnP%2FQKlcnoCL6%2FhyXDuLlu4o%3D"
)


async def test_docs_list(mock_api: respx.MockRouter, client: BaijiayunClient) -> None:
    route = answer(
        mock_api,
        "doc/listAllDoc",
        """{
    "code": 0,
    "data": {
        "total": 235,
        "list": [
            {
               "fid": "121639174",
                "name": "audi.jpg",
                "create_time": "2020-12-12 18:27:53",
                "upload_source": "room",
                "url": "<the URL>",
                "file_type": "普通文件",
                "size": "5114504"
            }
        ]
    },
    "msg": "",
    "ts": 1493695441
}""".replace("<the URL>", DOC_URL),
    )

    async with aclosing(client.docs.list(source="room").pages()) as pages:
        page = await anext(pages)

    assert page.page == 1
    assert page.total == 235
    assert page.items == (
        AccountDoc(
            fid=121639174,
            name="audi.jpg",
            create_time=at(2020, 12, 12, 18, 27, 53),
            upload_source="room",
            url=DOC_URL,
            file_type="普通文件",
            size=5114504,
        ),
    )
    form = sent_form(route.calls.last.request)
    assert (form["type"], form["page"], form["page_size"]) == ("room", "1", "10")


async def test_docs_remove(mock_api: respx.MockRouter, client: BaijiayunClient) -> None:
    route = answer(
        mock_api,
        "doc/removeDoc",
        """{
    "code": 0,
    "data": {
        "fid": "832418"
    },
    "msg": "",
    "ts": 1487650268
}""",
    )

    assert await client.docs.remove(17022132908721, 832418) is None
    assert sent_form(route.calls.last.request)["fid"] == "832418"


async def test_live_is_live(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    answer(
        mock_api,
        "live/getLiveStatus",
        """{
    "code": 0,
    "data": {
        "status": 1
    },
    "msg": "",
    "ts": 1564731878
}""",
    )

    assert await client.live.is_live(19080260553901) is True


async def test_live_is_teacher_online(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    answer(
        mock_api,
        "live/getTeacherOnlineStatus",
        """{
    "code": 0,
    "data": {
        "status": 0
    },
    "msg": "",
    "ts": 1564731918
}""",
    )

    assert await client.live.is_teacher_online(19080260553901) is False


async def test_live_user_count(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    answer(
        mock_api,
        "live/getUserCount",
        """{
    "code": 0,
    "data": {
        "user_count": 2,
        "display_user_count":2
    },
    "msg": "",
    "ts": 1564731947
}""",
    )

    count = await client.live.user_count(19080260553901)

    assert count == UserCount(user_count=2, display_user_count=2)


async def test_reports_answers(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = answer(
        mock_api,
        "room_data/exportAnswerStat",
        """{
    "code": 0,
    "data": {
        "list": [
            {
                "question_id": 1692,
                "description": "",
                "right_option": "B",
                "option_list": [
                    {
                        "option": "A",
                        "is_right": false
                    },
                    {
                        "option": "B",
                        "is_right": true
                    },
                    {
                        "option": "C",
                        "is_right": false
                    },
                    {
                        "option": "D",
                        "is_right": false
                    }
                ],
                "student_answer": [
                    {
                        "user_number": 9471984677,
                        "user_name": "分组1学员",
                        "question_id": 1692,
                        "select_option": "B",
                        "is_right": true
                    }
                ]
            },
            {
                "question_id": 1693,
                "description": "",
                "right_option": "B,D",
                "option_list": [
                    {
                        "option": "A",
                        "is_right": false
                    },
                    {
                        "option": "B",
                        "is_right": true
                    },
                    {
                        "option": "C",
                        "is_right": false
                    },
                    {
                        "option": "D",
                        "is_right": true
                    }
                ],
                "student_answer": [
                    {
                        "user_number": 9471984677,
                        "user_name": "分组1学员",
                        "question_id": 1693,
                        "select_option": "B,D",
                        "is_right": true
                    }
                ]
            }
        ],
        "total": 5
    },
    "msg": "",
    "ts": 1560138856
}""",
    )

    questions = await client.reports.answers(19080260553901, date=dt.date(2019, 6, 10))

    def options(*right: str) -> tuple[QuestionOption, ...]:
        return tuple(QuestionOption(option=o, is_right=o in right) for o in "ABCD")

    def student(question_id: int, chosen: str) -> tuple[StudentAnswer, ...]:
        return (
            StudentAnswer(
                user_number=9471984677,
                user_name="分组1学员",
                question_id=question_id,
                select_option=chosen,
                is_right=True,
            ),
        )

    assert questions == [
        Question(
            question_id=1692,
            description=None,
            right_option="B",
            option_list=options("B"),
            student_answer=student(1692, "B"),
        ),
        Question(
            question_id=1693,
            description=None,
            right_option="B,D",
            option_list=options("B", "D"),
            student_answer=student(1693, "B,D"),
        ),
    ]
    assert sent_form(route.calls.last.request)["date"] == "2019-06-10"


async def test_reports_chat(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = answer(
        mock_api,
        "room_data/exportChatMsg",
        """{
    "code": 0,
    "data": {
        "list": [
            {
                "time": "2017-04-21 15:15:01",
                "user_number": 12345,
                "user_role": 1,
                "user_name": "张三",
                "content": "hello world"
            },
            {
                "time": "2017-04-21 15:15:39",
                "user_number": 123,
                "user_role": 0,
                "user_name": "李4",
                "content": "[wx]"
            },
            {
                "time": "2017-04-21 15:40:28",
                "user_number": 123,
                "user_role": 0,
                "user_name": "李4",
                "content": "aaa"
            }
        ]
    },
    "msg": "",
    "ts": 1492765634
}""",
    )

    messages = await client.reports.chat(17042132908721)

    assert messages == [
        ChatMessage(
            time=at(2017, 4, 21, 15, 15, 1),
            user_number=12345,
            user_role=UserRole.TEACHER,
            user_name="张三",
            content="hello world",
        ),
        ChatMessage(
            time=at(2017, 4, 21, 15, 15, 39),
            user_number=123,
            user_role=UserRole.STUDENT,
            user_name="李4",
            content="[wx]",
        ),
        ChatMessage(
            time=at(2017, 4, 21, 15, 40, 28),
            user_number=123,
            user_role=UserRole.STUDENT,
            user_name="李4",
            content="aaa",
        ),
    ]
    assert "date" not in sent_form(route.calls.last.request)


async def test_reports_attendance(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = answer(
        mock_api,
        "room_data/exportLiveReport",
        """{
    "code": 0,
    "data": {
        "total": 2,
        "room_user_info": [
            {
                "date": "2018-03-02",
                "user_number": 151134006392569,
                "user_name": "iOS",
                "user_role": 0,
                "first_time": "2017-11-23 11:47:09",
                "last_time": "2017-11-23 11:47:15",
                "first_heartbeat_time": "",
                "last_heartbeat_time": "",
                "actual_listen_time": 0,
                "user_ip": "61.50.136.186",
                "network_operator": "联通",
                "client_type": 3,
                "area": "北京",
                "city": "北京",
                "group_id": 1
            },
            {
                "date": "2018-03-02",
                "user_number": 91170602,
                "user_name": "晨晨",
                "user_role": 1,
                "first_time": "2017-11-23 11:48:07",
                "last_time": "2017-11-23 13:35:42",
                "first_heartbeat_time": "",
                "last_heartbeat_time": "",
                "actual_listen_time": 0,
                "user_ip": "61.50.136.186",
                "network_operator": "联通",
                "client_type": 1,
                "area": "北京",
                "city": "北京",
                "group_id": 2
            }
        ]
    },
    "msg": "",
    "ts": 1511427372
}""",
    )

    records = [
        record
        async for record in client.reports.attendance(
            17112332908721, user_type="all", date="2018-03-02"
        )
    ]

    common = {
        "date": dt.date(2018, 3, 2),
        "first_heartbeat_time": None,
        "last_heartbeat_time": None,
        "actual_listen_time": 0,
        "user_ip": "61.50.136.186",
        "network_operator": "联通",
        "area": "北京",
        "city": "北京",
    }
    assert records == [
        AttendanceRecord(
            user_number=151134006392569,
            user_name="iOS",
            user_role=UserRole.STUDENT,
            first_time=at(2017, 11, 23, 11, 47, 9),
            last_time=at(2017, 11, 23, 11, 47, 15),
            client_type=ClientType.IOS,
            group_id=1,
            **common,
        ),
        AttendanceRecord(
            user_number=91170602,
            user_name="晨晨",
            user_role=UserRole.TEACHER,
            first_time=at(2017, 11, 23, 11, 48, 7),
            last_time=at(2017, 11, 23, 13, 35, 42),
            client_type=ClientType.PC_CLIENT,
            group_id=2,
            **common,
        ),
    ]
    assert route.call_count == 1
    form = sent_form(route.calls.last.request)
    del form["partner_id"], form["timestamp"], form["sign"]
    assert form == {
        "room_id": "17112332908721",
        "date": "2018-03-02",
        "type": "all",
        "page": "1",
        "page_size": "100",
    }


async def test_reports_attendance_detail_is_sent_only_when_asked(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("room_data/exportLiveReport").respond(
        json=envelope({"total": 0, "room_user_info": []})
    )

    assert [r async for r in client.reports.attendance(1, detail=True)] == []

    assert sent_form(route.calls.last.request)["detail"] == "1"


async def test_reports_room_user_stats(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("room_data/getAllRoomUserStat").respond(
        json=envelope(
            {
                "room_user_stat": {
                    "17112332908721": {
                        "room_id": "17112332908721",
                        "student_count": "12",
                        "total_user_count": 14,
                        "peak_user": "9",
                    },
                    "17112332908722": {
                        "room_id": 17112332908722,
                        "student_count": 0,
                        "total_user_count": 1,
                        "peak_user": 1,
                    },
                }
            }
        )
    )

    stats = await client.reports.room_user_stats(dt.date(2017, 11, 23))

    assert stats == [
        RoomUserStat(
            room_id=17112332908721, student_count=12, total_user_count=14, peak_user=9
        ),
        RoomUserStat(
            room_id=17112332908722, student_count=0, total_user_count=1, peak_user=1
        ),
    ]
    form = sent_form(route.calls.last.request)
    assert (form["date"], form["product_type"]) == ("2017-11-23", "2")


async def test_reports_room_user_stats_empty_day_as_php_array(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    mock_api.post("room_data/getAllRoomUserStat").respond(
        json=envelope({"room_user_stat": []})
    )

    assert await client.reports.room_user_stats("2017-11-23") == []


async def test_body_that_does_not_fit_names_the_endpoint_and_every_field(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    mock_api.post("room/listcode").respond(
        json=envelope(
            {
                "total": 4,
                "list": [
                    {"code": "kbvt9t", "user_number": "11"},
                    {"code": None, "user_number": "10"},
                    {"code": "2crrly", "user_number": [0]},
                    {"code": "x", "user_number": "eleven"},
                ],
            }
        )
    )

    with pytest.raises(ResponseValidationError) as caught:
        _ = [code async for code in client.codes.list(1)]

    assert caught.value.path == "room/listcode"
    assert caught.value.fields == (
        "list[1].code",
        "list[2].user_number",
        "list[3].user_number",
    )
    assert "room/listcode" in str(caught.value)
    assert "list[3].user_number" in str(caught.value)


async def test_extra_params_are_sent_and_signed(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("room/info").respond(
        json=envelope(
            {
                "room_id": 1,
                "title": "t",
                "start_time": 0,
                "end_time": 1,
                "type": 4,
                "max_users": 6,
                "admin_code": "",
                "teacher_code": "",
            }
        )
    )

    await client.rooms.get(1, extra_params={"with_playback": 1})

    assert sent_form(route.calls.last.request)["with_playback"] == "1"
