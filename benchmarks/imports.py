"""Row 6: what ``import baijiayun_async`` adds to ``import httpx``.

Each sample is a fresh interpreter that imports httpx, then the SDK, timing
both; the row is the median of the SDK's share. httpx is the baseline because an
application calling any HTTP API pays for it anyway.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

from ._report import Goal, Row

_PROBE = """
import json, time
started = time.perf_counter()
import httpx
middle = time.perf_counter()
import baijiayun_async
ended = time.perf_counter()
print(json.dumps({"httpx": middle - started, "sdk": ended - middle}))
"""


def _sample() -> dict[str, float]:
    answer = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(answer.stdout)


def run(quick: bool) -> list[Row]:
    runs = 9 if quick else 31
    _sample()  # the first run warms the OS file cache
    samples = [_sample() for _ in range(runs)]
    sdk = statistics.median(sample["sdk"] for sample in samples) * 1000
    httpx_ms = statistics.median(sample["httpx"] for sample in samples) * 1000
    return [
        Row(
            "import.sdk_over_httpx",
            sdk,
            "ms",
            baseline=httpx_ms,
            goal=Goal("value", "<=", 60),
            params={"runs": runs, "baseline": "import httpx alone"},
        )
    ]
