"""Pausing Python's cyclic garbage collector while the client builds many typed objects.

Decoding and typing a page of 100 transactions allocates tens of thousands of objects, none in
a cycle. With the collector on, a bulk fetch of 80 000 transactions spends about half its CPU
in collections that rescan every page kept so far (measured in ``bench/bulk_paging.py``,
docs/performance.md). Reference counting still frees everything as usual; only the search
for cycles waits, and runs as soon as the last pause ends.

The pause is counted across threads and tasks: the collector comes back when the last pause
ends, and a collector the application disabled itself stays disabled.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_resume = False


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No cyclic collection inside this block (nested and concurrent blocks allowed)."""
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
