"""The command line against the fake served on a loopback port.

The fake runs in a thread with its own event loop, so each command can run its
own ``asyncio.run`` exactly as it does from a shell, talking to the fake over a
real socket through ``--base-url``.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from baijiayun_async._converter import CHINA_STANDARD_TIME
from baijiayun_async.cli._app import app
from baijiayun_async.cli._session import configure_logging
from baijiayun_async.testing import FakeBaijiayun

PARTNER_ID = 31415926
PARTNER_KEY = "cli-test-key-Zq8/x+u="
ENVIRONMENT = (
    "BAIJIAYUN_PARTNER_ID",
    "BAIJIAYUN_PARTNER_KEY",
    "BAIJIAYUN_PRIVATE_DOMAIN",
    "BAIJIAYUN_BASE_URL",
)


class ServedFake:
    """A fake served by uvicorn on 127.0.0.1 from a background thread."""

    def __init__(self, fake: FakeBaijiayun) -> None:
        self.fake = fake
        self.base_url = ""
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),))

    async def _serve(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        async with self.fake.serve(host="127.0.0.1", port=0) as base_url:
            self.base_url = base_url
            self._ready.set()
            await self._stop.wait()

    def __enter__(self) -> ServedFake:
        self._thread.start()
        assert self._ready.wait(10), "the fake did not start"
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._loop is not None
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


@pytest.fixture
def fake() -> FakeBaijiayun:
    return FakeBaijiayun(partner_id=PARTNER_ID, partner_key=PARTNER_KEY)


@pytest.fixture
def served(fake: FakeBaijiayun) -> Iterator[ServedFake]:
    with ServedFake(fake) as served:
        yield served


@pytest.fixture
def cli(served: ServedFake) -> Cli:
    return Cli(served.base_url)


class Cli:
    """Invoke ``baijiayun`` with the fake's credentials in the environment."""

    def __init__(self, base_url: str) -> None:
        self.runner = CliRunner()
        self.env: dict[str, str | None] = dict.fromkeys(ENVIRONMENT)
        self.env.update(
            BAIJIAYUN_PARTNER_ID=str(PARTNER_ID),
            BAIJIAYUN_PARTNER_KEY=PARTNER_KEY,
            BAIJIAYUN_BASE_URL=base_url,
        )

    def __call__(self, *args: str, input: str | None = None) -> Result:
        result = self.runner.invoke(app, list(args), env=self.env, input=input)
        # Whatever happens, the key never reaches the terminal.
        assert PARTNER_KEY not in result.stdout
        assert PARTNER_KEY not in result.stderr
        return result

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def in_an_hour() -> tuple[int, int]:
    start = int(time.time()) + 3600
    return start, start + 3600


# rooms


def test_rooms_create_get_update_list_delete(cli: Cli, fake: FakeBaijiayun) -> None:
    start, end = in_an_hour()
    created = cli.ok(
        "rooms",
        "create",
        "title=几何 & 代数",
        f"start_time={start}",
        f"end_time={end}",
        "max_users=6",
        "--format",
        "jsonl",
    )
    (room,) = lines(created.stdout)
    room_id = room["room_id"]
    assert isinstance(room_id, int)
    assert fake.rooms[room_id].title == "几何 & 代数"
    assert room["student_code"] == fake.rooms[room_id].student_code

    cli.ok("rooms", "update", str(room_id), "title=Renamed", "max_users=8")
    assert fake.rooms[room_id].title == "Renamed"

    shown = lines(cli.ok("rooms", "get", str(room_id), "-f", "jsonl").stdout)
    assert shown[0]["title"] == "Renamed"
    assert shown[0]["start_time"] == time_iso(start)

    listed = rows(cli.ok("rooms", "list", "--format", "csv").stdout)
    assert [row["room_id"] for row in listed] == [str(room_id)]

    cli.ok("rooms", "delete", str(room_id), "--yes")
    assert fake.rooms[room_id].deleted


def time_iso(unix: int) -> str:
    return dt.datetime.fromtimestamp(unix, CHINA_STANDARD_TIME).isoformat()


