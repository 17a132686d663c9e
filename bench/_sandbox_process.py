"""Start ``verone sandbox`` as a subprocess on a free loopback port, for the benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

LOGIN = "verone-4819"
SECRET = "sandbox-secret-key"  # noqa: S105  # the documented local sandbox credential


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_serialized(base_url: str, timeout: float = 180.0) -> None:
    """Wait for the sandbox to finish serializing its seeded transactions (it does so in the
    background after start-up), so a benchmark times the client, not the sandbox's warm-up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = httpx.get(f"{base_url}/_sandbox/status", timeout=5.0).json()
        wanted = min(status["transactions"], status["serialized_capacity"])
        if status["serialized_transactions"] >= wanted:
            return
        time.sleep(0.2)
    raise RuntimeError("the sandbox did not finish serializing its transactions in time")


@contextmanager
def sandbox_process(*args: str, startup_timeout: float = 120.0) -> Iterator[str]:
    """Run the sandbox CLI; yield its base URL once it answers; stop it afterwards."""
    port = free_port()
    command = [
        sys.executable,
        "-c",
        "from verone.cli import main; main()",
        "sandbox",
        "--port",
        str(port),
        *args,
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(  # noqa: S603  # our own CLI, fixed arguments
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                error = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"the sandbox exited: {error[-2000:]}")
            try:
                httpx.get(f"{base_url}/_sandbox/clock", timeout=1.0)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the sandbox did not start in time") from None
                time.sleep(0.1)
        yield base_url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
