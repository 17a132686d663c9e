"""``verone diagnose`` against SQLite and the sandbox served on a loopback port: exit 0 and
every check listed when healthy, exit 1 with the check's hint when one fails; ``--json``."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.e2e.test_cli_outbox import engine, sandbox
from verone.backoffice.services.diagnostics import HINT_CREDIT_NOTE, HINT_NETWORK
from verone.cli import app
from verone.cli._embedded import EmbeddedSandbox

__all__ = ["engine", "sandbox"]  # the CLI's database and sandbox fixtures


def diagnose(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["diagnose", *args])
    return result.exit_code, result.output


def test_a_healthy_setup_exits_0_and_lists_every_check(
    engine: Engine, sandbox: EmbeddedSandbox
) -> None:
    code, output = diagnose("--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["ok"] is True
    statuses = {c["key"]: c["status"] for c in report["checks"]}
    assert statuses["credentials"] == "ok"
    assert statuses["credit_notes"] == "ok"
    assert statuses["migrations"] == "ok"
    assert statuses["clock"] == "ok"  # uvicorn dates its answers: the skew is measured
    assert "failed" not in statuses.values()
    code, text = diagnose()
    assert code == 0
    assert "Diagnostic de l'intégration Qonto" in text
    assert "Identifiants" in text


def test_credit_notes_off_exit_1_with_the_dashboard_hint(
    engine: Engine, sandbox: EmbeddedSandbox
) -> None:
    with httpx.Client(base_url=sandbox.base_url) as control:
        answer = control.put("/_sandbox/features", json={"credit_notes_create": False})
        assert answer.status_code == 200
    code, output = diagnose("--json")
    assert code == 1
    check = {c["key"]: c for c in json.loads(output)["checks"]}["credit_notes"]
    assert (check["status"], check["hint"]) == ("failed", HINT_CREDIT_NOTE)
    code, text = diagnose()
    assert code == 1
    assert "Création d'avoirs" in text
    assert "tableau de bord" in text


def test_an_unreachable_qonto_exits_1_with_the_network_hint(
    engine: Engine, sandbox: EmbeddedSandbox
) -> None:
    sandbox.stop()
    code, output = diagnose("--json")
    assert code == 1
    check = {c["key"]: c for c in json.loads(output)["checks"]}["base_url"]
    assert (check["status"], check["hint"]) == ("failed", HINT_NETWORK)
