"""``verone outbox list|settle``: the Qonto writes still open, and their recovery."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from verone.backoffice.domain.operations import OutboxEntry
from verone.backoffice.services.outbox.recovery import list_outbox, settle_outbox
from verone.cli._console import AsJson, console, report_table
from verone.cli._runtime import open_container, print_json

app = typer.Typer(help="Écritures Qonto en attente (outbox).", no_args_is_help=True)


def _entry(entry: OutboxEntry) -> dict[str, object]:
    return {
        "id": str(entry.id),
        "operation": entry.operation,
        "status": entry.status.value,
        "attempts": entry.attempts,
        "documentId": None if entry.document_id is None else str(entry.document_id),
        "createdAt": entry.created_at.isoformat(),
        "error": entry.error,
    }


@app.command("list")
def list_entries(
    as_json: AsJson = False,
) -> None:
    """List the pending and ambiguous Qonto writes, oldest first."""
    with open_container() as container:
        entries = list_outbox(container.unit_of_work())
    if as_json:
        print_json([_entry(e) for e in entries])
        return
    if not entries:
        console.print("Aucune écriture Qonto en attente.")
        return
    table = report_table("Outbox", "Id", "Opération", "Statut", "Essais", "Créée le", "Erreur")
    for e in entries:
        table.add_row(
            str(e.id),
            e.operation,
            e.status.value,
            str(e.attempts),
            e.created_at.strftime("%d/%m/%Y %H:%M"),
            e.error or "",
        )
    console.print(table)


@app.command("settle")
def settle(
    min_age: Annotated[
        float, typer.Option(min=0, help="Âge minimal des entrées traitées (secondes).")
    ] = 60.0,
    as_json: AsJson = False,
) -> None:
    """Settle pending and ambiguous writes by looking them up in Qonto first."""
    with open_container() as container:
        report = settle_outbox(
            container.unit_of_work(),
            container.gateway,
            container.clock,
            min_age=timedelta(seconds=min_age),
        )
    data = {
        "succeeded": [str(i) for i in report.succeeded],
        "failed": [str(i) for i in report.failed],
        "leftOpen": [str(i) for i in report.left_open],
    }
    if as_json:
        print_json(data)
    else:
        console.print(
            f"Réglées : {len(report.succeeded)} ; en échec : {len(report.failed)} ; "
            f"toujours ouvertes (Qonto injoignable) : {len(report.left_open)}."
        )
    if report.left_open:
        raise typer.Exit(1)
