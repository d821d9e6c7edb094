"""What the benchmark families share: the account, canned answers, a raw call."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import httpx

from baijiayun_async import sign

__all__ = [
    "PARTNER_ID",
    "PARTNER_KEY",
    "CannedTransport",
    "FakeProcess",
    "envelope",
    "raw_call",
    "run_child",
    "signed_form",
]

PARTNER_ID = 12345678
PARTNER_KEY = "benchmark-partner-key"
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def envelope(data: object) -> bytes:
    """A successful answer carrying ``data``."""
    return json.dumps(
        {"code": 0, "msg": "", "data": data, "ts": 1_700_000_000}
    ).encode()


class CannedTransport(httpx.AsyncBaseTransport):
    """Answer every request in-process with the bytes ``answer(request)`` gives.

    No socket and no server: what is left to measure is the client's own work.
    """

    def __init__(self, answer: Callable[[httpx.Request], bytes]) -> None:
        self._answer = answer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer at once, reading the request body as a server would."""
        await request.aread()
        return httpx.Response(
            200,
            headers={"Content-Type": "application/json"},
            content=self._answer(request),
        )


def signed_form(params: dict[str, Any]) -> dict[str, str]:
    """The fields of a call as sent: rendered, with ``partner_id``, time and sign."""
    form = {key: str(value) for key, value in params.items()}
    form["partner_id"] = str(PARTNER_ID)
    form["timestamp"] = str(int(time.time()))
    form["sign"] = sign(form, PARTNER_KEY)
    return form


async def raw_call(http: httpx.AsyncClient, url: str, params: dict[str, Any]) -> Any:
    """The hand-written call an SDK competes with: sign, POST, ``json.loads``."""
    body = urlencode(signed_form(params)).encode()
    response = await http.post(url, content=body, headers=_FORM)
    payload = json.loads(response.content)
    if payload["code"] != 0:
        raise RuntimeError(f"API error {payload['code']}: {payload['msg']}")
    return payload["data"]


class FakeProcess:
    """The fake service on loopback in a process of its own.

    Keeping the server out of the measured process means its CPU and memory are
    not charged to the client, and it gets the second core.
    """

    def __init__(self, base_url: str, room_ids: list[int], process: Any) -> None:
        self.base_url = base_url
        self.room_ids = room_ids
        self._process = process

    @classmethod
    @contextlib.contextmanager
    def start(cls, *, latency: float = 0.0, rooms: int = 1) -> Iterator[FakeProcess]:
        """Run the fake until the block ends; stop it by closing its stdin."""
        command = [
            sys.executable,
            "-m",
            "benchmarks._fakeproc",
            f"--latency={latency}",
            f"--rooms={rooms}",
        ]
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            if not line:
                raise RuntimeError("the fake server process did not start")
            ready = json.loads(line)
            yield cls(ready["base_url"], ready["room_ids"], process)
        finally:
            if process.stdin is not None:
                process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def run_child(module: str, *args: str, timeout: float = 300) -> Any:
    """Run ``python -m module args`` and return the JSON its last line prints."""
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])
