"""``verone sandbox``: run the local Qonto simulator on loopback with uvicorn."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
import uvicorn
from rich.table import Table

from verone.cli._console import console, fail
from verone.sandbox.app import ConnectionDropped, create_app
from verone.sandbox.auth import staging_token
from verone.sandbox.config import DEFAULT_SECRET_KEY, SandboxConfig
from verone.sandbox.persistence import load_state
from verone.sandbox.state import SandboxState

LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}


class _HideInjectedDrops(logging.Filter):
    """Connections cut on purpose by a fault rule are not server errors: keep the log clean."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, ConnectionDropped)


def _banner(state: SandboxState, base_url: str) -> None:
    config = state.config
    table = Table(title="Bac à sable Qonto", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("URL de base", base_url)
    table.add_row("Identifiant (login)", config.login)
    table.add_row("Clé secrète", config.secret_key)
    table.add_row("En-tête", f"Authorization: {config.login}:{config.secret_key}")
    table.add_row("OAuth client", f"{config.oauth_client_id} / {config.oauth_client_secret}")
    if config.require_staging_token:
        table.add_row("X-Qonto-Staging-Token", staging_token(state))
    table.add_row("Transactions", str(len(state.banking.all_transactions())))
    table.add_row("API de contrôle", f"{base_url}/_sandbox/")
    if config.state_file:
        table.add_row("Fichier d'état", config.state_file)
    console.print(table)


def run_sandbox(
    host: Annotated[
        str, typer.Option(help="Adresse d'écoute (loopback par défaut).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port d'écoute.")] = 8100,
    seed: Annotated[int, typer.Option(help="Graine des données générées.")] = 42,
    transactions: Annotated[
        int, typer.Option(min=0, help="Nombre de transactions bancaires générées.")
    ] = 400,
    latency_ms: Annotated[
        int, typer.Option(min=0, help="Latence ajoutée à chaque réponse (ms).")
    ] = 0,
    state: Annotated[
        str | None, typer.Option(help="Fichier d'état : chargé au démarrage, écrit à l'arrêt.")
    ] = None,
    secret: Annotated[str, typer.Option(help="Clé secrète de l'API.")] = DEFAULT_SECRET_KEY,
    require_staging_token: Annotated[
        bool, typer.Option(help="Exiger l'en-tête X-Qonto-Staging-Token.")
    ] = False,
    pdf_delay: Annotated[
        float, typer.Option(min=0, help="Délai de régénération des PDF après finalisation (s).")
    ] = 10.0,
    allow_remote: Annotated[
        bool, typer.Option(help="Autoriser une adresse d'écoute hors loopback.")
    ] = False,
) -> None:
    """Start the simulated Qonto API."""
    if host not in LOOPBACK_HOSTS and not host.startswith("127.") and not allow_remote:
        fail(
            f"l'adresse {host} n'est pas une adresse de loopback.",
            "le bac à sable écoute sur 127.0.0.1 ; ajoutez --allow-remote pour l'exposer.",
        )
        raise typer.Exit(2)
    display_host = f"[{host}]" if ":" in host else host
    base_url = f"http://{display_host}:{port}"
    config = SandboxConfig(
        secret_key=secret,
        require_staging_token=require_staging_token,
        seed=seed,
        transactions=transactions,
        latency_ms=latency_ms,
        pdf_delay_seconds=pdf_delay,
        public_base_url=base_url,
        state_file=state,
    )
    try:
        sandbox = load_state(config)
    except (OSError, ValueError) as exc:
        fail(
            f"impossible de charger l'état {state} : {exc}", "supprimez le fichier ou corrigez-le."
        )
        raise typer.Exit(1) from None
    _banner(sandbox, base_url)
    logging.getLogger("uvicorn.error").addFilter(_HideInjectedDrops())
    uvicorn.run(
        create_app(sandbox),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        loop="uvloop",  # uvloop and httptools: several times the default stack's throughput
        http="httptools",
        timeout_keep_alive=30,  # benchmarks and syncs keep connections busy in bursts
    )
