"""Timing helpers: alternate the contenders, keep the median round."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable

__all__ = ["alternate"]


async def alternate(
    contenders: dict[str, Callable[[], Awaitable[None]]],
    rounds: int,
    *,
    warmup: int = 1,
) -> dict[str, float]:
    """Run each contender once per round, in turn; return its median seconds.

    Interleaving the contenders spreads any drift of the machine (another
    process, a CPU frequency change) over all of them instead of one.
    """
    for _ in range(warmup):
        for run in contenders.values():
            await run()
    seconds: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, run in contenders.items():
            started = time.perf_counter()
            await run()
            seconds[name].append(time.perf_counter() - started)
    return {name: statistics.median(times) for name, times in seconds.items()}
