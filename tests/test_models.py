"""The converter: loose wire types in, normalised models out, or a precise error."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from baijiayun_async import (
    AttendanceRecord,
    ClientType,
    CodeInfo,
    ResponseValidationError,
    Room,
    RoomType,
    StudentCode,
    UserCount,
    UserRole,
)
from baijiayun_async._converter import CHINA_STANDARD_TIME, structure
from baijiayun_async._models import (
    CodeFoundBody,
    ListingBody,
    RoomUserStatsBody,
    StatusBody,
)

ROOM = {
    "room_id": "19080260553901",
    "title": "小班课",
    "start_time": "2019-08-02 15:03:51",
    "end_time": 1880089477,
    "type": 4,
    "max_users": "6",
    "admin_code": "a7ygsz",
    "teacher_code": "3uhfu5",
}

RECORD = {
    "date": "2018-03-02",
    "user_number": "91170602",
    "user_name": "晨晨",
    "user_role": "1",
    "first_time": "2017-11-23 11:48:07",
    "last_time": "2017-11-23 13:35:42",
    "first_heartbeat_time": "",
    "last_heartbeat_time": None,
    "actual_listen_time": "0",
    "user_ip": "61.50.136.186",
    "area": "",
    "city": "北京",
    "network_operator": "联通",
    "group_id": "2",
    "client_type": "6",
}


def fields_of(data: object, model: Any) -> tuple[str, ...]:
    """Return the field paths a body's ResponseValidationError names."""
    with pytest.raises(ResponseValidationError) as caught:
        structure(data, model, "some/path")
    assert caught.value.path == "some/path"
    return caught.value.fields


@pytest.mark.parametrize("raw", [6, "6"])
def test_counts_arrive_as_numbers_or_strings(raw: object) -> None:
    count = structure({"user_count": raw, "display_user_count": raw}, UserCount, "p")

    assert count == UserCount(user_count=6, display_user_count=6)


@pytest.mark.parametrize("raw", [True, 6.0, "6.5", "", " 6", "六", None, [6], {}])
def test_a_count_that_is_not_an_integer_is_refused(raw: object) -> None:
    body = {"user_count": raw, "display_user_count": 1}

    assert fields_of(body, UserCount) == ("user_count",)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("1", True),
        ("0", False),
        ("true", True),
        ("false", False),
    ],
)
def test_flags_arrive_in_every_spelling(raw: object, expected: bool) -> None:
    assert structure({"status": raw}, StatusBody, "p").status is expected


@pytest.mark.parametrize("raw", [2, -1, "2", "yes", "False", "", None, 1.0, []])
def test_a_flag_that_is_not_one_of_those_spellings_is_refused(raw: object) -> None:
    assert fields_of({"status": raw}, StatusBody) == ("status",)


def test_datetime_strings_are_china_standard_time_and_unix_ints_are_instants() -> None:
    room = structure(ROOM, Room, "room/info")

    assert room.start_time == dt.datetime(
        2019, 8, 2, 15, 3, 51, tzinfo=CHINA_STANDARD_TIME
    )
    assert room.start_time.utcoffset() == dt.timedelta(hours=8)
    assert room.end_time == dt.datetime(2029, 7, 30, 7, 4, 37, tzinfo=dt.timezone.utc)
    assert room.end_time.tzinfo is not None


@pytest.mark.parametrize(
    "raw", ["2019-08-02", "2019/08/02 15:03:51", "2019-13-02 15:03:51", "", True, 1.5]
)
def test_a_time_in_another_format_is_refused(raw: object) -> None:
    assert fields_of({**ROOM, "start_time": raw}, Room) == ("start_time",)


def test_ids_numbers_and_enums_are_normalised() -> None:
    room = structure(ROOM, Room, "room/info")

    assert room.room_id == 19080260553901
    assert room.max_users == 6
    assert room.type is RoomType.SMALL_CLASS


def test_unknown_enum_values_are_kept_as_plain_ints() -> None:
    room = structure({**ROOM, "type": "2"}, Room, "room/list")
    record = structure(
        {**RECORD, "user_role": 3, "client_type": "9"}, AttendanceRecord, "p"
    )

    assert room.type == 2
    assert not isinstance(room.type, RoomType)
    assert (record.user_role, record.client_type) == (3, 9)
    assert not isinstance(record.user_role, UserRole)


