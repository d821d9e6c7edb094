"""Verifying the signed class events the service posts to an account."""

from __future__ import annotations

import time

import pytest

from baijiayun_async import (
    BaijiayunClient,
    InvalidArgumentError,
    sign,
    verify_callback,
)

KEY = "callback-partner-key"


def signed(**fields: str) -> dict[str, str]:
    """A callback as the service would post it, stamped now unless told."""
    body = {
        "room_id": "19080260553901",
        "op": "class_start",
        "op_time": "1564729477",
        "qid": "a1b2",
        "timestamp": str(int(time.time())),
        **fields,
    }
    return {**body, "sign": sign(body, KEY)}


def test_valid_callback() -> None:
    assert verify_callback(signed(), KEY)


def test_cjk_and_reserved_characters() -> None:
    assert verify_callback(signed(user_name="张 三&x=1+%"), KEY)


@pytest.mark.parametrize("field", ["room_id", "op", "timestamp", "qid"])
def test_tampered_field_is_refused(field: str) -> None:
    fields = signed()
    fields[field] = fields[field] + "1"
    assert not verify_callback(fields, KEY)


def test_added_field_is_refused() -> None:
    assert not verify_callback({**signed(), "extra": "1"}, KEY)


def test_wrong_key_is_refused() -> None:
    assert not verify_callback(signed(), KEY + "x")


@pytest.mark.parametrize("age", [301, 86400, -301])
def test_stale_or_future_callback_is_refused(age: int) -> None:
    fields = signed(timestamp=str(int(time.time()) - age))
    assert not verify_callback(fields, KEY)


def test_max_age_is_configurable() -> None:
    fields = signed(timestamp=str(int(time.time()) - 1000))
    assert verify_callback(fields, KEY, max_age=3600)
    assert not verify_callback(fields, KEY, max_age=60)


def test_uppercase_sign_is_refused() -> None:
    fields = signed()
    assert not verify_callback({**fields, "sign": fields["sign"].upper()}, KEY)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"sign": "x"},
        {"timestamp": "1"},
        {"timestamp": "soon", "sign": "0" * 32},
        {"timestamp": "\uff11\uff12\uff13", "sign": "0" * 32},
        {"timestamp": "-5", "sign": "0" * 32},
        {"timestamp": "9" * 400, "sign": "0" * 32},
        {"timestamp": str(int(time.time())), "sign": "签名"},
        {"timestamp": str(int(time.time())), "sign": "\ud800"},
        {"timestamp": str(int(time.time())), "sign": "0" * 32, "x": "\udc80"},
        {"timestamp": 123, "sign": "0" * 32},
        {"timestamp": str(int(time.time())), "sign": None},
        {1: "a", "timestamp": "1", "sign": "x"},
        [("timestamp", "1")],
        None,
        "timestamp=1&sign=x",
    ],
)
def test_malformed_input_is_refused_without_raising(fields: object) -> None:
    assert not verify_callback(fields, KEY)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("key", "max_age"), [("", 300), (None, 300), (KEY, -1), (KEY, float("nan"))]
)
def test_caller_mistakes_raise(key: object, max_age: float) -> None:
    with pytest.raises(InvalidArgumentError):
        verify_callback(signed(), key, max_age=max_age)  # type: ignore[arg-type]


def test_client_verifies_with_its_own_key() -> None:
    bjy = BaijiayunClient(1, KEY, "demo123")
    assert bjy.verify_callback(signed())
    assert not BaijiayunClient(1, KEY + "x", "demo123").verify_callback(signed())
