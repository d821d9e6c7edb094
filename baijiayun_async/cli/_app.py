"""The ``baijiayun`` commands: one group per SDK namespace, plus sandbox and demo.

Each command is a thin shell over one SDK call (or a paginated walk): it parses
its arguments, runs the call through :func:`._session.run`, and hands the models
to :func:`._output.record_writer`. Credentials come from the root options or the
``BAIJIAYUN_*`` environment variables; the sandbox and the demo need none, since
they bring their own fake service.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import tempfile
import time
from collections.abc import AsyncIterable, Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table
from rich.text import Text

from .._client import BaijiayunClient
from .._errors import BaijiayunError
from .._models import (
    AccountDoc,
    AttendanceRecord,
    ChatMessage,
    Room,
    RoomDoc,
    RoomUserStat,
    StudentCode,
)
from .._namespaces.rooms import Rooms
from ..testing import FakeBaijiayun
from ._bulk import RESULT_COLUMNS, create_rooms, read_rooms_csv, tally
from ._demo import DemoReport, run_demo
from ._output import Format, columns_of, record_writer, to_row, write_rows
from ._reports import ANSWER_COLUMNS, LIVE_COLUMNS, answer_rows, live_status
from ._sandbox import serve_sandbox
from ._session import (
    FAILED,
    USAGE,
    Credentials,
    configure_logging,
    fail,
    run,
    stderr,
)
from ._specs import SpecError, parse_assignments, spec_columns, spec_from_text
from ._tasks import gather_bounded

__all__ = ["app"]

app = typer.Typer(
    name="baijiayun",
    help="Manage Baijiayun small-class rooms, codes, courseware and class reports.",
    no_args_is_help=True,
    # A traceback's local variables would include the partner key.
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
rooms_app = typer.Typer(
    help="Create, read, change and delete rooms.", no_args_is_help=True
)
codes_app = typer.Typer(help="Issue and look up student codes.", no_args_is_help=True)
docs_app = typer.Typer(help="Upload, list and remove courseware.", no_args_is_help=True)
live_app = typer.Typer(
    help="What is happening in rooms right now.", no_args_is_help=True
)
reports_app = typer.Typer(
    help="Export chat, attendance, quiz answers and daily head counts.",
    no_args_is_help=True,
)
app.add_typer(rooms_app, name="rooms")
app.add_typer(codes_app, name="codes")
app.add_typer(docs_app, name="docs")
app.add_typer(live_app, name="live")
app.add_typer(reports_app, name="reports")


class DocSourceChoice(str, enum.Enum):
    """Where a document was uploaded from (``docs.list(source=...)``)."""

    ALL = "all"
    ROOM = "room"
    API = "api"
    MANAGEMENT = "management"


class UserTypeChoice(str, enum.Enum):
    """Whose attendance to export (``reports.attendance(user_type=...)``)."""

    ALL = "all"
    STUDENT = "student"
    TEACHER = "teacher"
    ADMIN = "admin"


FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="How to print the records.")
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", dir_okay=False, help="Write to this file instead of stdout."
    ),
]
RoomId = Annotated[
    int, typer.Argument(help="The room's id.", min=1, show_default=False)
]
DateOption = Annotated[
    str | None,
    typer.Option(help="The day of class, YYYY-MM-DD (needed for long-term rooms)."),
]
ConcurrencyOption = Annotated[
    int, typer.Option(min=1, max=64, help="How many calls to have in flight at once.")
]


@app.callback()
def _root(
    ctx: typer.Context,
    *,
    partner_id: Annotated[
        int | None,
        typer.Option(envvar="BAIJIAYUN_PARTNER_ID", help="The account's partner id."),
    ] = None,
    partner_key: Annotated[
        str | None,
        typer.Option(
            envvar="BAIJIAYUN_PARTNER_KEY",
            show_default=False,
            help=(
                "The account's signing key. Prefer the environment variable: a flag "
                "shows in the shell history and the process list."
            ),
        ),
    ] = None,
    private_domain: Annotated[
        str | None,
        typer.Option(
            envvar="BAIJIAYUN_PRIVATE_DOMAIN",
            help="The account's label in https://<label>.at.baijiayun.com/.",
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            envvar="BAIJIAYUN_BASE_URL",
            help="Another service address, such as a sandbox on http://127.0.0.1.",
        ),
    ] = None,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            metavar="",
            help="Log retries (-v) or every call (-vv).",
        ),
    ] = 0,
) -> None:
    configure_logging(verbose)
    private_domain, base_url = _address(ctx, private_domain, base_url)
    ctx.obj = Credentials(partner_id, partner_key, private_domain, base_url)


def _address(
    ctx: typer.Context, private_domain: str | None, base_url: str | None
) -> tuple[str | None, str | None]:
    """Let an address given as a flag win over the other one set in the environment.

    The client refuses both at once; but ``--base-url`` for a sandbox in a shell
    that exports the real account's ``BAIJIAYUN_PRIVATE_DOMAIN`` means the flag.
    """
    if private_domain is None or base_url is None:
        return private_domain, base_url
    domain_given = _on_command_line(ctx, "private_domain")
    url_given = _on_command_line(ctx, "base_url")
    if url_given and not domain_given:
        return None, base_url
    if domain_given and not url_given:
        return private_domain, None
    return private_domain, base_url


def _on_command_line(ctx: typer.Context, name: str) -> bool:
    # By name: typer bundles its own click, whose enum is not public.
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def _credentials(ctx: typer.Context) -> Credentials:
    credentials = ctx.find_object(Credentials)
    if credentials is None:  # pragma: no cover -- the root callback always sets it
        fail("no credentials", code=USAGE)
    return credentials


def _print_all(
    ctx: typer.Context,
    items: Callable[[BaijiayunClient], AsyncIterable[Any]],
    model: type,
    fmt: Format,
    output: Path | None,
) -> None:
    """Walk a listing to its end, printing each item as it arrives."""
    with record_writer(fmt, columns_of(model), output) as write:

        async def drain(client: BaijiayunClient) -> None:
            async for item in items(client):
                write(to_row(item))

        run(_credentials(ctx), drain)


def _print_one(record: object, fmt: Format, output: Path | None) -> None:
    with record_writer(fmt, columns_of(type(record)), output, single=True) as write:
        write(to_row(record))


def _settings(assignments: list[str], method: Callable[..., object]) -> dict[str, Any]:
    try:
        return spec_from_text(parse_assignments(assignments), method)
    except SpecError as exc:
        raise typer.BadParameter(str(exc), param_hint="KEY=VALUE") from None


# rooms

_CREATE_SETTINGS = ", ".join(spec_columns(Rooms.create))
_UPDATE_SETTINGS = ", ".join(spec_columns(Rooms.update))


@rooms_app.command(
    "create", help=f"Create a room from KEY=VALUE settings: {_CREATE_SETTINGS}."
)
def rooms_create(
    ctx: typer.Context,
    settings: Annotated[
        list[str],
        typer.Argument(
            metavar="KEY=VALUE...",
            help=(
                "Times are unix seconds or ISO-8601 with an offset, e.g. "
                "start_time=2025-03-01T19:00:00+08:00; flags are 1/0."
            ),
        ),
    ],
    *,
    fmt: FormatOption = Format.TABLE,
    output: OutputOption = None,
) -> None:
    spec = _settings(settings, Rooms.create)
    room = run(_credentials(ctx), lambda client: client.rooms.create(**spec))
    _print_one(room, fmt, output)


@rooms_app.command("get")
def rooms_get(
    ctx: typer.Context,
    room_id: RoomId,
    *,
    fmt: FormatOption = Format.TABLE,
    output: OutputOption = None,
) -> None:
    """Show a room's title, schedule, type, seats and codes."""
    room = run(_credentials(ctx), lambda client: client.rooms.get(room_id))
    _print_one(room, fmt, output)


