"""``verone db upgrade``: bring the configured database to the latest migration."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.exc import OperationalError

from verone.backoffice.db.migrate import upgrade_database
from verone.cli._console import console, fail
from verone.cli._runtime import settings_or_exit

app = typer.Typer(help="Base de données : migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(
    revision: Annotated[str, typer.Option(help="Révision cible (head par défaut).")] = "head",
) -> None:
    """Apply the Alembic migrations up to REVISION."""
    settings = settings_or_exit()
    try:
        upgrade_database(settings.database_url, revision)
    except OperationalError as exc:
        fail(
            f"base de données injoignable ({type(exc.orig).__name__}).",
            "vérifiez VERONE_DATABASE_URL et que PostgreSQL accepte les connexions.",
        )
        raise typer.Exit(1) from None
    console.print(f"Base de données à jour ({settings.backend}, révision {revision}).")