def test_rooms_create_takes_iso_times_with_an_offset(
    cli: Cli, fake: FakeBaijiayun
) -> None:
    start, end = in_an_hour()
    created = cli.ok(
        "rooms",
        "create",
        "title=ISO",
        f"start_time={time_iso(start)}",
        f"end_time={time_iso(end)}",
        "max_users=2",
        "-f",
        "jsonl",
    )
    room = fake.rooms[int(lines(created.stdout)[0]["room_id"])]  # type: ignore[call-overload]
    assert (room.start_time, room.end_time) == (start, end)


def test_rooms_create_refuses_a_time_without_offset(
    cli: Cli, fake: FakeBaijiayun
) -> None:
    result = cli(
        "rooms",
        "create",
        "title=Naive",
        "start_time=2030-01-01T10:00:00",
        "end_time=2030-01-01T11:00:00",
        "max_users=2",
    )
    assert result.exit_code == 2
    assert "no UTC offset" in result.stderr
    assert not fake.rooms


def test_rooms_list_paginates_to_the_end(cli: Cli, fake: FakeBaijiayun) -> None:
    made = {fake.add_room(f"room {n}").room_id for n in range(7)}
    listed = lines(cli.ok("rooms", "list", "--page-size", "3", "-f", "jsonl").stdout)
    assert {row["room_id"] for row in listed} == made
    assert len(fake.calls("room/list")) == 3


def test_rooms_delete_asks_first(cli: Cli, fake: FakeBaijiayun) -> None:
    room = fake.add_room()
    result = cli("rooms", "delete", str(room.room_id), input="n\n")
    assert result.exit_code == 1
    assert not fake.rooms[room.room_id].deleted


# errors and credentials


def test_an_api_error_is_one_line_without_traceback(cli: Cli) -> None:
    result = cli("rooms", "get", "10000000000001")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (
        result.stderr.strip().splitlines()
        == ["error: room/info: code 3001: room does not exist"]
        or result.stderr.count("\n") == 1
    )
    assert "Traceback" not in result.stderr


def test_a_wrong_key_is_reported_without_either_key(cli: Cli) -> None:
    wrong = "wrong-key-Yh3=="
    result = cli.runner.invoke(
        app,
        ["--partner-key", wrong, "rooms", "list"],
        env=cli.env,
    )
    assert result.exit_code == 1
    assert "signature" in result.stderr
    for key in (wrong, PARTNER_KEY):
        assert key not in result.stdout + result.stderr


def test_missing_credentials_are_a_usage_error(cli: Cli) -> None:
    env = {**cli.env, "BAIJIAYUN_PARTNER_KEY": None}
    result = cli.runner.invoke(app, ["rooms", "list"], env=env)
    assert result.exit_code == 2
    assert "BAIJIAYUN_PARTNER_KEY" in result.stderr


def test_plain_http_to_a_remote_host_is_refused(cli: Cli) -> None:
    env = {**cli.env, "BAIJIAYUN_BASE_URL": "http://example.com/"}
    result = cli.runner.invoke(app, ["rooms", "list"], env=env)
    assert result.exit_code == 2
    assert "loopback" in result.stderr


def test_help_names_the_key_variable_but_never_shows_its_value(cli: Cli) -> None:
    # Cli asserts on every run that the key is in neither stdout nor stderr.
    assert "BAIJIAYUN_PARTNER_KEY" in cli("--help").stdout
    for args in (["rooms", "--help"], ["rooms", "create", "--help"], ["demo", "-h"]):
        assert cli(*args).exit_code == 0


# codes


def test_codes_create_list_get(cli: Cli, fake: FakeBaijiayun) -> None:
    room = fake.add_room()
    issued = rows(
        cli.ok("codes", "create", str(room.room_id), "0", "7", "8", "-f", "csv").stdout
    )
    assert [row["user_number"] for row in issued] == ["0", "7", "8"]
    assert issued[0]["code"] == room.student_code

    listed = lines(cli.ok("codes", "list", str(room.room_id), "-f", "jsonl").stdout)
    assert {row["code"] for row in listed} == {row["code"] for row in issued}

    info = lines(cli.ok("codes", "get", issued[1]["code"], "-f", "jsonl").stdout)
    assert info[0]["room_id"] == room.room_id
    assert info[0]["user_number"] == 7

    missing = cli("codes", "get", "zzzzzz")
    assert missing.exit_code == 1
    assert "no such code" in missing.stderr


