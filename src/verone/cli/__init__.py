"""The ``verone`` command: one Typer app with a sub-app per area."""

from __future__ import annotations

import typer

from verone.cli import sandbox

app = typer.Typer(
    name="verone",
    help="Verone Billing: factures, devis et avoirs Qonto.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("sandbox")(sandbox.run_sandbox)


def main() -> None:
    app()
