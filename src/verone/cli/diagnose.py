"""``verone diagnose``: the checks of docs/operations.md « Troubleshooting », each with its hint;
exit 1 when one fails (``--json`` for scripts)."""

from __future__ import annotations

import typer

from verone.backoffice.services.diagnostics import CheckStatus, Diagnosis, diagnose
from verone.cli._console import AsJson, console, fail, report_table
from verone.cli._runtime import open_container, print_json

MARK = {
    CheckStatus.OK: "[green]OK[/]",
    CheckStatus.WARNING: "[yellow]Attention[/]",
    CheckStatus.FAILED: "[bold red]Échec[/]",
    CheckStatus.SKIPPED: "[dim]Non vérifié[/]",
}


def _as_json(diagnosis: Diagnosis) -> dict[str, object]:
    return {
        "ok": diagnosis.ok,
        "checks": [
            {
                "key": c.key,
                "label": c.label,
                "status": c.status.value,
                "detail": c.detail,
                "hint": c.hint,
                "traceId": c.trace_id,
            }
            for c in diagnosis.checks
        ],
    }


def run_diagnose(
    as_json: AsJson = False,
) -> None:
    """Check credentials, base URL, clock, scopes, rate budget, webhooks, PDFs, credit notes,
    the database and its migrations (exit 1 if a check fails)."""
    with open_container() as container:
        diagnosis = diagnose(
            container.unit_of_work(),
            container.gateway,
            container.clock,
            container.qonto_setup(),
            container.schema_state,
        )
    if as_json:
        print_json(_as_json(diagnosis))
    else:
        table = report_table(
            "Diagnostic de l'intégration Qonto", "Vérification", "Résultat", "Détail", "Piste"
        )
        for c in diagnosis.checks:
            hint = c.hint or ""
            if c.trace_id:
                hint += f" (trace Qonto {c.trace_id})"
            table.add_row(c.label, MARK[c.status], c.detail, hint)
        console.print(table)
        for c in diagnosis.failures:
            fail(f"{c.label} : {c.detail}", c.hint)
    if not diagnosis.ok:
        raise typer.Exit(1)
