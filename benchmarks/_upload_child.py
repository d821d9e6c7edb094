"""One side of the upload benchmark, in a process of its own so its memory is its own.

``python -m benchmarks._upload_child sdk|curl BASE_URL PATH`` uploads the file and
prints one JSON line: seconds, and (for the SDK) the peak growth of this
process's resident memory during the upload. For curl, the growth is curl's own
peak resident size (``ru_maxrss`` of the finished child).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import time

from baijiayun_async import BaijiayunClient

from ._common import PARTNER_ID, PARTNER_KEY, signed_form
from ._rss import PeakMemory


async def _sdk(base_url: str, path: str) -> dict[str, object]:
    client = BaijiayunClient(
        PARTNER_ID, PARTNER_KEY, base_url=base_url, rate_limit=None
    )
    async with client:
        # One small call first: the pool, its connection and the code paths are
        # warm, so the baseline holds everything but the upload itself.
        await client.docs.upload(b"%PDF-1.4\n", filename="warm.pdf")
        with PeakMemory() as memory:
            started = time.perf_counter()
            doc = await client.docs.upload(path)
            seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rss_growth": memory.growth,
        "rss_baseline": memory.baseline,
        "method": memory.method,
        "fid": doc.fid,
    }


def _curl(base_url: str, path: str) -> dict[str, object]:
    fields = signed_form({})
    command = ["/usr/bin/curl", "--silent", "--show-error", "--fail"]
    for name, value in fields.items():
        command += ["--form-string", f"{name}={value}"]
    command += ["--form", f"attachment=@{path}", base_url + "openapi/doc/uploadDoc"]
    started = time.perf_counter()
    answer = subprocess.run(command, capture_output=True, check=True)
    seconds = time.perf_counter() - started
    if json.loads(answer.stdout)["code"] != 0:
        raise RuntimeError(answer.stdout.decode())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"seconds": seconds, "rss_peak": peak, "method": "ru_maxrss"}


def main() -> None:
    side, base_url, path = sys.argv[1:4]
    if side == "sdk":
        result = asyncio.run(_sdk(base_url, path))
    else:
        result = _curl(base_url, path)
    result["size"] = os.path.getsize(path)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
