"""Rule 1 over the command line: every ``verone`` command runs for real, in order, against one
served sandbox and one database, and none of the Qonto requests it makes issues a document
(a finalize, a quote or a credit note accepted by Qonto). A command without a driver here
fails the test, named: a new command is covered the day it is added.

``verone serve`` and ``verone sandbox`` run as processes (they serve until stopped); the
others run in-process. The back office served here makes the data the others work on: its
demo orders and customers, and an invoice draft in Qonto.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tests.e2e.conftest import LiveServer, cli_environment
from tests.e2e.processes import SANDBOX_AUTH, backoffice_env, start, stop, wait_healthy
from tests.e2e.test_five_rules import ISSUING_PATHS, cli_callbacks
from verone.cli import app
from verone.cli._embedded import free_port
from verone.sandbox.app import create_app as create_sandbox_app
from verone.sandbox.config import SandboxConfig
from verone.sandbox.state import SandboxState

ADMIN = "boss@verone.test"
CLERK = "compta@verone.test"
PASSWORD = "correct horse battery staple"
SPAN = ("--from", "2020-01-01", "--to", "2030-12-31")


@dataclass(frozen=True)
class Run:
    """One command line; ``codes`` are the exit codes it may end with (diagnose exits 1
    when a check fails: the sandbox has no real webhook subscription yet, for example)."""

    args: tuple[str, ...]
    stdin: str | None = None
    codes: frozenset[int] = frozenset({0})


def _runs(workdir: Path) -> list[Run]:
    password = f"{PASSWORD}\n{PASSWORD}\n"
    return [
        Run(("db", "upgrade")),
        Run(("user", "create", "--email", ADMIN, "--role", "admin", "--password-stdin"), password),
        Run(
            ("user", "create", "--email", CLERK, "--role", "accountant", "--password-stdin"),
            password,
        ),
        Run(("user", "list", "--json")),
        Run(("user", "set-role", CLERK, "viewer", "--json")),
        Run(("user", "deactivate", CLERK, "--json")),
        Run(("user", "reactivate", CLERK, "--json")),
        Run(("user", "reset-password", CLERK, "--password-stdin"), password),
        Run(("user", "revoke", CLERK, "--json")),
        Run(("diagnose", "--json"), codes=frozenset({0, 1})),
        Run(("sync", "transactions", "--full", "--json")),
        Run(("sync", "documents", "--full", "--user", ADMIN, "--json")),
        Run(("reconcile", "--dry-run", "--json")),
        Run(("reconcile", "--apply", "--json")),
        Run(("outbox", "list", "--json")),
        Run(("outbox", "settle", "--min-age", "0", "--json")),
        Run(("audit", "verify", "--json")),
        Run(("numbering", "check", "--json")),
        Run(("webhooks", "subscribe", "--url", "https://billing.example/api/qonto/webhooks")),
        Run(("webhooks", "list", "--json")),
        Run(("export", "documents", *SPAN, "--output", str(workdir / "documents.csv"))),
        Run(("export", "payments", *SPAN, "--output", str(workdir / "payments.csv"))),
    ]


def _issued(sandbox_url: str) -> list[str]:
    requests = httpx.get(f"{sandbox_url}/_sandbox/requests", headers=SANDBOX_AUTH).json()
    return [
        f"{r['method']} {r['path']}"
        for r in requests["requests"]
        if r["method"] == "POST"
        and str(r["path"]).endswith(ISSUING_PATHS)
        and int(str(r["status"] or 0)) < 400
    ]


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A served sandbox and the environment of a command run against it: (its URL, the
    database URL)."""
    state = SandboxState(SandboxConfig(seed=5, transactions=20, pdf_delay_seconds=0.0))
    with LiveServer(create_sandbox_app(state)) as served:
        for name in [n for n in os.environ if n.startswith(("VERONE_", "QONTO_"))]:
            monkeypatch.delenv(name)
        database = cli_environment(
            monkeypatch, tmp_path, served.port, VERONE_WEBHOOK_SECRET="five-rules-secret"
        )
        yield served.url, database


