"""Fixtures: a client whose traffic goes to a respx router, never the network.

Also the figures the concurrency and reliability suites measure, and a fake that
counts the calls it handles at once.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest
import respx

from baijiayun_async import BaijiayunClient
from baijiayun_async.testing import FakeBaijiayun

from .support import BASE, PARTNER_ID, PARTNER_KEY

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send


@pytest.fixture
def mock_api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def client(mock_api: respx.MockRouter) -> AsyncIterator[BaijiayunClient]:
    async with BaijiayunClient(PARTNER_ID, PARTNER_KEY, "demo123") as bjy:
        yield bjy


# Reliability figures: what the concurrency and fault suites measured, shown at the
# end of every run and kept for the README.

#: Where to also write the figures as Markdown, if anywhere (for the README).
FIGURES_FILE = os.environ.get("BAIJIAYUN_FIGURES_FILE")


@attrs.define
class Figures:
    """Measured figures by scenario, in the order the tests recorded them."""

    scenarios: dict[str, dict[str, str]] = attrs.Factory(dict)

    def record(self, scenario: str, **figures: object) -> None:
        """Keep ``figures`` (name=value) under ``scenario``."""
        shown = {name: _shown(value) for name, value in figures.items()}
        self.scenarios.setdefault(scenario, {}).update(shown)

    def lines(self) -> list[str]:
        """One line per scenario: ``scenario: name=value, ...``."""
        return [
            f"{scenario}: " + ", ".join(f"{k}={v}" for k, v in figures.items())
            for scenario, figures in self.scenarios.items()
        ]


def _shown(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


_FIGURES = Figures()


@pytest.fixture
def figures() -> Figures:
    """Record figures that the run prints at its end and writes for the README."""
    return _FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _FIGURES.scenarios:
        return
    terminalreporter.write_sep("-", "reliability figures")
    for line in _FIGURES.lines():
        terminalreporter.write_line(line)
    if FIGURES_FILE:
        _write_figures(Path(FIGURES_FILE))
        terminalreporter.write_line(f"(written to {FIGURES_FILE})")


def _write_figures(path: Path) -> None:
    cpus = os.cpu_count()
    text = [
        "# Reliability figures",
        "",
        "Measured by `make test` (tests/test_reliability.py, test_concurrency.py,",
        "test_bulk.py) against the fake service over loopback, client and fake in",
        f"one process; Python {platform.python_version()}, {cpus} CPUs, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "Durations depend on the machine; the counts must not.",
        "",
    ]
    for scenario, figures in _FIGURES.scenarios.items():
        text.append(f"## {scenario}")
        text.append("")
        text.extend(f"- {name}: {value}" for name, value in figures.items())
        text.append("")
    path.write_text("\n".join(text), encoding="utf-8")


class CountingFake(FakeBaijiayun):
    """The fake service, also counting the calls it is handling at once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = 0
        self.peak_in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.in_flight -= 1


@pytest.fixture
def counting_fake() -> CountingFake:
    """Give a fresh fake that also counts its concurrent calls."""
    return CountingFake(partner_id=PARTNER_ID, partner_key=PARTNER_KEY)
