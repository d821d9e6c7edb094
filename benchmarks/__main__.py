"""``python -m benchmarks [--quick] [--json PATH] [--only NAME ...]``: one table."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

from . import bulk, imports, listing, memory, overhead, throughput, upload
from ._report import Row, print_table, write_json

FAMILIES: dict[str, Callable[[bool], list[Row]]] = {
    "overhead": overhead.run,
    "bulk": bulk.run,
    "throughput": throughput.run,
    "listing": listing.run,
    "upload": upload.run,
    "import": imports.run,
    "memory": memory.run,
}


def _machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="smaller, faster runs")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument(
        "--only", nargs="+", choices=sorted(FAMILIES), help="run only these families"
    )
    args = parser.parse_args()

    rows: list[Row] = []
    started = time.perf_counter()
    for name in args.only or FAMILIES:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows += FAMILIES[name](args.quick)
    elapsed = time.perf_counter() - started

    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    mode = "quick" if args.quick else "full"
    print_table(rows, f"baijiayun-async benchmarks ({mode}, {elapsed:.0f} s)")
    print(f"{_machine()}; {when}")
    if args.json is not None:
        write_json(rows, args.json)


if __name__ == "__main__":
    main()
