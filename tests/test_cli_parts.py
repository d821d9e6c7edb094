"""The command line's parts that need no service: settings, rows, writers."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from baijiayun_async import (
    ChatMessage,
    Question,
    QuestionOption,
    Room,
    RoomType,
    StudentAnswer,
    UserRole,
)
from baijiayun_async._namespaces.rooms import Rooms
from baijiayun_async.cli._bulk import read_rooms_csv
from baijiayun_async.cli._output import Format, columns_of, record_writer, to_row
from baijiayun_async.cli._reports import ANSWER_COLUMNS, answer_rows
from baijiayun_async.cli._specs import (
    SpecError,
    parse_assignments,
    parse_moment,
    spec_columns,
    spec_from_text,
)

CST = dt.timezone(dt.timedelta(hours=8))


def test_every_setting_of_create_and_update_has_a_text_form() -> None:
    create = spec_columns(Rooms.create)
    assert create[:4] == ["title", "start_time", "end_time", "max_users"]
    assert "extra_params" not in create
    assert "room_id" not in spec_columns(Rooms.update)


def test_spec_values_are_parsed_by_their_declared_kind() -> None:
    spec = spec_from_text(
        {
            "title": " 数学 ",
            "start_time": "1900000000",
            "end_time": "2030-03-01T19:00:00Z",
            "max_users": "6",
            "type": "4",
            "auto_on_stage": "yes",
            "enable_cloud_record": "0",
            "background_attachment": "bg.png",
            "max_backup_users": "",
        },
        Rooms.create,
    )
    assert spec == {
        "title": "数学",
        "start_time": 1900000000,
        "end_time": dt.datetime(2030, 3, 1, 19, tzinfo=dt.timezone.utc),
        "max_users": 6,
        "type": 4,
        "auto_on_stage": True,
        "enable_cloud_record": False,
        "background_attachment": Path("bg.png"),
    }


def test_a_spec_reports_every_problem_at_once() -> None:
    with pytest.raises(SpecError) as caught:
        spec_from_text(
            {"title": "x", "start_time": "soon", "max_users": "six", "colour": "red"},
            Rooms.create,
        )
    message = str(caught.value)
    assert "start_time: expected unix seconds" in message
    assert "max_users: expected a whole number" in message
    assert "unknown setting 'colour'" in message
    assert message.endswith("missing end_time")


def test_moments_need_an_offset() -> None:
    assert parse_moment("2030-01-01T08:00:00+08:00") == dt.datetime(
        2030, 1, 1, 8, tzinfo=CST
    )
    with pytest.raises(ValueError, match="no UTC offset"):
        parse_moment("2030-01-01T08:00:00")
    with pytest.raises(ValueError, match="ISO-8601"):
        parse_moment("next monday")


def test_assignments() -> None:
    assert parse_assignments(["title=a=b", "max_users=2"]) == {
        "title": "a=b",
        "max_users": "2",
    }
    with pytest.raises(SpecError, match="KEY=VALUE"):
        parse_assignments(["title"])
    with pytest.raises(SpecError, match="twice"):
        parse_assignments(["title=a", "title=b"])


def test_csv_rows_are_numbered_and_blank_lines_skipped() -> None:
    rows = read_rooms_csv(
        io.StringIO(
            " title , start_time,end_time,max_users\n"
            "A,1900000000,1900003600,6\n"
            ",,,\n"
            "B,1900000000,1900003600,6,extra\n"
        )
    )
    assert [(row.number, row.title, row.problem) for row in rows] == [
        (1, "A", None),
        (2, "B", "the row has 5 cells but the header has 4 columns"),
    ]
    assert rows[0].spec == {
        "title": "A",
        "start_time": 1900000000,
        "end_time": 1900003600,
        "max_users": 6,
    }


def test_rows_are_plain_json_values() -> None:
    room = Room(
        room_id=12345678901234,
        title="t",
        start_time=dt.datetime(2030, 1, 1, 8, tzinfo=CST),
        end_time=dt.datetime(2030, 1, 1, 9, tzinfo=CST),
        type=RoomType.SMALL_CLASS,
        max_users=6,
        admin_code=None,
        teacher_code="abc123",
    )
    row = to_row(room)
    assert list(row) == columns_of(Room)
    assert row["start_time"] == "2030-01-01T08:00:00+08:00"
    assert row["type"] == 4
    assert type(row["type"]) is int
    json.dumps(row)


def test_writers(tmp_path: Path) -> None:
    message = ChatMessage(
        time=dt.datetime(2030, 1, 1, 8, tzinfo=CST),
        user_number=3,
        user_role=UserRole.TEACHER,
        user_name=None,
        content='say "hi", [red]',
    )
    for fmt, name in ((Format.CSV, "m.csv"), (Format.JSONL, "m.jsonl")):
        with record_writer(fmt, columns_of(ChatMessage), tmp_path / name) as write:
            write(to_row(message))
    assert (tmp_path / "m.csv").read_text(encoding="utf-8").splitlines() == [
        "time,user_number,user_role,user_name,content",
        '2030-01-01T08:00:00+08:00,3,1,,"say ""hi"", [red]"',
    ]
    assert json.loads((tmp_path / "m.jsonl").read_text(encoding="utf-8")) == {
        "time": "2030-01-01T08:00:00+08:00",
        "user_number": 3,
        "user_role": 1,
        "user_name": None,
        "content": 'say "hi", [red]',
    }


def test_a_failed_table_prints_nothing(tmp_path: Path) -> None:
    output = tmp_path / "t.txt"

    def interrupted() -> None:
        with record_writer(Format.TABLE, ["a"], output) as write:
            write({"a": 1})
            raise RuntimeError

    with pytest.raises(RuntimeError):
        interrupted()
    assert output.read_text() == ""


def test_answers_flatten_to_one_row_each() -> None:
    answered = Question(
        question_id=1,
        description="1+1?",
        right_option="B",
        option_list=(QuestionOption("A", False), QuestionOption("B", True)),
        student_answer=(
            StudentAnswer(7, 1, "B", True, "s7"),
            StudentAnswer(8, 1, "A", False, "s8"),
        ),
    )
    unanswered = Question(2, None, "A", (), ())
    rows = list(answer_rows([answered, unanswered]))
    assert [row["user_number"] for row in rows] == [7, 8, None]
    assert all(set(row) <= set(ANSWER_COLUMNS) for row in rows)
