"""The demo end to end, and the sandbox, both over real loopback sockets."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from baijiayun_async import BaijiayunClient
from baijiayun_async.cli import _demo
from baijiayun_async.cli._app import app
from baijiayun_async.cli._demo import run_demo
from baijiayun_async.cli._sandbox import (
    SANDBOX_PARTNER_ID,
    SANDBOX_PARTNER_KEY,
    serve_sandbox,
)
from baijiayun_async.testing import FakeBaijiayun


def test_demo_runs_a_small_term_and_passes_its_checks(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["demo", "--rooms", "6", "--students", "4", "--out-dir", str(tmp_path)]
    )

    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "all checks passed" in result.stdout
    assert "MISMATCH" not in result.stdout
    chat = (tmp_path / "chat.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(chat) == 6 * (4 + 1)  # each student and the teacher say something
    assert {json.loads(line)["content"] for line in chat} >= {"同学们好"}
    with (tmp_path / "answers.csv").open(encoding="utf-8") as answers:
        assert len(list(csv.DictReader(answers))) == 6 * _demo.QUESTIONS_PER_CLASS * 4


async def test_demo_report_counts_and_times_every_step(tmp_path: Path) -> None:
    report = await run_demo(rooms=3, students=2, out_dir=tmp_path, concurrency=4)

    assert report.ok, report.mismatches
    assert report.base_url.startswith("http://127.0.0.1:")
    steps = {step.name: step for step in report.steps}
    assert steps["create rooms"].items == 3
    assert steps["issue codes"].calls == 3 * (2 + 1)
    assert steps["look up every code"].calls == 3 * (2 + 1)
    assert steps["simulate classes"].calls == 0
    assert all(step.seconds >= 0 for step in report.steps)
    assert set(report.exports) == {"chat", "attendance", "answers"}
    assert all(path.parent == tmp_path for path in report.exports.values())


def test_demo_exits_1_and_names_a_mismatch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_demo, "_count_rows", lambda path, fmt: 0)
    result = CliRunner().invoke(
        app, ["demo", "--rooms", "2", "--students", "2", "--out-dir", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "mismatch: chat rows in chat.jsonl: expected 6, got 0" in result.stderr


async def test_sandbox_serves_its_fixed_fake_account() -> None:
    started: asyncio.Future[tuple[FakeBaijiayun, str]] = asyncio.Future()
    paths: list[str] = []
    task = asyncio.create_task(
        serve_sandbox(
            "127.0.0.1",
            0,
            ready=lambda fake, url: started.set_result((fake, url)),
            received=paths.append,
        )
    )
    fake, base_url = await asyncio.wait_for(started, 10)
    async with BaijiayunClient(
        SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY, base_url=base_url
    ) as client:
        assert [room async for room in client.rooms.list()] == []
    await asyncio.sleep(0.5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert paths == ["room/list"]
    assert fake.partner_id == SANDBOX_PARTNER_ID


def test_sandbox_refuses_a_public_address() -> None:
    result = CliRunner().invoke(app, ["sandbox", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "loopback" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_sandbox_command_prints_settings_and_stops_on_ctrl_c() -> None:
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "baijiayun_async.cli", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"},
    )
    try:
        assert sandbox.stdout is not None
        settings = {}
        for line in sandbox.stdout:
            if line.strip().startswith("export "):
                name, _, value = line.strip().removeprefix("export ").partition("=")
                settings[name] = value
            if len(settings) == 3:
                break
        assert settings["BAIJIAYUN_PARTNER_KEY"] == SANDBOX_PARTNER_KEY
        assert settings["BAIJIAYUN_BASE_URL"].startswith("http://127.0.0.1:")

        listed = CliRunner().invoke(app, ["rooms", "list", "-f", "csv"], env=settings)
        assert listed.exit_code == 0, listed.stderr
        assert listed.stdout.startswith("room_id,title")

        sandbox.send_signal(signal.SIGINT)
        rest, errors = sandbox.communicate(timeout=10)
    finally:
        sandbox.kill()
    assert sandbox.returncode == 0, errors
    assert "openapi/room/list" in rest
    assert "sandbox stopped" in rest
