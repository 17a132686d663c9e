"""``verone sandbox`` as a real process: serves the API on loopback and keeps ``--state``."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

AUTH = {"Authorization": "verone-4819:cli-secret"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Run:
    base: str
    process: subprocess.Popen[str]
    stdout: str = ""
    stderr: str = ""


@contextmanager
def running_sandbox(*args: str) -> Iterator[Run]:
    port = _free_port()
    command = [
        sys.executable,
        "-c",
        "from verone.cli import main; main()",
        "sandbox",
        "--port",
        str(port),
        "--secret",
        "cli-secret",
        "--transactions",
        "120",
        *args,
    ]
    process = subprocess.Popen(  # noqa: S603  # our own CLI, fixed arguments
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    run = Run(f"http://127.0.0.1:{port}", process)
    base = run.base
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                httpx.get(f"{base}/_sandbox/clock", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, "the sandbox exited at start"
                assert time.monotonic() < deadline, "the sandbox did not start"
                time.sleep(0.1)
        yield run
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            run.stdout, run.stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            run.stdout, run.stderr = process.communicate()


def test_cli_serves_on_loopback_and_keeps_its_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox.json"
    with running_sandbox("--state", str(state_file)) as run:
        organization = httpx.get(f"{run.base}/v2/organization", headers=AUTH, timeout=20)
        assert organization.status_code == 200
        assert organization.json()["organization"]["slug"] == "verone-4819"
        assert httpx.get(f"{run.base}/v2/organization", timeout=20).status_code == 401
        rule = {"path": "/v2/bank_accounts", "drop_before_rate": 1.0}
        httpx.put(f"{run.base}/_sandbox/faults", json={"rules": [rule]}, timeout=20)
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(f"{run.base}/v2/bank_accounts", headers=AUTH, timeout=20)
        booked = httpx.post(
            f"{run.base}/_sandbox/incoming-transfer",
            timeout=20,
            json={
                "amount": "77.70",
                "reference": "F-2026-077",
                "counterparty_name": "Hôtel des Arts",
            },
        )
        txn_id = booked.json()["transaction_id"]
    assert run.process.returncode == 0, run.stderr
    assert run.base in run.stdout
    assert "ConnectionDropped" not in run.stderr  # injected drops are not logged as errors
    assert "cli-secret" in run.stdout
    assert "verone-4819" in run.stdout
    assert state_file.exists()
    with running_sandbox("--state", str(state_file)) as again:
        txn = httpx.get(f"{again.base}/v2/transactions/{txn_id}", headers=AUTH, timeout=20)
        assert txn.status_code == 200
        assert txn.json()["transaction"]["reference"] == "F-2026-077"


def test_cli_refuses_a_non_loopback_host() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from verone.cli import main; main()",
            "sandbox",
            "--host",
            "0.0.0.0",  # noqa: S104  # the refused address under test, never bound
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "loopback" in result.stderr
