"""A large upload streams: the client's memory does not grow with the file.

Two child processes: the fake server in one, the uploading client in the other,
so that the resident memory measured is the client's alone. The client takes its
resident size after imports, client set-up and a first small upload (pool open,
code paths warm), resets the kernel's peak counter, uploads a 512 MiB sparse
file through ``docs.upload`` and reads the peak (``VmHWM``) back. The growth
therefore counts everything the upload added at its worst moment: chunks in
flight, worker threads, socket buffers held by Python.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .support import PARTNER_ID, PARTNER_KEY

MIB = 1024 * 1024
SIZE = 512 * MIB
LIMIT = 32 * MIB

SERVER = """
import asyncio, sys
from baijiayun_async.testing import FakeBaijiayun

async def main():
    fake = FakeBaijiayun({partner_id}, {partner_key!r})
    async with fake.serve(host="127.0.0.1", port=0) as base_url:
        print(base_url, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)

asyncio.run(main())
"""

CLIENT = """
import asyncio, json, sys
from pathlib import Path
from baijiayun_async import BaijiayunClient

def status_kib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024

async def main(base_url, path):
    async with BaijiayunClient({partner_id}, {partner_key!r}, base_url=base_url) as bjy:
        await bjy.docs.upload(b"%PDF-1.4", filename="warm.pdf")
        baseline = status_kib("VmRSS")
        Path("/proc/self/clear_refs").write_text("5")
        doc = await bjy.docs.upload(path)
        peak = status_kib("VmHWM")
    print(json.dumps({{"baseline": baseline, "peak": peak, "fid": doc.fid}}))

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def _peak_resettable() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _peak_resettable(), reason="needs Linux /proc peak reset")
def test_uploading_512_mib_adds_under_32_mib_to_the_client(tmp_path: Path) -> None:
    path = tmp_path / "course.pdf"
    with path.open("wb") as handle:
        handle.truncate(SIZE)  # sparse: no disk blocks, reads return zeros

    keys = {"partner_id": PARTNER_ID, "partner_key": PARTNER_KEY}
    with subprocess.Popen(
        [sys.executable, "-c", SERVER.format(**keys)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as server:
        assert server.stdin is not None
        assert server.stdout is not None
        try:
            base_url = server.stdout.readline().strip()
            assert base_url.startswith("http://127.0.0.1:")
            client = subprocess.run(
                [sys.executable, "-c", CLIENT.format(**keys), base_url, str(path)],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        finally:
            server.stdin.close()  # the server stops when its stdin closes
            server.wait(timeout=10)

    assert client.returncode == 0, client.stderr
    result = json.loads(client.stdout)
    growth = result["peak"] - result["baseline"]
    assert result["fid"] > 0
    assert growth < LIMIT, f"the client grew by {growth / MIB:.1f} MiB"
