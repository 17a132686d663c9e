"""``verone audit verify``: walk the audit log's hash chain and report the first break."""

from __future__ import annotations

import typer

from verone.backoffice.services.audit import verify_audit_log
from verone.cli._console import AsJson, console, fail
from verone.cli._runtime import open_container, print_json

app = typer.Typer(help="Journal d'audit.", no_args_is_help=True)


@app.command("verify")
def verify(
    as_json: AsJson = False,
) -> None:
    """Check that no audit entry was altered, removed or inserted (exit 1 if so)."""
    with open_container() as container:
        result = verify_audit_log(container.unit_of_work())
    broken = result.first_break
    if as_json:
        print_json(
            {
                "ok": result.ok,
                "entries": result.entries,
                "firstBreak": None
                if broken is None
                else {"seq": broken.seq, "reason": broken.reason},
            }
        )
    elif broken is None:
        console.print(f"Journal d'audit intact : {result.entries} entrées vérifiées.")
    else:
        fail(
            f"journal d'audit rompu à l'entrée n° {broken.seq} : {broken.reason}",
            "une entrée a été modifiée ou supprimée ; comparez avec la dernière sauvegarde.",
        )
    if broken is not None:
        raise typer.Exit(1)
