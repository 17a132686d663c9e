"""Real processes for the multi-process tests: ``verone sandbox`` on its own, ``verone serve``
workers on one PostgreSQL schema beside it (``--no-sandbox``), the CLI, and logged-in clients.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text

from tests.integration.databases import postgres_url, with_search_path
from verone.backoffice.db.session import make_engine
from verone.cli._embedded import free_port

ADMIN_EMAIL = "finance@verone.test"
ADMIN_PASSWORD = "a long enough admin password"
SANDBOX_AUTH = {"Authorization": "verone-4819:sandbox-secret-key"}
CSRF_HEADER = "X-CSRF-Token"
START_TIMEOUT = 240.0  # two CPUs shared by many test runs: a cold start can be slow
VERONE = [sys.executable, "-c", "from verone.cli import main; main()"]


@contextmanager
def empty_postgres_schema() -> Iterator[str]:
    """A PostgreSQL schema of one's own, NOT migrated (``verone serve`` migrates it)."""
    schema = f"verone_mp_{uuid.uuid4().hex[:10]}"
    admin = make_engine(postgres_url())
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield with_search_path(postgres_url(), schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def backoffice_env(
    database_url: str, sandbox_port: int, var_dir: Path, **extra: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VERONE_", "QONTO_"))}
    env |= {
        "COLUMNS": "200",
        "VERONE_DATABASE_URL": database_url,
        "VERONE_SANDBOX_PORT": str(sandbox_port),
        "VERONE_VAR_DIR": str(var_dir),
        "VERONE_SECRET_KEY": "multi-process-" + "s" * 40,  # the same on every worker
        "VERONE_BOOTSTRAP_ADMIN_EMAIL": ADMIN_EMAIL,
        "VERONE_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "VERONE_PDF_WAIT_TIMEOUT_SECONDS": "3",
    }
    return env | extra


@dataclass
class Served:
    """One running command (``verone serve`` or ``verone sandbox``) and its URL."""

    process: subprocess.Popen[str]
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def worker_pids(self) -> list[int]:
        """The uvicorn worker processes (children started by multiprocessing's spawn)."""
        found = []
        for child in (
            Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        ):
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            if b"spawn_main" in cmdline:
                found.append(int(child))
        return found


def start(arguments: Sequence[str], env: dict[str, str], port: int, log: Path) -> Served:
    with log.open("w") as sink:
        process = subprocess.Popen(  # noqa: S603  # our own CLI with fixed arguments
            [*VERONE, *arguments],
            env=env,
            cwd=log.parent,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
        )
    return Served(process, f"http://127.0.0.1:{port}", log)


def wait_healthy(served: Served, path: str = "/healthz", timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if served.process.poll() is not None:
            raise RuntimeError(f"{served.url} exited early:\n{served.output()}")
        try:
            if httpx.get(served.url + path, headers=SANDBOX_AUTH, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{served.url} did not answer in time:\n{served.output()}")
        time.sleep(0.3)


def stop(served: Served) -> None:
    if served.process.poll() is None:
        served.process.send_signal(signal.SIGINT)
        try:
            served.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait()


def verone(
    arguments: Sequence[str], env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # our own CLI with fixed arguments
        [*VERONE, *arguments], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def login(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=120)
    answer = client.post("/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert answer.status_code == 200, answer.text
    client.headers[CSRF_HEADER] = answer.json()["csrfToken"]
    return client


@dataclass
class Cluster:
    """One sandbox process and ``verone serve`` processes on one PostgreSQL schema."""

    sandbox: Served
    servers: list[Served]
    env: dict[str, str]
    database_url: str
    clients: list[httpx.Client] = field(default_factory=list)

    def sandbox_requests(self) -> list[dict[str, object]]:
        body = httpx.get(self.sandbox.url + "/_sandbox/requests", timeout=30).json()
        return list(body["requests"])


@contextmanager
def cluster(
    workdir: Path,
    workers: Sequence[int],
    *,
    jobs: bool,
    sandbox_args: Sequence[str] = (),
    **extra_env: str,
) -> Iterator[Cluster]:
    """``verone sandbox`` and one ``verone serve --workers N --no-sandbox`` per entry of
    ``workers``, all started at once on a fresh (unmigrated) schema."""
    with empty_postgres_schema() as database_url:
        sandbox_port = free_port()
        sandbox = start(
            [
                "sandbox",
                "--port",
                str(sandbox_port),
                "--transactions",
                "150",
                "--pdf-delay",
                "0.2",
                *sandbox_args,
            ],
            {k: v for k, v in os.environ.items() if not k.startswith(("VERONE_", "QONTO_"))},
            sandbox_port,
            workdir / "sandbox.log",
        )
        servers: list[Served] = []
        env = backoffice_env(
            database_url,
            sandbox_port,
            workdir / "var",
            VERONE_JOBS_ENABLED=str(jobs).lower(),
            **extra_env,
        )
        try:
            wait_healthy(sandbox, "/v2/organization")
            for index, count in enumerate(workers):
                port = free_port()
                servers.append(
                    start(
                        ["serve", "--no-sandbox", "--port", str(port), "--workers", str(count)],
                        env,
                        port,
                        workdir / f"serve-{index}.log",
                    )
                )
            for served in servers:
                wait_healthy(served)
            running = Cluster(sandbox, servers, env, database_url)
            running.clients = [login(s.url) for s in servers]
            yield running
            for client in running.clients:
                client.close()
        finally:
            for served in [*servers, sandbox]:
                stop(served)