@rooms_app.command("list")
def rooms_list(
    ctx: typer.Context,
    *,
    product_type: Annotated[
        int | None, typer.Option(help="Only this product (2 = small class).")
    ] = None,
    page_size: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    fmt: FormatOption = Format.TABLE,
    output: OutputOption = None,
) -> None:
    """List every room of the account, page after page."""
    _print_all(
        ctx,
        lambda client: client.rooms.list(
            product_type=product_type, page_size=page_size
        ),
        Room,
        fmt,
        output,
    )


@rooms_app.command(
    "update", help=f"Change a room's settings, given as KEY=VALUE: {_UPDATE_SETTINGS}."
)
def rooms_update(
    ctx: typer.Context,
    room_id: RoomId,
    settings: Annotated[list[str], typer.Argument(metavar="KEY=VALUE...")],
) -> None:
    spec = _settings(settings, Rooms.update)
    run(_credentials(ctx), lambda client: client.rooms.update(room_id, **spec))
    stderr().print(f"room {room_id} updated")


@rooms_app.command("delete")
def rooms_delete(
    ctx: typer.Context,
    room_id: RoomId,
    *,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Delete a room; its codes stop working."""
    if not yes:
        typer.confirm(f"Delete room {room_id}?", abort=True, err=True)
    run(_credentials(ctx), lambda client: client.rooms.delete(room_id))
    stderr().print(f"room {room_id} deleted")


@rooms_app.command("bulk-create")
def rooms_bulk_create(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            metavar="FILE.csv",
            help=(
                "A header of rooms.create settings (title,start_time,end_time,"
                "max_users,...), then one room per row."
            ),
        ),
    ],
    *,
    concurrency: ConcurrencyOption = 8,
    reconcile: Annotated[
        bool,
        typer.Option(
            help=(
                "When a create may have reached the service without an answer, "
                "look the room up instead of reporting it as unknown."
            )
        ),
    ] = False,
    fmt: FormatOption = Format.CSV,
    output: OutputOption = None,
) -> None:
    """Create many rooms at once; print one result row per input row, in order.

    Rows that cannot be read or are refused are reported as failed and do not stop
    the others. The exit code is 1 when any row was not created.
    """
    try:
        with file.open(encoding="utf-8-sig", newline="") as lines:
            rows = read_rooms_csv(lines)
    except (SpecError, UnicodeDecodeError) as exc:
        raise typer.BadParameter(str(exc), param_hint="FILE.csv") from None

    progress = Progress(
        TextColumn("creating rooms"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr(),
        transient=True,
    )
    task = progress.add_task("create", total=sum(row.spec is not None for row in rows))

    def advance(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    with progress:
        results = run(
            _credentials(ctx),
            lambda client: create_rooms(
                client,
                rows,
                concurrency=concurrency,
                reconcile=reconcile,
                progress=advance,
            ),
        )
    write_rows(results, RESULT_COLUMNS, fmt, output)

    counts = tally(results)
    summary = ", ".join(
        f"{counts[status]} {status}" for status in ("created", "failed", "unknown")
    )
    stderr().print(f"{len(results)} rows: {summary}")
    if counts["created"] != len(results):
        raise typer.Exit(FAILED)


# codes


@codes_app.command("create")
def codes_create(
    ctx: typer.Context,
    room_id: RoomId,
    user_numbers: Annotated[
        list[int],
        typer.Argument(
            metavar="USER_NUMBER...",
            min=0,
            help="Students' numbers in your system; 0 gets the room's shared code.",
        ),
    ],
    *,
    avatar: Annotated[
        str | None, typer.Option(help="URL of the students' avatar image.")
    ] = None,
    concurrency: ConcurrencyOption = 8,
    fmt: FormatOption = Format.TABLE,
    output: OutputOption = None,
) -> None:
    """Issue students' codes for a room; a second login with one logs out the first."""

    async def issue(client: BaijiayunClient) -> list[str]:
        def one(number: int) -> Awaitable[str]:
            return client.codes.create(room_id, number, user_avatar=avatar)

        return await gather_bounded(user_numbers, one, limit=concurrency)

    codes = run(_credentials(ctx), issue)
    issued = (
        {"room_id": room_id, "user_number": number, "code": code}
        for number, code in zip(user_numbers, codes, strict=True)
    )
    write_rows(issued, ["room_id", "user_number", "code"], fmt, output)


@codes_app.command("list")
def codes_list(
    ctx: typer.Context,
    room_id: RoomId,
    *,
    page_size: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    fmt: FormatOption = Format.TABLE,
    output: OutputOption = None,
) -> None:
    """List the student codes issued for a room, the shared one included."""
    _print_all(
        ctx,
        lambda client: client.codes.list(room_id, page_size=page_size),
        StudentCode,
        fmt,
        output,
    )


@codes_app.command("get")
def codes_get(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The six-character code.")],
    *,
    fmt: FormatOption = Format.TABLE,
    output: OutputOption = None,
) -> None:
    """Tell whom a code admits to which room."""
    info = run(_credentials(ctx), lambda client: client.codes.get(code))
    if info is None:
        fail("no such code")
    _print_one(info, fmt, output)


# docs


@docs_app.command("upload")
def docs_upload(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    *,
    room_id: Annotated[
        int | None, typer.Option(min=1, help="Also bind it to this room.")
    ] = None,
    ppt_animation: Annotated[
        bool, typer.Option(help="Keep a PowerPoint's animations.")
    ] = False,
    name: Annotated[
        str | None, typer.Option(help="The document's name, if not the file's.")
    ] = None,
    fmt: FormatOption = Format.TABLE,
    output: OutputOption = None,
) -> None:
    """Upload a document (.pdf .ppt(x) .doc(x) images, .zip courseware)."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=stderr(),
        transient=True,
    )
    task = progress.add_task(f"uploading {name or file.name}", total=None)

    def advance(sent: int, total: int | None) -> None:
        progress.update(task, completed=sent, total=total)

    with progress:
        doc = run(
            _credentials(ctx),
            lambda client: client.docs.upload(
                file,
                room_id=room_id,
                ppt_animation=ppt_animation,
                filename=name,
                progress=advance,
            ),
        )
    _print_one(doc, fmt, output)


@docs_app.command("list")
def docs_list(
    ctx: typer.Context,
    *,
    room_id: Annotated[
        int | None,
        typer.Option(min=1, help="List the documents bound to this room instead."),
    ] = None,
    source: Annotated[
        DocSourceChoice, typer.Option(help="Where the documents were uploaded from.")
    ] = DocSourceChoice.ALL,
    page_size: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    fmt: FormatOption = Format.TABLE,
    output: OutputOption = None,
) -> None:
    """List the account's documents, or those bound to one room."""
    if room_id is not None:
        docs = run(_credentials(ctx), lambda client: client.docs.room_docs(room_id))
        write_rows(map(to_row, docs), columns_of(RoomDoc), fmt, output)
        return
    _print_all(
        ctx,
        lambda client: client.docs.list(source=source.value, page_size=page_size),
        AccountDoc,
        fmt,
        output,
    )


@docs_app.command("remove")
def docs_remove(
    ctx: typer.Context,
    room_id: RoomId,
    fid: Annotated[int, typer.Argument(min=1, help="The document's fid.")],
) -> None:
    """Take a document out of a room."""
    run(_credentials(ctx), lambda client: client.docs.remove(room_id, fid))
    stderr().print(f"document {fid} removed from room {room_id}")


# live


@live_app.command("status")
def live_status_command(
    ctx: typer.Context,
    room_ids: Annotated[list[int], typer.Argument(metavar="ROOM_ID...", min=1)],
    *,
    concurrency: ConcurrencyOption = 8,
    fmt: FormatOption = Format.TABLE,
    output: OutputOption = None,
) -> None:
    """Show whether class is on, whether the teacher is in, and how many are there."""

    async def ask(client: BaijiayunClient) -> list[dict[str, Any]]:
        return await gather_bounded(
            room_ids, functools.partial(live_status, client), limit=concurrency
        )

    write_rows(run(_credentials(ctx), ask), LIVE_COLUMNS, fmt, output)


# reports


@reports_app.command("chat")
def reports_chat(
    ctx: typer.Context,
    room_id: RoomId,
    *,
    date: DateOption = None,
    fmt: FormatOption = Format.TABLE,
    output: OutputOption = None,
) -> None:
    """Export a room's chat (the service keeps the last two weeks)."""
    messages = run(
        _credentials(ctx), lambda client: client.reports.chat(room_id, date=date)
    )
    write_rows(map(to_row, messages), columns_of(ChatMessage), fmt, output)


@reports_app.command("attendance")
def reports_attendance(
    ctx: typer.Context,
    room_id: RoomId,
    *,
    user_type: Annotated[
        UserTypeChoice, typer.Option(help="Whose attendance (admin = assistants).")
    ] = UserTypeChoice.STUDENT,
    date: DateOption = None,
    page_size: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    fmt: FormatOption = Format.TABLE,
    output: OutputOption = None,
) -> None:
    """Export who attended a room, when, for how long and from where."""
    _print_all(
        ctx,
        lambda client: client.reports.attendance(
            room_id,
            user_type=user_type.value,
            date=date,
            page_size=page_size,
        ),
        AttendanceRecord,
        fmt,
        output,
    )


@reports_app.command("answers")
def reports_answers(
    ctx: typer.Context,
    room_id: RoomId,
    *,
    date: DateOption = None,
    fmt: FormatOption = Format.TABLE,
    output: OutputOption = None,
) -> None:
    """Export the quiz questions of a room, one row per student answer."""
    questions = run(
        _credentials(ctx), lambda client: client.reports.answers(room_id, date=date)
    )
    write_rows(answer_rows(questions), ANSWER_COLUMNS, fmt, output)


@reports_app.command("stats")
def reports_stats(
    ctx: typer.Context,
    date: Annotated[str, typer.Argument(help="The day, YYYY-MM-DD.")],
    *,
    product_type: Annotated[
        int, typer.Option(help="2 small class, 1 education live, 4 enterprise live.")
    ] = 2,
    fmt: FormatOption = Format.TABLE,
    output: OutputOption = None,
) -> None:
    """Export every room's head count and peak on one day."""
    stats = run(
        _credentials(ctx),
        lambda client: client.reports.room_user_stats(date, product_type=product_type),
    )
    write_rows(map(to_row, stats), columns_of(RoomUserStat), fmt, output)


# sandbox and demo


@app.command()
def sandbox(
    *,
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="The port; 0 picks a free one.")
    ] = 0,
    host: Annotated[
        str, typer.Option(help="A loopback address: the fake accepts any signed call.")
    ] = "127.0.0.1",
) -> None:
    """Run the fake service on loopback for an app under development, until Ctrl-C.

    It prints the address and the fake account's id and key. They are the fake's
    own, not a real account's, so printing them is safe.
    """
    console = Console(highlight=False, soft_wrap=True)

    def ready(fake: FakeBaijiayun, base_url: str) -> None:
        console.print(
            f"Baijiayun sandbox (an in-memory fake) listening on {base_url}\n"
            "Point your app at it with these settings; the key is the fake's own, "
            "not a secret:\n",
            markup=False,
        )
        for variable, value in (
            ("BAIJIAYUN_BASE_URL", base_url),
            ("BAIJIAYUN_PARTNER_ID", fake.partner_id),
            ("BAIJIAYUN_PARTNER_KEY", fake.partner_key),
        ):
            console.print(f"  export {variable}={value}", markup=False)
        console.print("\nData lives in memory and is lost on exit. Ctrl-C stops it.")

    def received(path: str) -> None:
        console.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] openapi/{path}")

    try:
        asyncio.run(serve_sandbox(host, port, ready=ready, received=received))
    except ValueError as exc:  # not a loopback address
        raise typer.BadParameter(str(exc), param_hint="--host") from None
    except OSError as exc:  # the port is taken
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        console.print("sandbox stopped")


