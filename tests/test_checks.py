"""Arguments the service would reject, cut or misread are refused before sending."""

from __future__ import annotations

import datetime as dt
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import respx

from baijiayun_async import BaijiayunClient, InvalidArgumentError, RoomType
from baijiayun_async._namespaces import Partner, Rooms

from .support import envelope, sent_form

HOUR = 3600
NOW = int(time.time())
CREATED = {
    "room_id": "19080260553901",
    "student_code": "kgqjbf",
    "admin_code": "a7ygsz",
    "teacher_code": "3uhfu5",
}


@pytest.fixture
def wire(mock_api: respx.MockRouter) -> respx.Route:
    """Answer every call, so a test can tell whether anything was sent."""
    return mock_api.route().respond(json=envelope(CREATED))


def create_args(**changes: Any) -> dict[str, Any]:
    """Valid arguments for rooms.create, with some changed."""
    return {
        "title": "英语语法在线",
        "start_time": NOW + HOUR,
        "end_time": NOW + 2 * HOUR,
        "max_users": 6,
    } | changes


async def refused(
    wire: respx.Route, call: Callable[[], Awaitable[object]], match: str
) -> None:
    """Assert that the call raises InvalidArgumentError and sends nothing."""
    with pytest.raises(InvalidArgumentError, match=match):
        await call()
    assert not wire.called


async def test_valid_arguments_are_sent(
    wire: respx.Route, client: BaijiayunClient
) -> None:
    await client.rooms.create(**create_args(title="x" * 50))

    assert wire.called


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"title": "x" * 51}, "title has 51 characters"),
        ({"title": None}, "title must be a string"),
        (
            {"max_users": 1},
            r"max_users \(small class\) must be an integer from 2 to 12",
        ),
        ({"max_users": 13}, r"max_users \(small class\)"),
        ({"max_users": True}, r"max_users \(small class\)"),
        ({"max_users": 2, "type": RoomType.BASIC_ONE_ON_ONE}, "one-on-one"),
        ({"max_users": 2, "type": 6}, "one-on-one"),
        ({"max_users": 13, "type": 5}, "max_users must be an integer from 1 to 12"),
        ({"max_backup_users": 301}, "max_backup_users must be an integer from 0"),
        ({"max_backup_users": -1}, "max_backup_users"),
        ({"end_delay_time": 7201}, "end_delay_time must be an integer from 0 to 7200"),
        ({"end_delay_time": -1}, "end_delay_time"),
        ({"pre_enter_time": -1}, "pre_enter_time"),
        ({"template_type": 2}, "template_type must be one of 1, 3"),
        ({"end_time": NOW + HOUR}, "start_time must be before end_time"),
        ({"end_time": NOW}, "start_time must be before end_time"),
        ({"end_time": NOW + HOUR + 15 * 60}, "more than 15 minutes"),
        ({"end_time": NOW + 25 * HOUR}, "less than 24 hours"),
        (
            {
                "start_time": NOW + 400 * 24 * HOUR,
                "end_time": NOW + 400 * 24 * HOUR + HOUR,
            },
            "start_time must lie within a year of now",
        ),
        (
            {
                "start_time": NOW - 400 * 24 * HOUR,
                "end_time": NOW - 400 * 24 * HOUR + HOUR,
            },
            "start_time must lie within a year of now",
        ),
        ({"start_time": dt.datetime(2030, 1, 1, 8)}, "start_time is a naive datetime"),
        ({"start_time": True}, "start_time must be unix seconds"),
        ({"start_time": "1564729431"}, "start_time must be unix seconds"),
        ({"start_time": -1}, "start_time must not be before 1970"),
        (
            {"start_time": dt.datetime(1969, 12, 31, tzinfo=dt.timezone.utc)},
            "start_time must not be before 1970",
        ),
    ],
)
async def test_rooms_create_rules(
    wire: respx.Route,
    client: BaijiayunClient,
    changes: dict[str, Any],
    match: str,
) -> None:
    await refused(wire, lambda: client.rooms.create(**create_args(**changes)), match)


async def test_one_on_one_room_takes_exactly_one_seat(
    wire: respx.Route, client: BaijiayunClient
) -> None:
    await client.rooms.create(
        **create_args(max_users=1, type=RoomType.BASIC_ONE_ON_ONE)
    )

    assert sent_form(wire.calls.last.request)["type"] == "6"


