"""What several benchmarks share: resident memory, a throw-away PostgreSQL schema, a fresh
SQLite file, and the one line format of a target next to its measured ratio."""

from __future__ import annotations

import os
import resource
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.session import make_engine

POSTGRES_URL = os.environ.get(
    "VERONE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
DATABASES = ("sqlite", "postgres")


def current_rss_mb() -> float:
    """Resident memory now (Linux ``/proc/self/statm``), in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1024 / 1024


def peak_rss_mb(pid: int | None = None) -> float:
    """A process's own peak resident memory (``VmHWM``), in MB: this one, or ``pid``.

    Not ``ru_maxrss``: Linux carries a forking parent's peak into its child across ``exec``,
    so every process started by ``make bench`` once an earlier benchmark had grown it to 2 GB
    reported 2 GB. ``VmHWM`` belongs to the process's own address space."""
    for line in Path(f"/proc/{pid or 'self'}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc: peak memory is measured on Linux only")


@contextmanager
def migrated_database(kind: str, workdir: Path) -> Iterator[str]:
    """A migrated, empty database URL: a SQLite file, or a PostgreSQL schema dropped after."""
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        upgrade_database(url)
        yield url
        return
    schema = f"verone_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    try:
        upgrade_database(url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def target_line(what: str, measured: str, target: str, ratio: float, *, met: bool) -> str:
    """``what: measured (target …; ratio …x) MET|NOT MET`` — one line per target."""
    verdict = "MET" if met else "NOT MET"
    return f"{what}: {measured} (target {target}; ratio {ratio:.2f}x) {verdict}"


class LiveServer:
    """An ASGI app served by uvicorn on a free loopback port, in a background thread."""

    def __init__(self, app: object) -> None:
        import threading

        import uvicorn

        from bench._sandbox_process import free_port

        self.port = free_port()
        config = uvicorn.Config(
            app,  # type: ignore[arg-type]  # an ASGI application
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            access_log=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
