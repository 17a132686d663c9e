"""``verone sync transactions|documents``: bring the local mirror up to date with Qonto."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from verone.backoffice.services.sync_documents import sync_documents
from verone.backoffice.services.sync_transactions import summarize, sync_transactions
from verone.backoffice.services.users import attributed_user_id
from verone.cli._console import console
from verone.cli._runtime import open_container, print_json

app = typer.Typer(help="Synchronisation avec Qonto.", no_args_is_help=True)

FullOption = Annotated[bool, typer.Option("--full", help="Tout relire (ignore le curseur).")]
_KINDS = {"invoice": "Factures", "quote": "Devis", "credit_note": "Avoirs"}
JsonOption = Annotated[bool, typer.Option("--json", help="Sortie JSON pour les scripts.")]


def _bar(as_json: bool) -> Progress:
    """Pages (or batches) and rows as they are committed (hidden with ``--json``)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]} · {task.fields[rows]} lignes"),
        TimeElapsedColumn(),
        console=console,
        disable=as_json,
    )


@app.command("transactions")
def transactions(
    full: FullOption = False,
    account: Annotated[
        str | None, typer.Option("--account", help="Identifiant Qonto du compte.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Synchronise les comptes bancaires et leurs transactions (incrémental sauf --full)."""
    with open_container() as container, _bar(as_json) as bar:

        def progress(account_id: str) -> Callable[[int, int, int], None]:
            task = bar.add_task(f"Compte {account_id}", total=None, rows=0, unit="pages")

            def advance(page: int, total: int, rows: int) -> None:
                bar.update(task, completed=page, total=total, rows=rows)

            return advance

        results = sync_transactions(
            container.unit_of_work(),
            container.sync_reader,
            container.clock,
            full=full,
            account_qonto_id=account,
            progress=progress,
        )
    summary = summarize(results)
    if as_json:
        print_json(summary)
        return
    for result in results:
        gaps = len(result.continuity.breaks) if result.continuity else 0
        console.print(
            f"[bold]{result.account_qonto_id}[/] : {result.items_seen} lues, "
            f"{result.items_written} enregistrées, {len(result.skipped)} ignorées, "
            f"{gaps} rupture(s) de solde"
        )


@app.command("documents")
def documents(
    full: FullOption = False,
    user: Annotated[
        str | None,
        typer.Option("--user", help="E-mail de l'utilisateur à qui attribuer les imports."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Synchronise les factures, devis et avoirs créés ou modifiés dans Qonto."""
    with open_container() as container:
        email = user or container.settings.bootstrap_admin_email
        user_id = attributed_user_id(container.unit_of_work(), email)
        with _bar(as_json) as bar:
            tasks: dict[str, TaskID] = {}

            def advance(kind: str, seen: int) -> None:
                if kind not in tasks:
                    tasks[kind] = bar.add_task(
                        _KINDS.get(kind, kind), total=None, rows=0, unit="lots"
                    )
                bar.update(tasks[kind], advance=1, rows=seen)

            result = sync_documents(
                container.unit_of_work(),
                container.sync_reader,
                container.clock,
                user_id,
                full=full,
                progress=advance,
            )
    if as_json:
        print_json({"seen": result.seen} | json.loads(result.report()))
        return
    console.print(
        f"{result.seen} documents lus, {len(result.imported)} importés, "
        f"{len(result.linked_credit_notes)} avoir(s) rattaché(s), {len(result.drift)} écart(s)."
    )
    for drift in result.drift:
        state = "appliqué" if drift.applied else "à vérifier"
        console.print(f"  {drift.qonto_id} : {drift.local} → {drift.qonto} ({state}, {drift.note})")
