"""Row 7: peak memory of 10 000 calls in flight at once.

Each side runs in a fresh process: 10 000 gathered ``rooms.get`` calls (SDK, with
a pool as large as the batch so that every call truly reaches the transport)
against the same number of hand-written httpx calls, over an in-process
transport that holds every call until all of them have arrived.
"""

from __future__ import annotations

from ._common import run_child
from ._report import Row

CALLS = 10_000
KIB = 1024


def run(quick: bool) -> list[Row]:
    sdk = run_child("benchmarks._memory_child", "sdk", str(CALLS))
    raw = run_child("benchmarks._memory_child", "raw", str(CALLS))
    return [
        Row(
            "memory.in_flight_10k",
            sdk["rss_growth"] / KIB / KIB,
            "MiB",
            baseline=raw["rss_growth"] / KIB / KIB,
            params={
                "calls": CALLS,
                "held_together": sdk["held"] - 1,
                "per_call_kib": round(sdk["rss_growth"] / CALLS / KIB, 1),
                "baseline": "raw httpx",
            },
        )
    ]
