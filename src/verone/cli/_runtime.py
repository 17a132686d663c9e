"""What the back-office commands share: settings, the container, error mapping to exit codes,
and the embedded sandbox that ``verone serve`` runs beside the web server.
"""

from __future__ import annotations

import json
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
import uvicorn

from verone.backoffice.bootstrap import Container, build_container
from verone.backoffice.config import ConfigurationError, Settings, load_settings
from verone.backoffice.domain.errors import DomainError
from verone.cli._console import console, fail
from verone.qonto import QontoError
from verone.sandbox.app import create_app as create_sandbox_app
from verone.sandbox.config import SandboxConfig
from verone.sandbox.persistence import load_state, save_state

HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM)
SAVE_INTERVAL_SECONDS = 30.0
CONFIG_HINT = "corrigez les variables VERONE_* / QONTO_* indiquées (voir docs/operations.md)."
QONTO_HINT = (
    "si 401 : la clé a pu être révoquée, régénérez-la dans le tableau de bord Qonto et "
    "vérifiez QONTO_ORGANIZATION_ID ; si timeout : vérifiez le réseau."
)


def settings_or_exit(**overrides: object) -> Settings:
    """The validated settings, or a French error naming each bad variable and exit 1."""
    try:
        return load_settings(**overrides)
    except ConfigurationError as exc:
        fail(str(exc), CONFIG_HINT)
        raise typer.Exit(1) from None


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn the back office's and Qonto's errors into a message, a hint and exit code 1."""
    try:
        yield
    except DomainError as exc:
        fail(exc.message, _text(getattr(exc, "hint", None)))
        raise typer.Exit(1) from None
    except QontoError as exc:
        fail(f"Qonto : {exc}", QONTO_HINT)
        raise typer.Exit(1) from None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


@contextmanager
def open_container(settings: Settings | None = None) -> Iterator[Container]:
    """The composition root for one command, closed when the command ends."""
    container = build_container(settings or settings_or_exit())
    try:
        with domain_errors():
            yield container
    finally:
        container.close()


def print_json(data: object) -> None:
    """Machine-readable output for ``--json`` (plain stdout, no Rich markup)."""
    text = json.dumps(data, ensure_ascii=False, default=str, indent=2)
    console.print(text, markup=False, highlight=False, soft_wrap=True)


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
