"""``verone sandbox``: run the local Qonto simulator."""

from __future__ import annotations

from typing import Annotated

import typer


def run_sandbox(
    host: Annotated[
        str, typer.Option(help="Adresse d'écoute (loopback par défaut).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port d'écoute.")] = 8100,
) -> None:
    """Start the simulated Qonto API."""
    raise typer.Exit(1)