def test_an_enum_field_still_needs_an_integer() -> None:
    assert fields_of({**ROOM, "type": "small"}, Room) == ("type",)


def test_empty_strings_and_nulls_mean_no_value() -> None:
    record = structure(RECORD, AttendanceRecord, "p")

    assert record.first_heartbeat_time is None
    assert record.last_heartbeat_time is None
    assert record.area is None
    assert record.date == dt.date(2018, 3, 2)
    assert record.client_type is ClientType.WECHAT_MINI_PROGRAM
    assert record.group_id == 2


def test_optional_fields_may_be_missing_and_unknown_fields_are_ignored() -> None:
    room = structure({**ROOM, "brand_new_field": [1, 2]}, Room, "room/info")

    assert room.student_code is None
    assert room.create_time is None
    assert not hasattr(room, "brand_new_field")


def test_a_missing_required_field_is_named() -> None:
    body = {key: value for key, value in ROOM.items() if key != "title"}

    assert fields_of(body, Room) == ("title",)


@pytest.mark.parametrize("raw", [None, ["小班课"], {"zh": "小班课"}, True])
def test_a_string_field_never_takes_null_a_list_or_an_object(raw: object) -> None:
    assert fields_of({**ROOM, "title": raw}, Room) == ("title",)


def test_a_numeric_string_field_is_read_as_its_decimal_text() -> None:
    room = structure({**ROOM, "title": 2024}, Room, "room/info")

    assert room.title == "2024"


def test_every_offending_field_path_is_listed() -> None:
    body = {
        "total": "three",
        "list": [
            {"code": "kbvt9t", "user_number": "11"},
            {"code": "xvxavp", "user_number": None, "user_avatar": []},
            "not an object",
            {"user_number": "x"},
        ],
    }

    assert fields_of(body, ListingBody[StudentCode]) == (
        "total",
        "list[1].user_number",
        "list[1].user_avatar",
        "list[2]",
        "list[3].code",
        "list[3].user_number",
    )


def test_nested_objects_report_their_full_path() -> None:
    body = {"code_info": {**ROOM, "code": "x", "user_number": 1}}

    assert fields_of(body, CodeFoundBody) == (
        "code_info.user_role",
        "code_info.create_time",
    )


@pytest.mark.parametrize("data", [None, [], "", 0, "ok"])
def test_a_body_that_is_not_an_object_is_named_as_data(data: object) -> None:
    assert fields_of(data, UserCount) == ("data",)


def test_a_string_is_not_a_list_of_items() -> None:
    assert fields_of({"total": 1, "list": "abc"}, ListingBody[StudentCode]) == ("list",)


def test_an_object_keyed_by_room_id_accepts_php_empty_array() -> None:
    assert (
        structure({"room_user_stat": []}, RoomUserStatsBody, "p").room_user_stat == {}
    )


def test_bad_values_in_an_object_keyed_by_room_id_are_named_by_key() -> None:
    body = {
        "room_user_stat": {
            "17112332908721": {
                "room_id": 1,
                "student_count": "many",
                "total_user_count": 1,
                "peak_user": 1,
            }
        }
    }

    assert fields_of(body, RoomUserStatsBody) == (
        "room_user_stat[17112332908721].student_count",
    )


def test_the_error_message_never_repeats_the_values() -> None:
    with pytest.raises(ResponseValidationError) as caught:
        structure({**ROOM, "title": ["secret-title"]}, Room, "room/info")

    assert "secret-title" not in str(caught.value)
    assert str(caught.value).startswith("room/info:")
    assert caught.value.__cause__ is None


def test_models_are_immutable_and_hashable() -> None:
    info = CodeInfo(
        code="uvrv4c",
        room_id=1,
        user_number=2,
        user_role=UserRole.TEACHER,
        create_time=dt.datetime(2018, 12, 11, 16, 12, 32, tzinfo=CHINA_STANDARD_TIME),
    )

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        info.code = "other"  # type: ignore[misc]
    assert hash(info) == hash(attrs.evolve(info))
    assert not hasattr(info, "__dict__")