def _served_back_office(sandbox_url: str, database: str, workdir: Path) -> str:
    """``verone serve --no-sandbox`` on the database: demo data, then an invoice draft made
    in Qonto through its API (what the other commands sync, settle and export); its URL."""
    port = free_port()
    sandbox_port = sandbox_url.rsplit(":", 1)[1]
    env = backoffice_env(
        database, int(sandbox_port), workdir / "serve-var", VERONE_DEMO_DATA="true"
    )
    served = start(["serve", "--no-sandbox", "--port", str(port)], env, port, workdir / "serve.log")
    try:
        wait_healthy(served)
        with httpx.Client(base_url=served.url, timeout=60) as client:
            login = client.post(
                "/auth/login",
                json={"email": env["VERONE_BOOTSTRAP_ADMIN_EMAIL"],
                      "password": env["VERONE_BOOTSTRAP_ADMIN_PASSWORD"]},
            )  # fmt: skip
            assert login.status_code == 200, login.text
            client.headers["X-CSRF-Token"] = login.json()["csrfToken"]
            orders = client.get("/api/orders", params={"invoicingStatus": "not_invoiced"})
            made = client.post(
                "/api/qonto/invoices", json={"salesOrderId": orders.json()["items"][0]["id"]}
            )
            assert made.status_code == 201, made.text
    finally:
        stop(served)
    assert served.process.returncode == 0, served.output()
    return served.url


def _sandbox_command(workdir: Path) -> None:
    """``verone sandbox`` serves the simulated API until stopped."""
    port = free_port()
    env = backoffice_env("sqlite://", 0, workdir / "sandbox-var")
    served = start(["sandbox", "--port", str(port)], env, port, workdir / "sandbox.log")
    try:
        wait_healthy(served, "/v2/organization")
    finally:
        stop(served)


def test_every_command_runs_and_none_issues_a_document(
    sandbox: tuple[str, str], tmp_path: Path
) -> None:
    sandbox_url, database = sandbox
    runs = _runs(tmp_path)
    by_hand = {"verone serve", "verone sandbox", "verone webhooks delete"}
    driven = by_hand | {_command(run) for run in runs}
    missing = sorted(set(dict(cli_callbacks())) - driven)
    assert missing == [], f"commands without a driver: {missing}"

    _sandbox_command(tmp_path)
    served_url = _served_back_office(sandbox_url, database, tmp_path)
    assert _issued(sandbox_url) == []
    runner = CliRunner()
    for run in runs:
        result = runner.invoke(app, list(run.args), input=run.stdin)
        output = result.stdout + result.stderr
        assert result.exit_code in run.codes, f"verone {' '.join(run.args)}: {output}"
        assert _issued(sandbox_url) == [], f"verone {' '.join(run.args)} issued a document"
    listed = runner.invoke(app, ["webhooks", "list", "--json"])
    callbacks = {str(s["callback_url"]) for s in json.loads(listed.stdout)}
    # on the embedded default, ``verone serve`` subscribed itself to its sandbox at start
    assert f"{served_url}/api/qonto/webhooks" in callbacks, callbacks
    subscription = next(
        s for s in json.loads(listed.stdout) if "billing.example" in s["callback_url"]
    )
    deleted = runner.invoke(app, ["webhooks", "delete", subscription["id"]])
    assert deleted.exit_code == 0, deleted.stdout + deleted.stderr
    assert _issued(sandbox_url) == []
    for name in ("documents.csv", "payments.csv"):  # the exports ran to their end
        assert (tmp_path / name).read_text().count("\n") >= 1


#: Commands named by their first two words (``verone user create``)
_GROUPS = frozenset({"db", "user", "audit", "numbering", "outbox", "sync", "webhooks", "export"})


def _command(run: Run) -> str:
    return "verone " + " ".join(run.args[:2] if run.args[0] in _GROUPS else run.args[:1])
