"""The sandbox's clock: real time plus an offset the control API can advance."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta


class Clock:
    """UTC time as the simulated Qonto sees it; ``advance`` moves it forward for tests and demos."""

    def __init__(self, offset: timedelta | None = None) -> None:
        self._offset = offset or timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def today(self) -> date:
        return self.now().date()

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    @property
    def offset_seconds(self) -> float:
        return self._offset.total_seconds()
