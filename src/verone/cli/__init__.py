"""The ``verone`` command: one Typer app with a sub-app per area."""

from __future__ import annotations

import typer

from verone.cli import (
    audit,
    db,
    diagnose,
    export,
    numbering,
    outbox,
    reconcile,
    sandbox,
    serve,
    sync,
    users,
    webhooks,
)

app = typer.Typer(
    name="verone",
    help="Verone Billing: factures, devis et avoirs Qonto.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("sandbox")(sandbox.run_sandbox)
app.command("serve")(serve.serve)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="user")
app.add_typer(audit.app, name="audit")
app.add_typer(numbering.app, name="numbering")
app.add_typer(outbox.app, name="outbox")
app.add_typer(sync.app, name="sync")
app.command("reconcile")(reconcile.reconcile)
app.command("diagnose")(diagnose.run_diagnose)
app.add_typer(webhooks.app, name="webhooks")
app.add_typer(export.app, name="export")


@app.callback()
def _root() -> None:
    """Keep ``verone <command>`` a command group."""


def main() -> None:
    app()