async def test_check_schedule_false_lets_a_long_term_room_through(
    wire: respx.Route, client: BaijiayunClient
) -> None:
    start = NOW + HOUR
    end = NOW + 500 * 24 * HOUR

    await client.rooms.create(
        **create_args(start_time=start, end_time=end),
        check_schedule=False,
        extra_params={"is_long_term": 1},
    )

    form = sent_form(wire.calls.last.request)
    assert (form["end_time"], form["is_long_term"]) == (str(end), "1")


async def test_check_schedule_false_still_wants_start_before_end(
    wire: respx.Route, client: BaijiayunClient
) -> None:
    await refused(
        wire,
        lambda: client.rooms.create(**create_args(end_time=NOW), check_schedule=False),
        "start_time must be before end_time",
    )


async def test_aware_datetimes_are_accepted_in_any_zone(
    wire: respx.Route, client: BaijiayunClient
) -> None:
    start = dt.datetime.now(dt.timezone(dt.timedelta(hours=-5))) + dt.timedelta(hours=1)

    await client.rooms.create(
        **create_args(start_time=start, end_time=start + dt.timedelta(hours=1))
    )

    assert sent_form(wire.calls.last.request)["start_time"] == str(
        int(start.timestamp())
    )


def test_create_signature_defaults() -> None:
    create = inspect.signature(Rooms.create)
    assert create.parameters["max_users"].default is inspect.Parameter.empty
    assert create.parameters["max_users"].kind is inspect.Parameter.KEYWORD_ONLY
    assert create.parameters["type"].default is RoomType.SMALL_CLASS
    create_key = inspect.signature(Partner.create_key)
    assert create_key.parameters["regenerate"].default is False


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"title": "x" * 51}, "title has 51"),
        ({"max_users": 0}, "max_users must be an integer from 1 to 12"),
        ({"max_users": 13}, "max_users must be an integer from 1 to 12"),
        ({"max_backup_users": 301}, "max_backup_users"),
        ({"template_type": 4}, "template_type must be one of 1, 2, 3"),
        ({"start_time": NOW + 2 * HOUR, "end_time": NOW + HOUR}, "before end_time"),
        ({"start_time": NOW + HOUR, "end_time": NOW + 30 * HOUR}, "24 hours"),
        ({"end_time": dt.datetime(2030, 1, 1)}, "end_time is a naive datetime"),
    ],
)
async def test_rooms_update_rules(
    wire: respx.Route,
    client: BaijiayunClient,
    changes: dict[str, Any],
    match: str,
) -> None:
    await refused(wire, lambda: client.rooms.update(1, **changes), match)


async def test_rooms_update_accepts_one_seat(
    wire: respx.Route, client: BaijiayunClient
) -> None:
    await client.rooms.update(1, max_users=1)

    assert sent_form(wire.calls.last.request)["max_users"] == "1"


@pytest.mark.parametrize("room_id", [0, -5, "19080260553901", True, None])
async def test_room_ids_are_positive_integers(
    wire: respx.Route, client: BaijiayunClient, room_id: Any
) -> None:
    await refused(wire, lambda: client.rooms.get(room_id), "room_id must be an integer")


@pytest.mark.parametrize("user_number", [-1, "5", True, 1.0])
async def test_user_number_is_a_non_negative_integer(
    wire: respx.Route, client: BaijiayunClient, user_number: Any
) -> None:
    await refused(
        wire,
        lambda: client.codes.create(1, user_number),
        "user_number must be an integer >= 0",
    )


PAGINATED: list[Callable[[BaijiayunClient, int], object]] = [
    lambda bjy, size: bjy.rooms.list(page_size=size),
    lambda bjy, size: bjy.codes.list(1, page_size=size),
    lambda bjy, size: bjy.docs.list(page_size=size),
    lambda bjy, size: bjy.reports.attendance(1, page_size=size),
]


@pytest.mark.parametrize("listing", PAGINATED)
@pytest.mark.parametrize("size", [0, 1001, -1, True])
def test_page_sizes_are_1_to_1000(
    wire: respx.Route,
    client: BaijiayunClient,
    listing: Callable[[BaijiayunClient, int], object],
    size: int,
) -> None:
    with pytest.raises(InvalidArgumentError, match="page_size must be an integer"):
        listing(client, size)
    assert not wire.called


