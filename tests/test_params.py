"""Rendering of parameter values into the strings that are signed and sent."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import pytest
import respx

from baijiayun_async import BaijiayunClient, InvalidArgumentError
from baijiayun_async._params import render

CST = dt.timezone(dt.timedelta(hours=8))


class Color(enum.IntEnum):
    RED = 4


class Source(str, enum.Enum):
    ROOM = "room"


def test_renders_each_supported_type() -> None:
    rendered = render(
        {
            "n": 42,
            "yes": True,
            "no": False,
            "text": "测试",
            "empty": "",
            "day": dt.date(2024, 3, 2),
            "at": dt.datetime(2017, 8, 1, 16, 20, 8, 999, tzinfo=CST),
            "kind": Color.RED,
            "source": Source.ROOM,
            "skipped": None,
        }
    )
    assert rendered == {
        "n": "42",
        "yes": "1",
        "no": "0",
        "text": "测试",
        "empty": "",
        "day": "2024-03-02",
        "at": "1501575608",
        "kind": "4",
        "source": "room",
    }


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        (1.5, "float"),
        (Decimal("1"), "Decimal"),
        ([1], "list"),
        ({"a": 1}, "dict"),
        (b"x", "bytes"),
    ],
)
def test_refuses_values_without_a_wire_meaning(value: object, type_name: str) -> None:
    with pytest.raises(InvalidArgumentError, match=f"'price' has type {type_name}"):
        render({"price": value})


def test_refuses_naive_datetime() -> None:
    with pytest.raises(InvalidArgumentError, match="'start_time' is a naive datetime"):
        render({"start_time": dt.datetime(2024, 1, 1, 8)})


def test_refuses_unencodable_text() -> None:
    with pytest.raises(InvalidArgumentError, match="'title' must be UTF-8 text"):
        render({"title": "bad \ud800 surrogate"})


@pytest.mark.parametrize("name", ["partner_id", "timestamp", "sign", "partner_key"])
def test_refuses_reserved_names(name: str) -> None:
    with pytest.raises(InvalidArgumentError, match="set by the client itself"):
        render({name: "1"})


@pytest.mark.parametrize("name", ["a&b", "a=b", "", "1abc", "a b"])
def test_refuses_names_that_would_break_the_signed_string(name: str) -> None:
    with pytest.raises(InvalidArgumentError, match="parameter name"):
        render({name: "1"})


async def test_bad_value_sends_nothing(
    mock_api: respx.MockRouter, client: BaijiayunClient
) -> None:
    route = mock_api.post("room/info")
    with pytest.raises(InvalidArgumentError):
        await client.request("room/info", {"room_id": 1.0})
    assert not route.called
