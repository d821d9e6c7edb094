"""Peak resident memory of this process, from a baseline taken on request.

Linux keeps the peak (``VmHWM``) and lets a process reset it by writing ``5`` to
``/proc/self/clear_refs``; then the peak after the work, minus the resident size
before it, is what the work added at its worst. Elsewhere a sampling thread
stands in, which can miss short spikes.
"""

from __future__ import annotations

import threading
from pathlib import Path

import psutil

__all__ = ["PeakMemory"]

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kib(field: str) -> int | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class PeakMemory:
    """``with PeakMemory() as peak: ...`` then ``peak.growth`` in bytes."""

    def __init__(self, interval: float = 0.005) -> None:
        self._process = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self._sampled = 0
        self._thread: threading.Thread | None = None
        self._exact = False
        self.baseline = 0
        self.peak = 0
        self.method = ""

    @property
    def growth(self) -> int:
        """Peak resident bytes during the block beyond those before it."""
        return max(0, self.peak - self.baseline)

    def __enter__(self) -> PeakMemory:
        self.baseline = self._process.memory_info().rss
        try:
            _CLEAR_REFS.write_text("5")
            self._exact = _status_kib("VmHWM") is not None
        except OSError:
            self._exact = False
        if not self._exact:
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        if self._exact:
            self.peak = (_status_kib("VmHWM") or 0) * 1024
            self.method = "VmHWM"
        else:
            self._stop.set()
            assert self._thread is not None
            self._thread.join()
            self.peak = max(self._sampled, self._process.memory_info().rss)
            self.method = "sampled"

    def _sample(self) -> None:
        while not self._stop.wait(self._interval):
            self._sampled = max(self._sampled, self._process.memory_info().rss)
