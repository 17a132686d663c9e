"""``verone reconcile``: match bank credits with open invoices (dry run by default)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from verone.backoffice.services.reconciliation import ReconciliationReport
from verone.backoffice.services.reconciliation import reconcile as run_reconcile
from verone.cli._console import AsJson, console
from verone.cli._runtime import open_container, print_json


def reconcile(
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run/--apply",
            help="Sans rien écrire (défaut) ; --apply applique les correspondances sûres.",
        ),
    ] = True,
    window_days: Annotated[int, typer.Option(help="Jours acceptés après l'échéance.")] = 60,
    as_json: AsJson = False,
) -> None:
    """Rapprochement bancaire : propose, et avec --apply applique les correspondances sûres."""
    with open_container() as container:
        report = run_reconcile(
            container.unit_of_work(),
            container.gateway,
            container.clock,
            dry_run=dry_run,
            window_days=window_days,
        )
    if as_json:
        print_json(_as_json(report))
    else:
        _print(report)


def _as_json(report: ReconciliationReport) -> dict[str, object]:
    return {
        "dry_run": report.dry_run,
        "proposals": [
            {"transaction_id": str(p.transaction_id), "invoice_id": str(p.invoice_id),
             "invoice_number": p.invoice_number, "amount": str(p.amount), "kind": str(p.kind),
             "score": p.score, "automatic": p.automatic, "reasons": list(p.reasons)}
            for p in report.proposals
        ],
        "applied": [
            {"allocation_id": str(a.allocation_id), "invoice_id": str(a.document_id),
             "amount": str(a.amount), "invoice_paid": a.invoice_paid,
             "pdf_attached": a.pdf_attached, "warning": a.warning}
            for a in report.applied
        ],
        "errors": report.errors,
    }  # fmt: skip


def _print(report: ReconciliationReport) -> None:
    table = Table("Facture", "Montant", "Type", "Score", "Auto", "Raisons")
    for p in report.proposals:
        table.add_row(
            p.invoice_number, str(p.amount), str(p.kind), str(p.score),
            "oui" if p.automatic else "revue", p.reasons_text,
        )  # fmt: skip
    console.print(table)
    mode = (
        "simulation : rien n'a été écrit"
        if report.dry_run
        else f"{len(report.applied)} appliqué(s)"
    )
    console.print(
        f"{len(report.automatic)} correspondance(s) sûre(s), "
        f"{len(report.review)} à revoir ({mode})."
    )
    for applied in report.applied:
        if applied.warning:
            console.print(f"[yellow]{applied.warning}[/]")
    for error in report.errors:
        console.print(f"[red]{error}[/]")
