"""The sandbox's clock: real time plus an offset the control API can advance.

A clock can also be frozen (time then moves only through ``advance``): tests that reason about
time windows use it so that real time spent computing never shows up in their timestamps.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta


class Clock:
    """UTC time as the simulated Qonto sees it; ``advance`` moves it forward for tests and demos."""

    def __init__(self, offset: timedelta | None = None) -> None:
        self._offset = offset or timedelta()
        self._frozen_at: datetime | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            base = self._frozen_at if self._frozen_at is not None else datetime.now(UTC)
            return base + self._offset

    def today(self) -> date:
        return self.now().date()

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    def freeze(self) -> datetime:
        """Stop real time from flowing: from now on only ``advance`` moves the clock."""
        with self._lock:
            if self._frozen_at is None:
                self._frozen_at = datetime.now(UTC)
        return self.now()

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    @property
    def offset_seconds(self) -> float:
        return self._offset.total_seconds()
