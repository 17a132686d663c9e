"""The operator's commands against a served sandbox: ``verone webhooks
subscribe|list|delete`` and user
management (``verone user list|set-role|deactivate|reactivate|reset-password|revoke``)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.e2e.conftest import LiveServer, cli_environment
from verone.backoffice.services import auth
from verone.backoffice.services.actors import Actor
from verone.cli import app
from verone.cli._runtime import open_container
from verone.sandbox.app import create_app as create_sandbox_app
from verone.sandbox.config import SandboxConfig
from verone.sandbox.state import SandboxState

PASSWORD = "correct horse battery staple"


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    state = SandboxState(SandboxConfig(seed=5, transactions=5, pdf_delay_seconds=0.0))
    with LiveServer(create_sandbox_app(state)) as sandbox:
        for name in [n for n in os.environ if n.startswith(("VERONE_", "QONTO_"))]:
            monkeypatch.delenv(name)
        yield cli_environment(
            monkeypatch, tmp_path, sandbox.port, VERONE_WEBHOOK_SECRET="operator-webhook-secret"
        )


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout + result.stderr


def test_webhook_subscriptions_from_the_command_line(environment: str) -> None:
    url = "https://billing.example/api/qonto/webhooks"
    code, out = _run("webhooks", "subscribe", "--url", url, "--json")
    assert code == 0, out
    created = json.loads(out)
    assert created["callback_url"] == url
    code, again = _run("webhooks", "subscribe", "--url", url, "--json")
    assert json.loads(again)["id"] == created["id"]  # subscribing twice keeps one
    code, listed = _run("webhooks", "list", "--json")
    assert [s["id"] for s in json.loads(listed)] == [created["id"]]
    assert _run("webhooks", "delete", created["id"])[0] == 0
    assert json.loads(_run("webhooks", "list", "--json")[1]) == []


def test_users_are_managed_from_the_command_line(environment: str) -> None:
    for email, role in (("boss@verone.test", "admin"), ("compta@verone.test", "accountant")):
        code, out = _run(
            "user",
            "create",
            "--email",
            email,
            "--role",
            role,
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        assert code == 0, out
    code, out = _run(
        "user",
        "create",
        "--email",
        "weak@verone.test",
        "--role",
        "viewer",
        "--password-stdin",
        stdin="aaaaaaaaaaaa\n",
    )
    assert code == 1
    assert "faible" in out or "deviner" in out
    assert _run("user", "set-role", "compta@verone.test", "viewer")[0] == 0
    code, out = _run("user", "deactivate", "compta@verone.test", "--json")
    assert code == 0, out
    assert json.loads(out)["active"] is False
    listed = {u["email"]: u for u in json.loads(_run("user", "list", "--json")[1])}
    assert listed["compta@verone.test"]["role"] == "viewer"
    assert listed["compta@verone.test"]["active"] is False
    assert _run("user", "reactivate", "compta@verone.test")[0] == 0
    code, out = _run(
        "user",
        "reset-password",
        "compta@verone.test",
        "--password-stdin",
        stdin="une nouvelle phrase secrète\n",
    )
    assert code == 0, out
    with open_container() as container:  # a session and a token, as the CLI's own database
        uow, clock = container.unit_of_work(), container.clock
        opened = auth.login(
            uow, container.password_hasher, clock, container.secret_key,
            email="compta@verone.test", password="une nouvelle phrase secrète",
            client_address="127.0.0.1",
        )  # fmt: skip
        clerk = opened.user.id
        token = auth.create_api_token(uow, clock, Actor.cli(), name="jeton", user_id=clerk)
        assert auth.session_user(uow, opened.session) is not None
        code, out = _run("user", "revoke", "compta@verone.test", "--json")
        assert code == 0, out
        revoked = json.loads(out)
        assert (revoked["sessions_revoked"], revoked["tokens_revoked"]) == (1, 1)
        assert auth.session_user(uow, replace(opened.session, read_at=clock.now())) is None
        assert auth.token_user(uow, clock, token.secret) is None
    code, out = _run("user", "deactivate", "boss@verone.test")
    assert code == 1  # the last admin stays
    assert "administrateur" in out


def test_exports_from_the_command_line(environment: str, tmp_path: Path) -> None:
    code, out = _run("export", "documents", "--from", "2026-01-01", "--to", "2026-12-31")
    assert code == 0, out
    assert out.splitlines()[0].startswith("number,type,status,issue_date")
    target = tmp_path / "payments.json"
    code, out = _run(
        "export",
        "payments",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--format",
        "json",
        "--output",
        str(target),
    )
    assert code == 0, out
    assert json.loads(target.read_text()) == []
    code, out = _run("export", "documents", "--from", "2026-02-01", "--to", "2026-01-01")
    assert code == 2
