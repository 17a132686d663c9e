"""What ``ClientCore.run`` asks of a client, and how a client drives it (``Run``).

The attempt loop is written once, without I/O: it yields steps (sleep, refresh the OAuth
token, send a request) and the sync or async client does each, sending the answer back.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import httpx

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Pause:
    """A step of ``ClientCore.run``: sleep this long, then resume the loop."""

    seconds: float


@dataclass(frozen=True, slots=True)
class RefreshToken:
    """A step of ``ClientCore.run``: refresh the OAuth token (``force``: even if still valid)."""

    force: bool


Step = Pause | RefreshToken | httpx.Request
"""What ``ClientCore.run`` asks its client to do; an ``httpx.Request`` is to be sent."""

Reply = httpx.Response | httpx.TransportError | None
"""What the client sends back into ``ClientCore.run``: the answer to a request, or None."""


class Run(Generic[T]):
    """``ClientCore.run`` as a client drives it: iterate over the steps, set ``reply`` to the
    answer of a request before the next one; once done, ``result`` is the parsed answer."""

    def __init__(self, steps: Generator[Step, Reply, T]) -> None:
        self._steps = steps
        self.reply: Reply = None

    def __iter__(self) -> Iterator[Step]:
        try:
            while True:
                step = self._steps.send(self.reply)
                self.reply = None
                yield step
        except StopIteration as done:
            self.result: T = done.value  # ClientCore.run's return value