# docs


def test_docs_upload_list_remove(cli: Cli, fake: FakeBaijiayun, tmp_path: Path) -> None:
    room = fake.add_room()
    slides = tmp_path / "slides.pptx"
    slides.write_bytes(b"PK\x03\x04 slides" * 100)

    uploaded = lines(
        cli.ok(
            "docs", "upload", str(slides), "--room-id", str(room.room_id), "-f", "jsonl"
        ).stdout
    )
    fid = uploaded[0]["fid"]
    assert fake.docs[fid].size == slides.stat().st_size  # type: ignore[index]

    account = lines(cli.ok("docs", "list", "-f", "jsonl").stdout)
    assert [doc["fid"] for doc in account] == [fid]
    in_room = lines(
        cli.ok("docs", "list", "--room-id", str(room.room_id), "-f", "jsonl").stdout
    )
    assert [doc["fid"] for doc in in_room] == [fid]

    cli.ok("docs", "remove", str(room.room_id), str(fid))
    assert not fake.room_bindings(room.room_id)


def test_docs_upload_refuses_an_unsupported_type(cli: Cli, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    result = cli("docs", "upload", str(notes))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")


# live


def test_live_status_of_several_rooms(cli: Cli, fake: FakeBaijiayun) -> None:
    on, off = fake.add_room(), fake.add_room()
    fake.set_live(on.room_id)
    fake.set_teacher_online(on.room_id)
    fake.set_user_count(on.room_id, 5, 9)

    statuses = lines(
        cli.ok(
            "live", "status", str(on.room_id), str(off.room_id), "-f", "jsonl"
        ).stdout
    )
    assert statuses == [
        {
            "room_id": on.room_id,
            "live": True,
            "teacher_online": True,
            "user_count": 5,
            "display_user_count": 9,
        },
        {
            "room_id": off.room_id,
            "live": False,
            "teacher_online": False,
            "user_count": 0,
            "display_user_count": 0,
        },
    ]


# reports and formats


@pytest.fixture
def held_class(fake: FakeBaijiayun) -> int:
    room = fake.add_room()
    for number in (1, 2, 3):
        fake.add_chat(
            room.room_id,
            f"hi [bold]{number}[/bold]",
            user_number=number,
            user_name=f"s{number}",
        )
        fake.add_attendance(
            room.room_id,
            user_number=number,
            user_name=f"s{number}",
            actual_listen_time=60,
        )
    question = fake.add_question(room.room_id, right_options=["A"])
    fake.add_answer(
        room.room_id, question.question_id, ["A"], user_number=1, user_name="s1"
    )
    fake.add_answer(
        room.room_id, question.question_id, ["B"], user_number=2, user_name="s2"
    )
    fake.add_question(room.room_id, right_options=["C"])
    fake.set_room_stats(
        room.room_id, fake.today(), student_count=3, total_user_count=4, peak_user=4
    )
    return room.room_id


def test_reports_chat_in_every_format(
    cli: Cli, held_class: int, tmp_path: Path
) -> None:
    room = str(held_class)
    jsonl = lines(cli.ok("reports", "chat", room, "-f", "jsonl").stdout)
    assert [message["content"] for message in jsonl] == [
        "hi [bold]1[/bold]",
        "hi [bold]2[/bold]",
        "hi [bold]3[/bold]",
    ]
    assert str(jsonl[0]["time"]).endswith("+08:00")

    as_csv = rows(cli.ok("reports", "chat", room, "-f", "csv").stdout)
    assert [row["user_number"] for row in as_csv] == ["1", "2", "3"]
    assert as_csv[0]["content"] == "hi [bold]1[/bold]"

    table = cli.ok("reports", "chat", room).stdout
    assert "[bold]2[/bold]" in table  # cells are text, not markup
    assert "3 rows" in table

    output = tmp_path / "chat.csv"
    written = cli.ok("reports", "chat", room, "-f", "csv", "--output", str(output))
    assert written.stdout == ""
    assert rows(output.read_text(encoding="utf-8")) == as_csv


def test_reports_attendance_paginates(
    cli: Cli, held_class: int, fake: FakeBaijiayun
) -> None:
    records = lines(
        cli.ok(
            "reports", "attendance", str(held_class), "--page-size", "2", "-f", "jsonl"
        ).stdout
    )
    assert [record["user_number"] for record in records] == [1, 2, 3]
    assert len(fake.calls("room_data/exportLiveReport")) == 2


def test_reports_answers_one_row_per_answer(cli: Cli, held_class: int) -> None:
    answers = rows(cli.ok("reports", "answers", str(held_class), "-f", "csv").stdout)
    assert [(row["user_number"], row["is_right"]) for row in answers] == [
        ("1", "true"),
        ("2", "false"),
        ("", ""),  # the question nobody answered
    ]


def test_reports_stats(cli: Cli, held_class: int, fake: FakeBaijiayun) -> None:
    stats = lines(cli.ok("reports", "stats", fake.today(), "-f", "jsonl").stdout)
    assert stats == [
        {
            "room_id": held_class,
            "student_count": 3,
            "total_user_count": 4,
            "peak_user": 4,
        }
    ]


def test_a_single_record_prints_as_field_value_pairs(
    cli: Cli, fake: FakeBaijiayun
) -> None:
    room = fake.add_room("Pairs")
    table = cli.ok("rooms", "get", str(room.room_id)).stdout
    assert "title" in table
    assert "Pairs" in table


# rooms bulk-create


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_bulk_create_reports_every_row_in_order(
    cli: Cli, fake: FakeBaijiayun, tmp_path: Path
) -> None:
    start, end = in_an_hour()
    source = write_csv(
        tmp_path / "term.csv",
        "title,start_time,end_time,max_users,type\n"
        f"Lesson 1,{start},{end},6,\n"
        f"Lesson 2,{time_iso(start)},{time_iso(end)},4,4\n"
        f"Bad time,tomorrow,{end},6,\n"
        f"Too many seats,{start},{end},99,\n"
        "\n"
        f"No end,{start},,6,\n"
        f"Short row,{start}\n"
        f"Naive,2030-01-01T10:00:00,2030-01-01T11:00:00,6,\n"
        f"Lesson 3,{start},{end},2,\n",
    )
    output = tmp_path / "results.csv"

    result = cli("rooms", "bulk-create", str(source), "--output", str(output))

    assert result.exit_code == 1
    results = rows(output.read_text(encoding="utf-8"))
    assert [(row["row"], row["title"], row["status"]) for row in results] == [
        ("1", "Lesson 1", "created"),
        ("2", "Lesson 2", "created"),
        ("3", "Bad time", "failed"),
        ("4", "Too many seats", "failed"),
        ("5", "No end", "failed"),
        ("6", "Short row", "failed"),
        ("7", "Naive", "failed"),
        ("8", "Lesson 3", "created"),
    ]
    errors = {row["title"]: row["error"] for row in results}
    assert errors["Bad time"].startswith("start_time: expected unix seconds")
    assert "max_users" in errors["Too many seats"]
    assert errors["No end"] == "missing end_time"
    assert "2 cells" in errors["Short row"]
    assert "no UTC offset" in errors["Naive"]

    created = {int(row["room_id"]): row for row in results if row["room_id"]}
    assert set(created) == set(fake.rooms)
    for room_id, row in created.items():
        assert fake.rooms[room_id].title == row["title"]
        assert row["student_code"] == fake.rooms[room_id].student_code
    assert "3 created, 5 failed, 0 unknown" in result.stderr


def test_bulk_create_succeeds_when_every_row_does(
    cli: Cli, fake: FakeBaijiayun, tmp_path: Path
) -> None:
    start, end = in_an_hour()
    body = "".join(f"Room {n},{start},{end},6\n" for n in range(20))
    source = write_csv(
        tmp_path / "rooms.csv", "title,start_time,end_time,max_users\n" + body
    )

    result = cli.ok("rooms", "bulk-create", str(source), "--concurrency", "5")

    results = rows(result.stdout)
    assert [row["title"] for row in results] == [f"Room {n}" for n in range(20)]
    assert {row["status"] for row in results} == {"created"}
    assert len(fake.rooms) == 20


def test_bulk_create_unknown_header_fails_every_row(
    cli: Cli, fake: FakeBaijiayun, tmp_path: Path
) -> None:
    start, end = in_an_hour()
    source = write_csv(
        tmp_path / "typo.csv",
        f"title,start_time,end_time,max_user\nA,{start},{end},6\nB,{start},{end},6\n",
    )
    result = cli("rooms", "bulk-create", str(source), "-f", "jsonl")
    assert result.exit_code == 1
    assert [row["status"] for row in lines(result.stdout)] == ["failed", "failed"]
    assert "unknown setting 'max_user'" in str(lines(result.stdout)[0]["error"])
    assert not fake.rooms


def test_bulk_create_reports_an_unknown_outcome_and_reconciles_it(
    cli: Cli, fake: FakeBaijiayun, tmp_path: Path
) -> None:
    from baijiayun_async.testing import DropAfterAction

    start, end = in_an_hour()
    source = write_csv(
        tmp_path / "rooms.csv",
        f"title,start_time,end_time,max_users\nLost answer,{start},{end},6\n",
    )
    fake.inject("room/create", DropAfterAction())
    unknown = rows(cli("rooms", "bulk-create", str(source)).stdout)
    assert unknown[0]["status"] == "unknown"
    assert "outcome unknown" in unknown[0]["error"]
    assert len(fake.rooms) == 1  # the service did act

    fake.inject("room/create", DropAfterAction())
    result = cli.ok("rooms", "bulk-create", str(source), "--reconcile")
    reconciled = rows(result.stdout)
    assert reconciled[0]["status"] == "created"
    assert len(fake.rooms) == 2
    assert int(reconciled[0]["room_id"]) in fake.rooms


def test_bulk_create_of_an_empty_file_is_a_usage_error(
    cli: Cli, tmp_path: Path
) -> None:
    result = cli("rooms", "bulk-create", str(write_csv(tmp_path / "empty.csv", "")))
    assert result.exit_code == 2
    assert "empty" in result.stderr


# logging


def test_retries_stay_quiet_unless_asked(cli: Cli, fake: FakeBaijiayun) -> None:
    from baijiayun_async.testing import HTTPFailure

    fake.inject("room/list", HTTPFailure(503), times=3)
    quiet = cli("rooms", "list")
    assert quiet.exit_code == 1
    assert quiet.stderr.startswith("error: room/list: HTTP 503")
    assert quiet.stderr.count("\n") == 1

    fake.inject("room/list", HTTPFailure(503), times=1)
    try:
        verbose = cli.runner.invoke(
            app, ["-vv", "--partner-key", PARTNER_KEY, "rooms", "list"], env=cli.env
        )
    finally:
        configure_logging(0)  # let go of this run's stderr
    assert verbose.exit_code == 0
    assert "retrying room/list" in verbose.stderr
    assert PARTNER_KEY not in verbose.stdout + verbose.stderr


def test_an_unwritable_output_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("rooms", "list", "-o", str(tmp_path / "missing" / "rooms.csv"))
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


def test_a_base_url_flag_wins_over_a_private_domain_in_the_environment(
    cli: Cli, fake: FakeBaijiayun
) -> None:
    base_url = cli.env["BAIJIAYUN_BASE_URL"]
    assert base_url is not None
    env = {
        **cli.env,
        "BAIJIAYUN_PRIVATE_DOMAIN": "realschool",
        "BAIJIAYUN_BASE_URL": None,
    }
    result = cli.runner.invoke(app, ["--base-url", base_url, "rooms", "list"], env=env)
    assert result.exit_code == 0, result.stderr


def test_docs_upload_names_the_document(
    cli: Cli, fake: FakeBaijiayun, tmp_path: Path
) -> None:
    scan = tmp_path / "scan-0001.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + b"0" * 300_000)
    uploaded = lines(
        cli.ok("docs", "upload", str(scan), "--name", "第1课.pdf", "-f", "jsonl").stdout
    )
    assert uploaded[0]["name"] == "第1课.pdf"
    assert fake.docs[uploaded[0]["fid"]].size == scan.stat().st_size  # type: ignore[index]
