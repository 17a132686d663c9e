"""``verone numbering check``: gaps and duplicates in the invoice, quote and credit-note numbers."""

from __future__ import annotations

import typer
from rich.table import Table

from verone.backoffice.domain.numbering import NumberingReport
from verone.backoffice.services.numbering import check_numbering
from verone.cli._console import AsJson, console, fail, report_table
from verone.cli._runtime import open_container, print_json

app = typer.Typer(help="Numérotation des documents.", no_args_is_help=True)


def _as_dict(report: NumberingReport) -> dict[str, object]:
    return {
        "ok": report.ok,
        "series": [
            {
                "documentType": s.document_type.value,
                "year": s.year,
                "count": s.count,
                "highest": s.highest,
                "gaps": list(s.gaps),
                "duplicates": list(s.duplicates),
            }
            for s in report.series
        ],
        "malformed": list(report.malformed),
        "mismatched": list(report.mismatched),
    }


def _table(report: NumberingReport) -> Table:
    table = report_table(
        "Numérotation", "Type", "Année", "Numéros", "Plus haut", "Manquants", "Doublons"
    )
    for s in report.series:
        table.add_row(
            s.document_type.value,
            str(s.year),
            str(s.count),
            str(s.highest),
            ", ".join(str(g) for g in s.gaps) or "—",
            ", ".join(s.duplicates) or "—",
        )
    return table


@app.command("check")
def check(
    as_json: AsJson = False,
) -> None:
    """Report gaps and duplicates per document type and year (exit 1 if any)."""
    with open_container() as container:
        report = check_numbering(container.unit_of_work())
    if as_json:
        print_json(_as_dict(report))
    elif report.series:
        console.print(_table(report))
    else:
        console.print("Aucun numéro attribué pour l'instant.")
    if not report.ok:
        if not as_json:
            problems = [*report.malformed, *report.mismatched]
            fail(
                "la numérotation présente des trous ou des doublons."
                + (f" Numéros suspects : {', '.join(problems)}." if problems else ""),
                "les numéros viennent de Qonto : comparez avec la liste des factures Qonto.",
            )
        raise typer.Exit(1)
