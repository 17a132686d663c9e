"""The « Intégration Qonto » page's checks, one per entry of the troubleshooting guide
(docs/operations.md): credentials, the key (a 401 means revoked), time to answer, the PDF of
the latest issued invoice, and the credit-note endpoint. Each check says what it saw and the
hint to fix it; none writes anything."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.errors import DomainError
from verone.qonto import (
    NotFound,
    QontoAPIError,
    QontoClient,
    QontoConnectionError,
    QontoError,
    QontoSettings,
    Unauthorized,
)

SLOW_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str
    hint: str | None = None
    trace_id: str | None = None


def _failure(name: str, exc: QontoError) -> Check:
    trace = exc.trace_id if isinstance(exc, QontoAPIError) else None
    if isinstance(exc, Unauthorized):
        return Check(
            name,
            False,
            "Qonto a répondu 401 : la clé est refusée.",
            "La clé API a pu être révoquée : régénérez-la dans le tableau de bord Qonto puis "
            "mettez à jour QONTO_API_KEY.",
            trace,
        )
    if isinstance(exc, QontoConnectionError):
        return Check(
            name,
            False,
            "Qonto ne répond pas (réseau ou délai dépassé).",
            "Vérifiez l'accès réseau à QONTO_BASE_URL et QONTO_TIMEOUT_SECONDS.",
        )
    status = exc.status if isinstance(exc, QontoAPIError) else None
    return Check(name, False, f"Qonto a répondu {status or 'une erreur'}.", None, trace)


def check_credentials(settings: QontoSettings) -> Check:
    name = "Identifiants"
    if settings.auth_mode == "api_key":
        missing = [
            label
            for label, value in (
                ("QONTO_ORGANIZATION_ID", settings.organization_id),
                ("QONTO_API_KEY", settings.api_key),
            )
            if not value
        ]
    else:
        missing = [] if settings.oauth_refresh_token else ["QONTO_OAUTH_REFRESH_TOKEN"]
    if missing:
        return Check(name, False, "Manquant : " + ", ".join(missing), "Complétez la configuration.")
    return Check(name, True, f"Mode {settings.auth_mode}, identifiants présents.")


def check_key_and_latency(client: QontoClient) -> list[Check]:
    started = time.monotonic()
    try:
        organization = client.organization.get()
    except QontoError as exc:
        return [_failure("Clé API (401 si révoquée)", exc)]
    elapsed = time.monotonic() - started
    latency = Check(
        "Délai de réponse",
        elapsed < SLOW_SECONDS,
        f"{elapsed * 1000:.0f} ms pour GET /v2/organization.",
        None if elapsed < SLOW_SECONDS else "Qonto est lent : surveillez les délais dépassés.",
    )
    key = Check("Clé API (401 si révoquée)", True, f"Organisation « {organization.slug} ».")
    return [key, latency]


def check_pdf(
    fetch: Callable[[FinancialDocument], bytes], latest: FinancialDocument | None
) -> Check:
    name = "PDF des factures"
    if latest is None:
        return Check(name, True, "Aucune facture émise à vérifier pour le moment.")
    try:
        content = fetch(latest)
    except (DomainError, QontoError) as exc:
        hint = "Qonto régénère le PDF quelques secondes après la finalisation ; réessayez."
        return Check(name, False, f"PDF de {latest.number} indisponible : {exc}", hint)
    return Check(name, True, f"PDF de {latest.number} lu ({len(content)} octets).")


def check_credit_notes(client: QontoClient) -> Check:
    name = "Endpoint des avoirs"
    try:
        client.credit_notes.list()
    except NotFound:
        return Check(
            name,
            False,
            "GET /v2/credit_notes répond 404.",
            "Créez les avoirs dans le tableau de bord Qonto ; la synchronisation les reliera.",
        )
    except QontoError as exc:
        return _failure(name, exc)
    return Check(name, True, "GET /v2/credit_notes répond.")


def diagnose(
    client: QontoClient,
    settings: QontoSettings,
    fetch_pdf: Callable[[FinancialDocument], bytes],
    latest_issued: FinancialDocument | None,
) -> list[Check]:
    """Every check, in the guide's order; a failed key check skips the calls after it."""
    checks = [check_credentials(settings)]
    checks += check_key_and_latency(client)
    if all(check.ok for check in checks[1:2]):
        checks.append(check_pdf(fetch_pdf, latest_issued))
        checks.append(check_credit_notes(client))
    return checks
