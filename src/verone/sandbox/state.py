"""The whole state of one simulated Qonto organization, and how it is created and saved.

Every store lives here, behind one re-entrant lock: routes take ``state.lock`` around any
read-modify-write so concurrent requests see a consistent organization. Each store knows how
to turn itself into plain JSON (``to_snapshot``) and back (``from_snapshot``), which gives the
control API's snapshot/restore and ``--state FILE`` persistence one mechanism.
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid

from verone.sandbox.clock import Clock
from verone.sandbox.config import SandboxConfig
from verone.sandbox.invoicing import InvoicingStore


def new_id(rng: random.Random | None = None) -> str:
    """A UUIDv7-looking id (time-ordered, like Qonto's newer ids)."""
    millis = int(time.time() * 1000)
    rand = (rng.getrandbits(74) if rng else int.from_bytes(os.urandom(10), "big") >> 6) & (
        (1 << 74) - 1
    )
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


class SandboxState:
    """One organization's data plus the sandbox's own machinery (clock, RNG, lock)."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.clock = Clock()
        self.rng = random.Random(self.config.seed)
        self.lock = threading.RLock()
        self.invoicing = InvoicingStore()

    def new_id(self) -> str:
        return new_id()
