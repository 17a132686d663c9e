"""``verone diagnose [--json]``: is this installation able to work with Qonto?

Checks, in order: the database and its migrations, the base URL, the credentials, the clock
against Qonto's, the scopes the back office uses (invoices, quotes, credit notes, banking),
the rate budget, the webhook subscription, and finalized documents whose PDF is missing.
Each failing check prints the troubleshooting hint of docs/operations.md; the exit code is
1 when a check fails.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Annotated

import httpx
import typer
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select

from verone.backoffice.bootstrap import Container
from verone.backoffice.db.migrate import alembic_config
from verone.backoffice.db.tables import financial_documents
from verone.backoffice.db.tables_ops import rate_budget
from verone.cli._console import console
from verone.cli._runtime import open_container, print_json
from verone.qonto import NotFound, QontoAPIError, QontoConnectionError, QontoError

MAX_SKEW_SECONDS = 60

HINT_AUTH = (
    "401 : la clé API a pu être révoquée ; régénérez-la dans le tableau de bord Qonto et "
    "mettez à jour QONTO_API_KEY (et QONTO_ORGANIZATION_ID)."
)
HINT_NETWORK = (
    "Délai dépassé ou connexion refusée : vérifiez le réseau vers QONTO_BASE_URL (pare-feu, "
    "proxy, DNS) puis relancez."
)
HINT_SCOPE = "403 : la clé n'a pas ce droit ; accordez-le dans le tableau de bord Qonto."
HINT_CREDIT_NOTES = (
    "404 sur les avoirs : l'organisation n'expose pas cette API ; créez l'avoir dans le tableau "
    "de bord Qonto, puis importez-le (verone sync documents)."
)
HINT_PDF = (
    "PDF absent : le document est-il finalisé ? Qonto régénère le PDF après la finalisation "
    "(pdf_url, puis la pièce jointe attachment_id) ; le job pdf-waits le récupère."
)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    hint: str | None = None


def _qonto_failure(name: str, exc: QontoError) -> Check:
    if isinstance(exc, QontoConnectionError):
        return Check(name, False, "Qonto injoignable", HINT_NETWORK)
    if isinstance(exc, QontoAPIError):
        hint = {401: HINT_AUTH, 403: HINT_SCOPE}.get(exc.status, HINT_NETWORK)
        return Check(name, False, f"Qonto a répondu {exc.status} ({exc.code or 'erreur'})", hint)
    return Check(name, False, f"{type(exc).__name__}: {exc}", HINT_NETWORK)


def check_database(container: Container) -> Check:
    url = container.settings.database_url
    try:
        with container.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except Exception as exc:
        return Check("database", False, type(exc).__name__, "Vérifiez VERONE_DATABASE_URL.")
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if current != head:
        return Check(
            "database", False, f"migration {current} ≠ {head}", "Lancez verone db upgrade."
        )
    return Check("database", True, f"{container.settings.backend}, migration {head}")


def check_base_url_and_clock(container: Container) -> list[Check]:
    """The base URL answers (any status), and its ``Date`` is close to ours."""
    base = container.settings.qonto_settings.base_url
    try:
        answer = httpx.get(base.rstrip("/") + "/v2/organization", timeout=10)
    except httpx.HTTPError as exc:
        failed = Check("base_url", False, f"{base}: {type(exc).__name__}", HINT_NETWORK)
        return [failed, Check("clock", False, "heure de Qonto inconnue", HINT_NETWORK)]
    reached = Check("base_url", True, f"{base} répond ({answer.status_code})")
    return [reached, _clock(answer.headers.get("date"))]


def check_credentials(container: Container) -> Check:
    try:
        organization = container.qonto_client.organization.get()
    except QontoError as exc:
        return _qonto_failure("credentials", exc)
    return Check("credentials", True, f"organisation {organization.slug or '?'}")


def _clock(header: str | None) -> Check:
    if not header:
        return Check("clock", False, "Qonto n'a pas donné son heure (en-tête Date)", HINT_NETWORK)
    remote = email.utils.parsedate_to_datetime(header)
    skew = abs((datetime.now(UTC) - remote).total_seconds())
    if skew > MAX_SKEW_SECONDS:
        return Check(
            "clock",
            False,
            f"décalage de {skew:.0f} s avec Qonto",
            "Synchronisez l'horloge (NTP) : les signatures de webhooks et les jetons en dépendent.",
        )
    return Check("clock", True, f"décalage {skew:.0f} s")


def check_scopes(container: Container) -> Check:
    client = container.qonto_client
    probes: dict[str, Callable[[], object]] = {
        "client_invoices": lambda: client.client_invoices.list(),
        "quotes": lambda: client.quotes.list(),
        "credit_notes": lambda: client.credit_notes.list(),
        "bank_accounts": lambda: client.bank_accounts.list(),
        "clients": lambda: client.clients.list(),
    }
    for scope, probe in probes.items():
        try:
            probe()
        except NotFound as exc:
            hint = HINT_CREDIT_NOTES if scope == "credit_notes" else HINT_SCOPE
            return Check("scopes", False, f"{scope}: 404 ({exc.code or 'introuvable'})", hint)
        except QontoError as exc:
            failed = _qonto_failure("scopes", exc)
            failed.detail = f"{scope}: {failed.detail}"
            return failed
    return Check("scopes", True, ", ".join(probes))


def check_rate_budget(container: Container) -> Check:
    limits = container.settings.qonto_settings.parsed_rate_limits()
    with container.engine.connect() as connection:
        rows = connection.execute(
            select(rate_budget.c.bucket, rate_budget.c.used, rate_budget.c.capacity).where(
                rate_budget.c.bucket.not_like("login:%")
            )
        ).all()
    exhausted = [row.bucket for row in rows if row.used >= row.capacity]
    text = ", ".join(f"{limit.requests}/{limit.per_seconds:g}s" for limit in limits) or "aucune"
    used = ", ".join(f"{row.bucket} {row.used}/{row.capacity}" for row in rows) or "inutilisé"
    if exhausted:
        return Check(
            "rate_budget",
            False,
            f"épuisé : {', '.join(exhausted)}",
            "Attendez la fin de la fenêtre ou ralentissez les synchronisations.",
        )
    return Check("rate_budget", True, f"limites {text} ; {used}")


def check_webhooks(container: Container) -> Check:
    if container.settings.webhook_signing_secret is None:
        return Check(
            "webhooks",
            False,
            "VERONE_WEBHOOK_SECRET absent",
            "Lancez verone webhooks subscribe --url <adresse publique>/api/qonto/webhooks.",
        )
    try:
        found = container.qonto_client.webhook_subscriptions.list()
    except QontoError as exc:
        return _qonto_failure("webhooks", exc)
    ours = [s for s in found.items if (s.callback_url or "").endswith("/api/qonto/webhooks")]
    if not ours:
        return Check(
            "webhooks",
            False,
            "aucun abonnement vers /api/qonto/webhooks",
            "Lancez verone webhooks subscribe --url <adresse publique>/api/qonto/webhooks.",
        )
    return Check("webhooks", True, ", ".join(s.callback_url or "?" for s in ours))


def check_pdfs(container: Container) -> Check:
    columns = financial_documents.c
    query = select(columns.number).where(
        columns.finalized_at.is_not(None), columns.pdf_sha256.is_(None)
    )
    with container.engine.connect() as connection:
        missing = [row.number for row in connection.execute(query.limit(20))]
    if missing:
        return Check("pdfs", False, f"PDF absent : {', '.join(map(str, missing))}", HINT_PDF)
    return Check("pdfs", True, "chaque document finalisé a son PDF")


CHECKS: tuple[Callable[[Container], Check | list[Check]], ...] = (
    check_database,
    check_base_url_and_clock,
    check_credentials,
    check_scopes,
    check_rate_budget,
    check_webhooks,
    check_pdfs,
)


def run_checks(container: Container) -> list[Check]:
    results: list[Check] = []
    for check in CHECKS:
        found = check(container)
        results.extend(found if isinstance(found, list) else [found])
    return results


def diagnose(as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False) -> None:
    """Check the database, Qonto (URL, credentials, clock, scopes, budget, webhooks) and PDFs."""
    started = time.monotonic()
    with open_container() as container:
        results = run_checks(container)
    failed = [r for r in results if not r.ok]
    if as_json:
        print_json(
            {
                "ok": not failed,
                "seconds": round(time.monotonic() - started, 2),
                "checks": [asdict(r) for r in results],
            }
        )
    else:
        for result in results:
            mark = "[green]✓[/]" if result.ok else "[bold red]✗[/]"
            console.print(f"{mark} {result.name} : {result.detail}", highlight=False)
            if result.hint:
                console.print(f"    [yellow]Piste :[/] {result.hint}", highlight=False)
    if failed:
        raise typer.Exit(1)
