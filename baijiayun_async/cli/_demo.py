"""``baijiayun demo``: a whole term of small classes run against the fake, over sockets.

The demo starts the fake service on a loopback port and drives the SDK through
what a school does in a term: create the term's rooms at once, issue every
student's code, upload courseware and bind it to every room, let the classes
happen (the fake plays the classroom), watch them live, walk every listing, and
export chat, attendance and quiz answers to files. It then checks its own
results against what it created and what the fake simulated, so a run doubles
as an end-to-end test of the SDK over real HTTP.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import json
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from .._client import BaijiayunClient
from .._converter import CHINA_STANDARD_TIME
from .._models import AttendanceRecord, ChatMessage, CreatedRoom
from ..testing import FakeBaijiayun
from ._output import Format, Row, columns_of, to_row, write_rows
from ._reports import ANSWER_COLUMNS, answer_rows, live_status
from ._tasks import gather_bounded

__all__ = ["Check", "DemoReport", "Step", "run_demo"]

DEMO_PARTNER_ID = 20250001
#: Files of courseware the demo generates, uploads and binds to every room.
COURSEWARE = {
    "syllabus.pdf": b"%PDF-1.4\n% demo syllabus\n",
    "lesson-slides.pptx": b"PK\x03\x04 demo slides",
    "worksheet.docx": b"PK\x03\x04 demo worksheet",
}
QUESTIONS_PER_CLASS = 2
LESSONS_PER_DAY = 3
LESSON_LENGTH = dt.timedelta(minutes=90)
#: Each report's file in the output folder, and its format.
EXPORTS = {
    "chat": ("chat.jsonl", Format.JSONL),
    "attendance": ("attendance.csv", Format.CSV),
    "answers": ("answers.csv", Format.CSV),
}


@attrs.frozen
class Step:
    """One stage of the workflow: how many things it handled, in how many calls."""

    name: str
    items: int
    calls: int
    seconds: float


@attrs.frozen
class Check:
    """One of the demo's own checks: what was expected and what was found."""

    name: str
    expected: int
    actual: int
    detail: str = ""

    @property
    def ok(self) -> bool:
        """Tell whether the check passed."""
        return self.expected == self.actual


@attrs.frozen
class DemoReport:
    """What the demo did, how long each step took, and whether it all added up."""

    base_url: str
    out_dir: Path
    steps: tuple[Step, ...]
    checks: tuple[Check, ...]
    exports: Mapping[str, Path]

    @property
    def ok(self) -> bool:
        """Tell whether every check passed."""
        return all(check.ok for check in self.checks)

    @property
    def mismatches(self) -> list[Check]:
        """Return the checks that failed."""
        return [check for check in self.checks if not check.ok]


async def run_demo(
    *,
    rooms: int = 36,
    students: int = 12,
    out_dir: Path,
    concurrency: int = 16,
    announce: Callable[[str], None] | None = None,
) -> DemoReport:
    """Run the term against a fresh fake on a loopback port and report on it.

    ``announce(step)`` is called as each step starts. The client's own rate limit
    is off: the fake does not enforce the service's, and the demo shows throughput.
    """
    fake = FakeBaijiayun(
        partner_id=DEMO_PARTNER_ID, partner_key=secrets.token_urlsafe(24)
    )
    async with (
        fake.serve(host="127.0.0.1", port=0) as base_url,
        BaijiayunClient(
            fake.partner_id,
            fake.partner_key,
            base_url=base_url,
            max_connections=concurrency,
            rate_limit=None,
        ) as client,
    ):
        term = _Term(
            fake,
            client=client,
            students=students,
            out_dir=out_dir,
            concurrency=concurrency,
            announce=announce,
        )
        await term.run(rooms)
    return DemoReport(
        base_url=base_url,
        out_dir=out_dir,
        steps=tuple(term.steps),
        checks=tuple(term.checks),
        exports=term.exports,
    )


