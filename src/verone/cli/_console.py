"""The one Rich console of the CLI, and the error printer every command uses."""

from __future__ import annotations

from rich.console import Console

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def fail(message: str, hint: str | None = None) -> None:
    """Print an error (and a hint) on stderr."""
    err_console.print(f"[bold red]Erreur :[/] {message}")
    if hint:
        err_console.print(f"[yellow]Piste :[/] {hint}")
