"""``verone``'s commands load their own modules only: a sync starts without the web server,
the sandbox's app, Alembic or the PDF library, and every command is still there."""

from __future__ import annotations

import subprocess
import sys

import typer
from typer.testing import CliRunner

from verone.cli import COMMANDS, app

HEAVY = ("verone.cli.serve", "verone.sandbox.app", "fastapi", "alembic", "fpdf")


def test_a_sync_starts_without_what_only_other_commands_need() -> None:
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from verone.cli import app\n"
        "result = CliRunner().invoke(app, ['sync', 'transactions', '--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    loaded = subprocess.run(  # noqa: S603  # this interpreter, this test's own code
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    ).stdout.strip()
    assert loaded == ""


def test_every_command_is_listed_and_runs_its_own_help() -> None:
    root = typer.main.get_command(app)
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output
        assert CliRunner().invoke(app, [name, "--help"]).exit_code == 0
    assert list(root.commands) == list(COMMANDS)  # type: ignore[attr-defined]


def test_a_mistyped_command_gets_a_suggestion() -> None:
    result = CliRunner().invoke(app, ["sinc"])
    assert result.exit_code == 2
    assert "Did you mean 'sync'?" in result.output