class _Term:
    """The demo's state between steps: what was created, issued and simulated."""

    def __init__(
        self,
        fake: FakeBaijiayun,
        *,
        client: BaijiayunClient,
        students: int,
        out_dir: Path,
        concurrency: int,
        announce: Callable[[str], None] | None,
    ) -> None:
        self.fake = fake
        self.client = client
        self.students = students
        self.out_dir = out_dir
        self.concurrency = concurrency
        self.announce = announce or (lambda _: None)
        self.steps: list[Step] = []
        self.checks: list[Check] = []
        self.exports: dict[str, Path] = {}
        self.rooms: list[CreatedRoom] = []
        #: Every issued code: (room id, user number).
        self.codes: dict[str, tuple[int, int]] = {}
        self.fids: list[int] = []
        self.simulated = {"chat": 0, "attendance": 0, "answers": 0, "live": 0}
        self.today = dt.datetime.now(CHINA_STANDARD_TIME).date()

    async def run(self, rooms: int) -> None:
        """Run every step in order; each records its timing and its checks."""
        await self._step("create rooms", self.create_rooms(rooms))
        await self._step("issue codes", self.issue_codes())
        await self._step("upload and bind courseware", self.courseware())
        await self._step("simulate classes", self.simulate())
        await self._step("read live status", self.read_live_status())
        await self._step("walk listings", self.walk_listings())
        await self._step("look up every code", self.look_up_codes())
        await self._step("export reports", self.export_reports())
        await self._step("daily head counts", self.daily_stats())

    async def _step(self, name: str, work: Awaitable[int]) -> None:
        self.announce(name)
        calls, started = len(self.fake.requests), time.perf_counter()
        items = await work
        elapsed = time.perf_counter() - started
        self.steps.append(Step(name, items, len(self.fake.requests) - calls, elapsed))

    def _check(
        self, name: str, expected: int, actual: int, missing: Iterable[object] = ()
    ) -> None:
        shown = [str(item) for item in missing][:5]
        detail = f"missing {', '.join(shown)}" if shown else ""
        self.checks.append(Check(name, expected, actual, detail))

    # Steps

    async def create_rooms(self, count: int) -> int:
        """Create the term's lessons at once: three a day from tomorrow, 90 minutes."""
        first_day = self.today + dt.timedelta(days=1)
        specs = []
        for lesson in range(count):
            day = first_day + dt.timedelta(days=lesson // LESSONS_PER_DAY)
            hour = 15 + 2 * (lesson % LESSONS_PER_DAY)
            start = dt.datetime.combine(day, dt.time(hour), CHINA_STANDARD_TIME)
            specs.append(
                {
                    "title": f"数学小班 第{lesson + 1}课",
                    "start_time": start,
                    "end_time": start + LESSON_LENGTH,
                    "max_users": min(max(self.students, 2), 12),
                }
            )
        results = await self.client.rooms.create_many(
            specs, concurrency=self.concurrency
        )
        self.rooms = [result.room for result in results if result.room is not None]
        failed = [result.index for result in results if result.room is None]
        self._check("rooms created", count, len(self.rooms), failed)
        return len(self.rooms)

    async def issue_codes(self) -> int:
        """Issue every student's own code and each room's shared code (number 0)."""
        wanted = [
            (room.room_id, number)
            for room in self.rooms
            for number in range(self.students + 1)
        ]

        async def issue(seat: tuple[int, int]) -> str:
            return await self.client.codes.create(*seat)

        codes = await gather_bounded(wanted, issue, limit=self.concurrency)
        self.codes = dict(zip(codes, wanted, strict=True))
        self._check("distinct codes issued", len(wanted), len(self.codes))
        shared = {room.student_code for room in self.rooms}
        same = [code for code, (_, number) in self.codes.items() if number == 0]
        self._check(
            "shared codes are room/create's student codes",
            len(self.rooms),
            len(shared.intersection(same)),
        )
        return len(codes)

    async def courseware(self) -> int:
        """Write a few files, upload them at once, and bind each to every room."""
        folder = self.out_dir / "courseware"
        paths = await asyncio.to_thread(_write_courseware, folder)

        async def upload(path: Path) -> int:
            return (await self.client.docs.upload(path)).fid

        self.fids = await gather_bounded(paths, upload, limit=self.concurrency)

        async def bind(pair: tuple[int, int]) -> int:
            return (await self.client.docs.bind(*pair)).bind_id

        pairs = [(room.room_id, fid) for room in self.rooms for fid in self.fids]
        bindings = await gather_bounded(pairs, bind, limit=self.concurrency)
        self._check("documents bound", len(pairs), len(set(bindings)))
        return len(paths) + len(pairs)

    async def simulate(self) -> int:
        """Let the fake play each class: chat, a quiz, attendance, head counts.

        The first lessons are still on: class live, teacher in, everyone there.
        """
        live_rooms = max(1, len(self.rooms) // 6)
        for index, room in enumerate(self.rooms):
            self._play_class(room.room_id, live=index < live_rooms)
        self.simulated["live"] = min(live_rooms, len(self.rooms))
        return sum(self.simulated.values())

    def _play_class(self, room_id: int, *, live: bool) -> None:
        fake, students = self.fake, range(1, self.students + 1)
        if live:
            fake.set_live(room_id)
            fake.set_teacher_online(room_id)
            fake.set_user_count(room_id, self.students + 1)

        fake.add_chat(
            room_id, "同学们好", user_number=1000, user_name="王老师", user_role=1
        )
        for number in students:
            fake.add_chat(
                room_id,
                f"老师好 ({number})",
                user_number=number,
                user_name=_name(number),
            )
        self.simulated["chat"] += self.students + 1

        for _ in range(QUESTIONS_PER_CLASS):
            question = fake.add_question(room_id, right_options=["B"])
            for number in students:
                choice = "B" if number % 3 else "C"
                fake.add_answer(
                    room_id,
                    question.question_id,
                    [choice],
                    user_number=number,
                    user_name=_name(number),
                )
        self.simulated["answers"] += QUESTIONS_PER_CLASS * self.students

        start = int(time.time()) - 3600
        fake.add_attendance(
            room_id,
            user_number=1000,
            user_name="王老师",
            user_role=1,
            first_time=start,
            last_time=start + 3600,
            actual_listen_time=3600,
        )
        for number in students:
            fake.add_attendance(
                room_id,
                user_number=number,
                user_name=_name(number),
                first_time=start + number * 30,
                last_time=start + 3600,
                actual_listen_time=3600 - number * 30,
                client_type=number % 7,
            )
        self.simulated["attendance"] += self.students + 1

        fake.set_room_stats(
            room_id,
            self.today,
            student_count=self.students,
            total_user_count=self.students + 1,
            peak_user=self.students + 1,
        )

    async def read_live_status(self) -> int:
        """Ask every room at once whether class is on and who is there."""

        async def status(room: CreatedRoom) -> dict[str, Any]:
            return await live_status(self.client, room.room_id)

        statuses = await gather_bounded(self.rooms, status, limit=self.concurrency)
        live = sum(bool(status["live"]) for status in statuses)
        online = sum(bool(status["teacher_online"]) for status in statuses)
        people = sum(int(status["user_count"]) for status in statuses)
        expected_live = self.simulated["live"]
        self._check("rooms live", expected_live, live)
        self._check("teachers online", expected_live, online)
        self._check("people in class", expected_live * (self.students + 1), people)
        return len(statuses)

    async def walk_listings(self) -> int:
        """Walk every listing in small pages, so that paging itself is exercised."""
        listed = {room.room_id async for room in self.client.rooms.list(page_size=10)}
        created = {room.room_id for room in self.rooms}
        self._check(
            "created rooms in rooms.list",
            len(created),
            len(created & listed),
            created - listed,
        )

        async def room_codes(room: CreatedRoom) -> set[str]:
            return {
                code.code
                async for code in self.client.codes.list(room.room_id, page_size=5)
            }

        listed_codes = set().union(
            *await gather_bounded(self.rooms, room_codes, limit=self.concurrency)
        )
        self._check(
            "issued codes in codes.list",
            len(self.codes),
            len(self.codes.keys() & listed_codes),
            self.codes.keys() - listed_codes,
        )

        listed_docs = {doc.fid async for doc in self.client.docs.list(page_size=2)}
        self._check(
            "uploaded documents in docs.list",
            len(self.fids),
            len(listed_docs.intersection(self.fids)),
            set(self.fids) - listed_docs,
        )

        async def room_docs(room: CreatedRoom) -> int:
            bound = {doc.fid for doc in await self.client.docs.room_docs(room.room_id)}
            return len(bound.intersection(self.fids))

        bound = await gather_bounded(self.rooms, room_docs, limit=self.concurrency)
        self._check(
            "documents bound per room (docs.room_docs)",
            len(self.rooms) * len(self.fids),
            sum(bound),
        )
        return len(listed) + len(listed_codes) + len(listed_docs) + sum(bound)

    async def look_up_codes(self) -> int:
        """Look every issued code up and check its room and student."""

        async def matches(item: tuple[str, tuple[int, int]]) -> bool:
            code, (room_id, number) = item
            info = await self.client.codes.get(code)
            return (
                info is not None
                and info.room_id == room_id
                and info.user_number == number
            )

        found = await gather_bounded(
            self.codes.items(), matches, limit=self.concurrency
        )
        wrong = [code for code, ok in zip(self.codes, found, strict=True) if not ok]
        self._check(
            "codes.get finds each code's room and student",
            len(found),
            sum(found),
            wrong,
        )
        return len(found)

    async def export_reports(self) -> int:
        """Export every room's chat, attendance and answers, then count the files."""

        async def room_reports(room: CreatedRoom) -> dict[str, list[Row]]:
            room_id = room.room_id
            chat = await self.client.reports.chat(room_id)
            attendance = [
                record
                async for record in self.client.reports.attendance(
                    room_id, user_type="all", page_size=5
                )
            ]
            answers = await self.client.reports.answers(room_id)
            tagged = {"room_id": room_id}
            return {
                "chat": [{**tagged, **to_row(message)} for message in chat],
                "attendance": [{**tagged, **to_row(record)} for record in attendance],
                "answers": [{**tagged, **row} for row in answer_rows(answers)],
            }

        per_room = await gather_bounded(
            self.rooms, room_reports, limit=self.concurrency
        )
        columns = {
            "chat": ["room_id", *columns_of(ChatMessage)],
            "attendance": ["room_id", *columns_of(AttendanceRecord)],
            "answers": ["room_id", *ANSWER_COLUMNS],
        }
        exported = 0
        for report, (filename, fmt) in EXPORTS.items():
            path = self.out_dir / filename
            rows = [row for reports in per_room for row in reports[report]]
            await asyncio.to_thread(write_rows, rows, columns[report], fmt, path)
            counted = await asyncio.to_thread(_count_rows, path, fmt)
            self._check(
                f"{report} rows in {path.name}", self.simulated[report], counted
            )
            self.exports[report] = path
            exported += counted
        return exported

    async def daily_stats(self) -> int:
        """Read the day's head counts for every room at once."""
        stats = await self.client.reports.room_user_stats(self.today)
        created = {room.room_id for room in self.rooms}
        ours = [stat for stat in stats if stat.room_id in created]
        self._check("rooms in the day's head counts", len(created), len(ours))
        self._check(
            "students in the day's head counts",
            len(created) * self.students,
            sum(stat.student_count for stat in ours),
        )
        return len(stats)


def _name(number: int) -> str:
    return f"学生{number:02d}"


def _write_courseware(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in COURSEWARE.items():
        path = folder / name
        path.write_bytes(content)
        paths.append(path)
    return paths


def _count_rows(path: Path, fmt: Format) -> int:
    """Count the records in an exported file, reading it back as a consumer would."""
    with path.open(encoding="utf-8", newline="") as stream:
        if fmt is Format.JSONL:
            return sum(1 for line in stream if json.loads(line))
        return sum(1 for _ in csv.DictReader(stream))
