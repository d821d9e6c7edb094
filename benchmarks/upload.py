"""Row family 5: uploading a large document over loopback (issue 5).

``docs.upload`` against ``curl -F`` on the same fake server (its own process),
each side in a fresh process of its own: the throughput ratio, and how much the
SDK's resident memory grows at its peak while sending (the file is sparse, so
reading it costs no disk and what stays resident is the client's doing). A
second measurement feeds the upload from a file object whose every read takes
40 ms, and meanwhile samples the event loop's lag every millisecond and keeps
``rooms.get`` calls going: file reads happen in worker threads, so the loop must
stay responsive.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
import time
from pathlib import Path

from baijiayun_async import BaijiayunClient

from ._common import PARTNER_ID, PARTNER_KEY, FakeProcess, run_child
from ._report import Goal, Row

MIB = 1024 * 1024
SLOW_READ = 0.040


class SlowSource:
    """A binary file object whose every read blocks for ``SLOW_READ`` seconds."""

    name = "slow.pdf"

    def __init__(self, size: int) -> None:
        self._left = size
        self.reads = 0

    def read(self, size: int = -1) -> bytes:
        """Return up to ``size`` zero bytes, after a blocking pause."""
        time.sleep(SLOW_READ)
        self.reads += 1
        count = self._left if size < 0 else min(size, self._left)
        self._left -= count
        return bytes(count)

    def seekable(self) -> bool:
        """Not seekable: the upload cannot be retried, like a pipe."""
        return False


async def _slow_upload(base_url: str, room_id: int, size: int) -> dict[str, float]:
    client = BaijiayunClient(
        PARTNER_ID, PARTNER_KEY, base_url=base_url, rate_limit=None
    )
    lags: list[float] = []
    completed = 0
    done = asyncio.Event()

    async def monitor() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append(time.perf_counter() - before - 0.001)

    async def other_calls() -> None:
        nonlocal completed
        while not done.is_set():
            await client.rooms.get(room_id)
            completed += 1

    async with client:
        await client.rooms.get(room_id)  # connections and code paths warm
        source = SlowSource(size)
        tasks = [asyncio.create_task(monitor()), asyncio.create_task(other_calls())]
        started = time.perf_counter()
        await client.docs.upload(source, size=size)
        seconds = time.perf_counter() - started
        done.set()
        await asyncio.gather(*tasks)
    return {
        "worst_lag_ms": max(lags) * 1000,
        "completed": completed,
        "seconds": seconds,
        "reads": source.reads,
        "threads": threading.active_count(),
    }


def run(quick: bool) -> list[Row]:
    size = (256 if quick else 1024) * MIB
    slow_size = (16 if quick else 48) * MIB
    with tempfile.TemporaryDirectory() as folder, FakeProcess.start() as fake:
        path = Path(folder) / "big.pdf"
        with path.open("wb") as handle:
            handle.truncate(size)  # sparse: no disk blocks, reads return zeros
        curl = run_child("benchmarks._upload_child", "curl", fake.base_url, str(path))
        sdk = run_child("benchmarks._upload_child", "sdk", fake.base_url, str(path))
        slow = asyncio.run(_slow_upload(fake.base_url, fake.room_ids[0], slow_size))
    size_mib = size // MIB
    return [
        Row(
            "upload.throughput",
            size / sdk["seconds"] / MIB,
            "MiB/s",
            baseline=size / curl["seconds"] / MIB,
            goal=Goal("ratio", ">=", 0.8),
            params={"size_mib": size_mib, "baseline": "curl -F", "server": "fake"},
        ),
        Row(
            "upload.peak_rss_growth",
            sdk["rss_growth"] / MIB,
            "MiB",
            goal=Goal("value", "<", 32),
            params={
                "size_mib": size_mib,
                "method": sdk["method"],
                "curl_peak_rss_mib": round(curl["rss_peak"] / MIB, 1),
            },
        ),
        Row(
            "upload.slow_source_lag",
            slow["worst_lag_ms"],
            "ms",
            goal=Goal("value", "<", 10),
            params={
                "read_ms": SLOW_READ * 1000,
                "size_mib": slow_size // MIB,
                "upload_s": round(slow["seconds"], 2),
            },
        ),
        Row(
            "upload.slow_source_calls",
            slow["completed"],
            "calls",
            goal=Goal("value", ">", 0),
            params={"during": "slow-source upload", "call": "rooms.get"},
        ),
    ]
