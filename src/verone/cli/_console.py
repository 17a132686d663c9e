"""The one Rich console of the CLI, the error printer every command uses, the ``--json``
option and the titled tables of the commands' reports."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

#: ``--json``: machine-readable output (``print_json``) instead of the report for people.
AsJson = Annotated[bool, typer.Option("--json", help="Sortie JSON.")]


def fail(message: str, hint: str | None = None) -> None:
    """Print an error (and a hint) on stderr."""
    err_console.print(f"[bold red]Erreur :[/] {message}")
    if hint:
        err_console.print(f"[yellow]Piste :[/] {hint}")


def report_table(title: str, *columns: str) -> Table:
    """A report's table: its title on the left above the given column headers."""
    return Table(*columns, title=title, title_justify="left")
