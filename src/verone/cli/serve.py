"""``verone serve``: the back office on uvicorn, with the embedded default prepared first.

Embedded: SQLite migrated, the Qonto sandbox beside it on loopback, demo data and a bootstrap
admin on first start, URLs and credentials printed. Production: migrations, then the server.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
import uvicorn
from rich.table import Table
from uvicorn.supervisors import Multiprocess

from verone.backoffice.app import create_app
from verone.backoffice.bootstrap import (
    AdminCredentials,
    Container,
    build_container,
    ensure_bootstrap_admin,
)
from verone.backoffice.config import Settings
from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.demo import DemoSummary, seed_demo_data
from verone.cli._console import console, fail
from verone.cli._embedded import EmbeddedSandbox, QuietServer, free_port
from verone.cli._runtime import domain_errors, settings_or_exit
from verone.cli.webhooks import ensure_subscription
from verone.qonto._settings import SANDBOX_LOGIN, SANDBOX_SECRET_KEY


def _summary_table(
    settings: Settings,
    web_url: str,
    admin: AdminCredentials | None,
    demo: DemoSummary | None,
) -> Table:
    table = Table(title="Verone Billing", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Back office", web_url)
    table.add_row("API (OpenAPI)", f"{web_url}/api/openapi.json")
    table.add_row("Environnement", settings.environment)
    table.add_row("Base de données", settings.backend)
    if settings.qonto_simulated:
        table.add_row("Qonto", f"SIMULÉ — bac à sable {settings.qonto_settings.base_url}")
        table.add_row("Identifiants Qonto", f"{SANDBOX_LOGIN} / {SANDBOX_SECRET_KEY}")
    else:
        table.add_row("Qonto", settings.qonto_settings.base_url)
    if admin is not None:
        table.add_row("Administrateur", admin.email)
        table.add_row(
            "Mot de passe",
            admin.password
            if admin.password is not None
            else "celui de VERONE_BOOTSTRAP_ADMIN_PASSWORD",
        )
    else:
        table.add_row("Administrateur", "déjà créé (utilisez votre compte)")
    if demo is not None:
        table.add_row(
            "Données de démonstration",
            f"{demo.customers} clients, {demo.products} produits, {demo.orders} commandes",
        )
    return table


def prepare(container: Container) -> tuple[AdminCredentials | None, DemoSummary | None]:
    """First-start work: the bootstrap admin, and demo data on an empty embedded database."""
    settings = container.settings
    admin = ensure_bootstrap_admin(container)
    demo = None
    if settings.is_embedded and settings.demo_data:
        demo = seed_demo_data(container.unit_of_work(), container.clock)
    return admin, demo


WORKERS_FACTORY = "verone.backoffice.app:create_app_from_environment"
#: How long the supervisor waits for a worker's answer before replacing it: a worker busy
#: importing the application on a loaded host must not be mistaken for a hung one.
WORKER_HEALTHCHECK_SECONDS = 30


def _refuse_workers_on_sqlite(settings: Settings, workers: int) -> None:
    """SQLite takes one writer at a time and the job leases are process locks there: several
    worker processes would queue on the file and run each job in parallel (docs/operations.md).
    """
    if workers > 1 and settings.backend == "sqlite":
        fail(
            f"--workers {workers} demande PostgreSQL : la base SQLite embarquée n'accepte "
            "qu'un écrivain à la fois et ne partage pas les verrous des tâches entre processus.",
            "gardez --workers 1 sur SQLite, ou définissez VERONE_DATABASE_URL="
            "postgresql+psycopg://… (voir docs/operations.md).",
        )
        raise typer.Exit(2)


def _start_sandbox(settings: Settings) -> EmbeddedSandbox:
    sandbox = EmbeddedSandbox(settings.sandbox_port, settings.sandbox_state_file)
    try:
        sandbox.start()
    except RuntimeError:
        fail(
            f"le bac à sable n'a pas pu démarrer sur le port {settings.sandbox_port}.",
            "le port est peut-être occupé : choisissez-en un autre avec VERONE_SANDBOX_PORT, "
            "ou --no-sandbox pour utiliser le bac à sable qui l'occupe.",
        )
        raise typer.Exit(1) from None
    return sandbox


def _run_workers(settings: Settings, host: str, port: int, workers: int) -> None:
    """``workers`` uvicorn processes on one socket, each building its app from the
    environment; the supervisor replaces a worker that dies."""
    # the workers read the settings again: give them what the command line decided
    os.environ["VERONE_SANDBOX_PORT"] = str(settings.sandbox_port)
    config = uvicorn.Config(
        WORKERS_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        log_level="warning",
        proxy_headers=not settings.is_embedded,
    )
    Multiprocess(config, sockets=[config.bind_socket()]).run()


def serve(
    host: Annotated[
        str | None, typer.Option(help="Adresse d'écoute (VERONE_WEB_HOST, 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port d'écoute (VERONE_WEB_PORT, 8000).", min=0)
    ] = None,
    sandbox_port: Annotated[
        int | None,
        typer.Option(help="Port du bac à sable embarqué (VERONE_SANDBOX_PORT, 0 = libre).", min=0),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(help="Nombre de processus serveurs (plus de 1 : PostgreSQL requis).", min=1),
    ] = 1,
    start_sandbox: Annotated[
        bool,
        typer.Option(
            "--sandbox/--no-sandbox",
            help="Mode embarqué : démarrer le bac à sable, ou utiliser celui qui écoute déjà "
            "sur VERONE_SANDBOX_PORT (lancé par `verone sandbox` ou un autre `verone serve`).",
        ),
    ] = True,
) -> None:
    """Start the back office (and, on the embedded default, the Qonto sandbox)."""
    overrides: dict[str, object] = {}
    if sandbox_port is not None:
        overrides["sandbox_port"] = sandbox_port
    settings = settings_or_exit(**overrides)
    _refuse_workers_on_sqlite(settings, workers)
    if settings.is_embedded and settings.sandbox_port == 0:
        settings = settings_or_exit(**overrides | {"sandbox_port": free_port()})
    web_host = host or settings.web_host
    web_port = settings.web_port if port is None else port
    with domain_errors():
        upgrade_database(settings.database_url)
    sandbox = _start_sandbox(settings) if settings.is_embedded and start_sandbox else None
    container = build_container(settings)
    try:
        with domain_errors():
            admin, demo = prepare(container)
        shown_host = f"[{web_host}]" if ":" in web_host else web_host
        web_url = f"http://{shown_host}:{web_port}"
        if settings.is_embedded:  # payments on the sandbox reach us within seconds
            with domain_errors():
                ensure_subscription(container, f"{web_url}/api/qonto/webhooks")
        console.print(_summary_table(settings, web_url, admin, demo))
        if workers > 1:
            container.close()  # each worker builds its own
            _run_workers(settings, web_host, web_port, workers)
            return
        config = uvicorn.Config(
            create_app(container),
            host=web_host,
            port=web_port,
            log_level="warning",
            proxy_headers=not settings.is_embedded,
        )
        QuietServer(config).run()
    finally:
        container.close()
        if sandbox is not None:
            sandbox.stop()