@pytest.mark.parametrize(
    "date",
    ["2018-3-2", "2018/03/02", "2018-02-30", "", dt.datetime(2018, 3, 2), 20180302],
)
async def test_dates_are_a_date_or_yyyy_mm_dd(
    wire: respx.Route, client: BaijiayunClient, date: Any
) -> None:
    await refused(
        wire,
        lambda: client.reports.room_user_stats(date),
        "date must be a datetime.date or a YYYY-MM-DD string",
    )
    await refused(wire, lambda: client.reports.chat(1, date=date), "date must be")


async def test_choices_are_checked(wire: respx.Route, client: BaijiayunClient) -> None:
    with pytest.raises(InvalidArgumentError, match="source must be one of"):
        client.docs.list(source="everything")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="user_type must be one of"):
        client.reports.attendance(1, user_type="students")  # type: ignore[arg-type]
    assert not wire.called


@pytest.mark.parametrize("name", ["virus.exe", "notes.txt", "archive.tar.gz", "pdf"])
async def test_upload_types_are_limited(
    wire: respx.Route, client: BaijiayunClient, name: str
) -> None:
    await refused(
        wire,
        lambda: client.docs.upload(b"data", filename=name),
        "the uploaded file's name must end in one of",
    )


async def test_upload_of_nameless_bytes_needs_a_filename(
    wire: respx.Route, client: BaijiayunClient
) -> None:
    await refused(wire, lambda: client.docs.upload(b"data"), "filename=")


async def test_upload_type_is_case_insensitive(
    wire: respx.Route, client: BaijiayunClient
) -> None:
    wire.respond(json=envelope({"fid": 1, "name": "SCAN.JPG"}))

    await client.docs.upload(b"data", filename="SCAN.JPG")

    assert wire.called


@pytest.mark.parametrize(
    ("call", "key"),
    [
        (
            lambda bjy, extra: bjy.rooms.create(**create_args(), extra_params=extra),
            "title",
        ),
        (
            lambda bjy, extra: bjy.rooms.create(**create_args(), extra_params=extra),
            "pre_enter_time",
        ),
        (
            lambda bjy, extra: bjy.rooms.create(**create_args(), extra_params=extra),
            "whiteboard_attachment",
        ),
        (
            lambda bjy, extra: bjy.docs.upload(
                b"x", filename="a.pdf", extra_params=extra
            ),
            "attachment",
        ),
        (lambda bjy, extra: bjy.rooms.get(1, extra_params=extra), "room_id"),
        (
            lambda bjy, extra: bjy.partner.create_key("s", extra_params=extra),
            "regenerate",
        ),
        (
            lambda bjy, extra: bjy.reports.room_user_stats(
                "2018-03-02", extra_params=extra
            ),
            "product_type",
        ),
    ],
)
async def test_extra_params_may_not_shadow_documented_ones(
    wire: respx.Route,
    client: BaijiayunClient,
    call: Callable[[BaijiayunClient, dict[str, object]], Awaitable[object]],
    key: str,
) -> None:
    await refused(
        wire,
        lambda: call(client, {key: 1}),
        f"extra_params key '{key}' is a documented parameter",
    )


@pytest.mark.parametrize(
    ("listing", "key"),
    [
        (lambda bjy, extra: bjy.rooms.list(extra_params=extra), "limit"),
        (lambda bjy, extra: bjy.codes.list(1, extra_params=extra), "page"),
        (lambda bjy, extra: bjy.docs.list(extra_params=extra), "type"),
        (lambda bjy, extra: bjy.reports.attendance(1, extra_params=extra), "page_size"),
        (lambda bjy, extra: bjy.reports.attendance(1, extra_params=extra), "detail"),
    ],
)
def test_extra_params_may_not_shadow_wire_names_of_listings(
    wire: respx.Route,
    client: BaijiayunClient,
    listing: Callable[[BaijiayunClient, dict[str, object]], object],
    key: str,
) -> None:
    with pytest.raises(InvalidArgumentError, match="is a documented parameter"):
        listing(client, {key: 1})
    assert not wire.called


@pytest.mark.parametrize("key", ["partner_id", "timestamp", "sign", "partner_key"])
async def test_extra_params_may_not_set_the_common_parameters(
    wire: respx.Route, client: BaijiayunClient, key: str
) -> None:
    await refused(
        wire,
        lambda: client.live.is_live(1, extra_params={key: "1"}),
        f"extra_params key '{key}' is set by the client itself",
    )
