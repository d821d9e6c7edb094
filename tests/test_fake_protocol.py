"""The fake's wire protocol, spoken with plain httpx: decoding, auth, the envelope."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from baijiayun_async import sign
from baijiayun_async.testing import FakeBaijiayun
from baijiayun_async.testing._transport import FakeTransport

PARTNER_ID = 20240001
PARTNER_KEY = "key/with+odd=chars&more"


@pytest.fixture
def fake() -> FakeBaijiayun:
    return FakeBaijiayun(partner_id=PARTNER_ID, partner_key=PARTNER_KEY)


@pytest.fixture
async def http(fake: FakeBaijiayun) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=FakeTransport(fake), base_url="http://127.0.0.1/openapi/"
    ) as client:
        yield client


def signed(key: str = PARTNER_KEY, **fields: object) -> dict[str, str]:
    form = {
        "partner_id": str(PARTNER_ID),
        "timestamp": str(int(time.time())),
        **{name: str(value) for name, value in fields.items()},
    }
    form["sign"] = sign(form, key)
    return form


async def call(
    http: httpx.AsyncClient, path: str, form: dict[str, str], **kwargs: Any
) -> Any:
    response = await http.post(path, data=form, **kwargs)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "msg", "data", "ts"}
    assert isinstance(body["ts"], int)
    return body


async def test_success_envelope(http: httpx.AsyncClient, fake: FakeBaijiayun) -> None:
    room = fake.add_room()
    body = await call(http, "live/getLiveStatus", signed(room_id=room.room_id))
    assert body["code"] == 0
    assert body["msg"] == ""
    assert body["data"] == {"status": 0}


async def test_wrong_key_is_a_signature_error(
    http: httpx.AsyncClient, fake: FakeBaijiayun
) -> None:
    room = fake.add_room()
    body = await call(http, "room/info", signed("not-the-key", room_id=room.room_id))
    assert (body["code"], body["data"]) == (1002, None)


async def test_tampered_field_is_a_signature_error(
    http: httpx.AsyncClient, fake: FakeBaijiayun
) -> None:
    room = fake.add_room()
    form = signed(room_id=room.room_id, user_number=7)
    form["user_number"] = "8"
    assert (await call(http, "room/getcode", form))["code"] == 1002


async def test_added_field_is_a_signature_error(
    http: httpx.AsyncClient, fake: FakeBaijiayun
) -> None:
    room = fake.add_room()
    form = {**signed(room_id=room.room_id), "extra": "1"}
    assert (await call(http, "room/info", form))["code"] == 1002


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"partner_id": None}, 1001),
        ({"partner_id": "99999999"}, 2001),
        ({"timestamp": None}, 1001),
        ({"timestamp": "1501572288000"}, 1001),  # milliseconds
        ({"timestamp": "15015722"}, 1001),
        ({"sign": None}, 1001),
    ],
)
async def test_account_and_timestamp_are_checked(
    http: httpx.AsyncClient,
    fake: FakeBaijiayun,
    change: dict[str, str | None],
    code: int,
) -> None:
    room = fake.add_room()
    form: dict[str, str] = {"partner_id": str(PARTNER_ID), "room_id": str(room.room_id)}
    form["timestamp"] = str(int(time.time()))
    for name, value in change.items():
        if value is None:
            form.pop(name, None)
        else:
            form[name] = value
    if "sign" not in change:
        form["sign"] = sign(form, PARTNER_KEY)
    assert (await call(http, "room/info", form))["code"] == code


async def test_values_are_signed_raw_and_sent_encoded(
    http: httpx.AsyncClient, fake: FakeBaijiayun
) -> None:
    now = int(time.time())
    title = "测试 a&b=c+d%20 ~/"
    form = signed(
        title=title, start_time=now + 60, end_time=now + 3660, type=4, max_users=6
    )
    body = await call(http, "room/create", form)
    assert body["code"] == 0
    room_id = int(body["data"]["room_id"])
    assert fake.rooms[room_id].title == title


async def test_multipart_fields_are_signed_and_files_are_not(
    http: httpx.AsyncClient, fake: FakeBaijiayun
) -> None:
    room = fake.add_room()
    form = signed(room_id=room.room_id, ppt_animation=0)
    content = b"%PDF-1.4 fake" * 1000
    body = await call(
        http, "doc/uploadDoc", form, files={"attachment": ("讲义.pdf", content)}
    )
    assert body["code"] == 0, body
    data = body["data"]
    assert data == {"fid": data["fid"], "name": "讲义.pdf", "bind_id": data["bind_id"]}
    doc = fake.docs[data["fid"]]
    assert doc.size == len(content)
    assert doc.upload_source == "api"


async def test_get_reads_the_query_string(
    http: httpx.AsyncClient, fake: FakeBaijiayun
) -> None:
    room = fake.add_room()
    fake.set_live(room.room_id)
    response = await http.get("live/getLiveStatus", params=signed(room_id=room.room_id))
    assert response.json()["data"] == {"status": 1}


async def test_unknown_path_answers_code_404(http: httpx.AsyncClient) -> None:
    body = await call(http, "room/nothing", signed())
    assert body["code"] == 404


async def test_undecodable_body_is_a_parameter_error(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "room/list",
        content=b"partner_id=\xff\xfe",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.json()["code"] == 1001
    response = await http.post(
        "room/list", content=b"{}", headers={"content-type": "application/json"}
    )
    assert response.json()["code"] == 1001


async def test_request_log_keeps_fields_without_sign(
    http: httpx.AsyncClient, fake: FakeBaijiayun
) -> None:
    await call(http, "room/list", signed(page=2))
    (logged,) = fake.requests
    assert logged.path == "room/list"
    assert logged.params["page"] == "2"
    assert "sign" not in logged.params
    assert fake.calls("/openapi/room/list") == [logged.params]


async def test_partner_key_rotation(
    http: httpx.AsyncClient, fake: FakeBaijiayun
) -> None:
    body = await call(http, "partner/createkey", signed(secret_key="wrong"))
    assert body["code"] == 1001

    body = await call(http, "partner/createkey", signed(secret_key="fake-secret-key"))
    assert body["data"] == {"partner_key": PARTNER_KEY}

    form = signed(secret_key="fake-secret-key", regenerate=1)
    new_key = (await call(http, "partner/createkey", form))["data"]["partner_key"]
    assert new_key != PARTNER_KEY
    assert fake.partner_key == new_key
    assert (await call(http, "room/list", signed()))["code"] == 1002
    assert (await call(http, "room/list", signed(new_key)))["code"] == 0
