"""``QontoClient``: the synchronous client (httpx.Client I/O around the shared core)."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Self, TypeVar, Unpack

import httpx

from verone.qonto._base import ClientConfig, ClientShell, PreparedCall
from verone.qonto._steps import Pause, RefreshToken, Reply, Run
from verone.qonto.resources._set import Resources

T = TypeVar("T")


class QontoClient(Resources, ClientShell[httpx.Client]):
    """A client for Qonto's Business API; a context manager.

    Pass ``http_client`` to reuse (or, in tests, to inject) an ``httpx.Client``: it is not
    closed by this client. ``sleep`` and ``clock`` are injectable so retries and the rate
    budget can be tested without waiting.
    """

    def __init__(
        self,
        *,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        **config: Unpack[ClientConfig],
    ) -> None:
        """``config``: the credentials and settings of ``ClientConfig``."""
        self._attach(http_client, lambda timeout: httpx.Client(timeout=timeout), **config)
        self._sleep = sleep
        self.make_resources()

    def execute(self, call: PreparedCall[T]) -> T:
        """Send a prepared call with rate budget, auth refresh and retries; parse the answer."""
        run = Run(self._core.run(call, self._http.build_request))
        for step in run:
            if isinstance(step, Pause):
                self._sleep(step.seconds)
            elif isinstance(step, RefreshToken):
                self._refresh_token(force=step.force)
            else:
                run.reply = self._send(step)
        return run.result

    def _send(self, request: httpx.Request) -> Reply:
        try:
            return self._http.send(request)
        except httpx.TransportError as exc:
            return exc

    def _refresh_token(self, *, force: bool) -> None:
        core = self._core
        oauth = core.oauth
        if oauth is None:
            return
        seen = oauth.generation
        with oauth.lock:
            if core.token_refresh_due(oauth, seen, force=force):  # else refreshed meanwhile
                core.apply_token(
                    oauth, self._send(core.token_request(oauth, self._http.build_request))
                )

    def close(self) -> None:
        """Close the HTTP client if this client created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
