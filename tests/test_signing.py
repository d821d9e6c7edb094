"""The signing rule, against the vendor's golden vector and an independent re-sign."""

from __future__ import annotations

import hashlib

import httpx
import pytest
import respx

from baijiayun_async import BaijiayunClient, sign

from .support import PARTNER_KEY, envelope, sent_form

GOLDEN = {
    "partner_id": "12345678",
    "title": "测试教室",
    "start_time": "1501575608",
    "end_time": "1501579208",
    "type": "2",
    "timestamp": "1501572288",
}


def test_golden_vector() -> None:
    assert sign(GOLDEN, PARTNER_KEY) == "5b78486597c679b0c6256da014af1260"


def test_sign_ignores_a_sign_field_and_key_order() -> None:
    shuffled = dict(reversed(list(GOLDEN.items())))
    assert sign({**shuffled, "sign": "x"}, PARTNER_KEY) == sign(GOLDEN, PARTNER_KEY)


def test_empty_string_is_signed_as_key_equals() -> None:
    expected = hashlib.md5(b"a=&b=1&partner_key=k").hexdigest()
    assert sign({"b": "1", "a": ""}, "k") == expected


def independent_sign(form: dict[str, str], key: str) -> str:
    """Re-derive the signature the way the vendor's PHP sample does."""
    text = "".join(f"{k}={form[k]}&" for k in sorted(form) if k != "sign")
    return hashlib.md5(f"{text}partner_key={key}".encode()).hexdigest()


@pytest.mark.parametrize(
    "value",
    [
        "a&b=c",
        "1+1=2",
        "100% sure",
        "two  spaces ",
        "~tilde/slash/",
        "测试教室 第1课",
        "",
        "%E6%B5%8B",
        "emoji 🎓 and newline\nend",
    ],
)
async def test_sent_and_signed_agree(
    mock_api: respx.MockRouter, client: BaijiayunClient, value: str
) -> None:
    route = mock_api.post("room/update").respond(json=envelope())

    await client.request("room/update", {"room_id": 1, "title": value})

    form = sent_form(route.calls.last.request)
    assert form["title"] == value
    assert form["sign"] == independent_sign(form, PARTNER_KEY)
    assert set(form) == {"room_id", "title", "partner_id", "timestamp", "sign"}


async def test_every_attempt_is_resigned_with_a_fresh_timestamp(
    mock_api: respx.MockRouter, client: BaijiayunClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    stamps = iter(["1700000000", "1700000007"])
    monkeypatch.setattr("baijiayun_async._transport._timestamp", lambda: next(stamps))
    route = mock_api.post("room/info").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=envelope({}))]
    )
    monkeypatch.setattr("baijiayun_async._transport._backoff", lambda _: 0.001)

    await client.request("room/info", {"room_id": 5})

    first, second = (sent_form(call.request) for call in route.calls)
    assert (first["timestamp"], second["timestamp"]) == ("1700000000", "1700000007")
    assert first["sign"] != second["sign"]
    for form in (first, second):
        assert len(form["timestamp"]) == 10
        assert form["sign"] == independent_sign(form, PARTNER_KEY)
