"""The Qonto sandbox that ``verone serve`` runs beside the web server, and the uvicorn server
both use: imported by ``serve`` only, so that other commands start without the sandbox's app.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from verone.sandbox.app import create_app as create_sandbox_app
from verone.sandbox.config import SandboxConfig
from verone.sandbox.persistence import load_state, save_state

HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM)
SAVE_INTERVAL_SECONDS = 30.0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


class QuietServer(uvicorn.Server):
    """uvicorn without re-raising SIGINT/SIGTERM after shutdown, so callers can clean up."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in HANDLED_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


class EmbeddedSandbox:
    """The Qonto sandbox on a loopback port, served by uvicorn in a daemon thread.

    Its state is kept in ``var/sandbox-state.json`` (saved when it stops), so a restart finds
    the same organization, documents and transactions.
    """

    def __init__(self, port: int, state_file: Path, *, seed: int = 42) -> None:
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        config = SandboxConfig(
            seed=seed,
            public_base_url=self.base_url,
            state_file=str(state_file),
            pdf_delay_seconds=2.0,
        )
        self.state = load_state(config)
        self._server = QuietServer(
            uvicorn.Config(
                create_sandbox_app(self.state),
                host="127.0.0.1",
                port=port,
                log_level="warning",
                access_log=False,
                lifespan="on",
            )
        )
        self._thread = threading.Thread(target=self._serve, name="sandbox", daemon=True)
        self._saved = threading.Event()
        self._saver = threading.Thread(
            target=self._save_regularly, name="sandbox-save", daemon=True
        )

    def _serve(self) -> None:
        try:
            self._server.run()
        except SystemExit:
            pass  # uvicorn exits when it cannot bind; start() reports the failure

    def _save_regularly(self) -> None:
        """Snapshot the state every ``SAVE_INTERVAL_SECONDS`` (a crash loses little)."""
        path = self.state.config.state_file
        while path and not self._saved.wait(SAVE_INTERVAL_SECONDS):
            with self.state.lock:
                save_state(self.state, path)

    def start(self, timeout: float = 20.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the embedded sandbox did not start on port {self.port}")
            time.sleep(0.05)
        self._saver.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving; the sandbox's lifespan saves its state file."""
        self._saved.set()
        self._server.should_exit = True
        self._thread.join(timeout)