@app.command()
def demo(
    *,
    rooms: Annotated[
        int,
        typer.Option(
            min=1, max=500, help="Lessons in the term, three a day from tomorrow."
        ),
    ] = 36,
    students: Annotated[
        int, typer.Option(min=1, max=12, help="Students per small class.")
    ] = 12,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            file_okay=False, help="Where to write exports (default: a new temp dir)."
        ),
    ] = None,
) -> None:
    """Run a whole term against a local fake over real sockets, and check it.

    Creates the rooms, issues every code, uploads courseware, lets the fake play
    the classes, then reads, lists and exports everything and checks the numbers.
    Exits 1 if anything does not add up.
    """
    folder = out_dir or Path(tempfile.mkdtemp(prefix="baijiayun-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    console = Console(highlight=False)
    with console.status("starting the fake") as status:

        def announce(step: str) -> None:
            status.update(f"{step}…")

        try:
            report = asyncio.run(
                run_demo(
                    rooms=rooms, students=students, out_dir=folder, announce=announce
                )
            )
        except BaijiayunError as exc:
            fail(str(exc))
        except OSError as exc:  # the output folder cannot be written
            fail(f"{exc.filename or folder}: {exc.strerror or exc}")
    _print_report(console, report)
    if not report.ok:
        for check in report.mismatches:
            stderr().print(
                f"mismatch: {check.name}: expected {check.expected}, got "
                f"{check.actual} {check.detail}".rstrip(),
                markup=False,
            )
        raise typer.Exit(FAILED)


def _print_report(console: Console, report: DemoReport) -> None:
    """Print the demo's steps with their timings, its checks, and the exports."""
    steps = Table("step", "items", "API calls", "seconds", "calls/s", title="Demo term")
    for step in report.steps:
        rate = f"{step.calls / step.seconds:.0f}" if step.calls and step.seconds else ""
        steps.add_row(
            step.name, str(step.items), str(step.calls), f"{step.seconds:.2f}", rate
        )
    total_calls = sum(step.calls for step in report.steps)
    total_seconds = sum(step.seconds for step in report.steps)
    steps.add_section()
    steps.add_row(
        "total",
        "",
        str(total_calls),
        f"{total_seconds:.2f}",
        f"{total_calls / total_seconds:.0f}" if total_seconds else "",
    )
    console.print(steps)

    checks = Table("check", "expected", "found", "", title="Checks")
    for check in report.checks:
        mark = "[green]ok[/green]" if check.ok else "[red]MISMATCH[/red]"
        checks.add_row(Text(check.name), str(check.expected), str(check.actual), mark)
    console.print(checks)

    for name, path in report.exports.items():
        console.print(f"{name}: {path}", markup=False)
    passed = sum(check.ok for check in report.checks)
    verdict = "all checks passed" if report.ok else "SOME CHECKS FAILED"
    console.print(
        f"{passed}/{len(report.checks)} checks: {verdict} "
        f"(fake served on {report.base_url})",
        markup=False,
    )
