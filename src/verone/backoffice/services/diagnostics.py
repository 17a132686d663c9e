"""The integration's diagnostics: the checks of docs/operations.md « Troubleshooting », each
with its result and the hint to act on. Shown on the « Intégration Qonto » page and printed by
``verone diagnose``.

``diagnose(uow, gateway, clock, setup, schema)`` → ``Diagnosis``. Every Qonto read goes through
the gateway (read-only probes); ``setup`` is the configuration as the composition root sees it
and ``schema`` reads the database's migration state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from verone.backoffice.domain import errors
from verone.backoffice.domain.queries import DocumentFilter, PageRequest
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.backoffice.ports import Clock, QontoGateway, QontoReachability, UnitOfWork

MAX_CLOCK_SKEW = timedelta(seconds=60)
HINT_REVOKED = (
    "Clé API révoquée ? Régénérez-la dans le tableau de bord Qonto, puis vérifiez "
    "QONTO_ORGANIZATION_ID (l'identifiant de connexion) et QONTO_API_KEY."
)
HINT_NETWORK = (
    "Délai dépassé ou connexion impossible : vérifiez le réseau entre les serveurs et Qonto "
    "(proxy, pare-feu) et QONTO_BASE_URL. Les écritures restées ambiguës attendent dans l'outbox."
)
HINT_FORBIDDEN = "Vérifiez les permissions (scopes) de la clé API ou de l'application OAuth."
HINT_RATE = "Budget de requêtes épuisé : espacez les synchronisations ou ajustez QONTO_RATE_LIMITS."
HINT_CLOCK = "Synchronisez l'horloge du serveur (NTP) : les jetons et les échéances en dépendent."
HINT_WEBHOOKS = (
    "Aucun abonnement : les paiements n'arriveront qu'à la prochaine synchronisation. "
    "Abonnez le back office aux webhooks de Qonto (docs/operations.md)."
)
HINT_PDF = (
    "Qonto ne produit le PDF qu'après la finalisation : la facture est-elle finalisée ? "
    "Qonto donne-t-il un pdf_url ? Sinon la pièce jointe (attachment_id), dont le lien expire "
    "au bout de 30 minutes."
)
HINT_CREDIT_NOTE = (
    "Qonto répond 404 : la création d'avoirs par l'API n'existe pas pour cette organisation. "
    "Créez l'avoir dans le tableau de bord Qonto ; il sera rattaché à la synchronisation."
)
HINT_DATABASE = "Vérifiez VERONE_DATABASE_URL et que la base accepte les connexions."
HINT_MIGRATIONS = "Appliquez les migrations : verone db upgrade."
READS = {
    "clients": "clients",
    "client_invoices": "factures",
    "quotes": "devis",
    "credit_notes": "avoirs",
}


class CheckStatus(StrEnum):
    OK = "ok"
    WARNING = "warning"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Check:
    key: str
    label: str
    status: CheckStatus
    detail: str
    hint: str | None = None
    trace_id: str | None = None


@dataclass(frozen=True, slots=True)
class Diagnosis:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.status is not CheckStatus.FAILED for check in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status is CheckStatus.FAILED)


@dataclass(frozen=True, slots=True)
class QontoSetup:
    """The integration's configuration (no secret): what the composition root was given."""

    base_url: str
    auth_mode: str
    organization_id: str | None
    api_key_configured: bool
    rate_limits: str
    timeout_seconds: float
    simulated: bool
    webhook_secret_configured: bool


@dataclass(frozen=True, slots=True)
class SchemaState:
    current: tuple[str, ...]
    heads: tuple[str, ...]


SchemaReader = Callable[[], SchemaState]


@dataclass(slots=True)
class _Run:
    uow: UnitOfWork
    gateway: QontoGateway
    clock: Clock
    setup: QontoSetup
    checks: list[Check] = field(default_factory=list)
    rate_limited: bool = False

    def add(
        self,
        key: str,
        label: str,
        status: CheckStatus,
        detail: str,
        *,
        hint: str | None = None,
        trace_id: str | None = None,
    ) -> None:
        self.checks.append(Check(key, label, status, detail, hint, trace_id))

    def failure(self, key: str, label: str, exc: errors.QontoFailure, hint: str) -> None:
        if exc.status == 429:
            self.rate_limited = True
        self.add(key, label, CheckStatus.FAILED, exc.message, hint=hint, trace_id=exc.trace_id)


def _qonto_hint(exc: errors.QontoFailure) -> str:
    if exc.status == 401:
        return HINT_REVOKED
    if exc.status == 403:
        return HINT_FORBIDDEN
    if exc.status == 429:
        return HINT_RATE
    return HINT_NETWORK if isinstance(exc, errors.QontoUnavailable) else exc.hint or HINT_NETWORK


def _configuration(run: _Run) -> None:
    setup = run.setup
    missing = []
    if setup.auth_mode == "api_key" and not setup.organization_id:
        missing.append("QONTO_ORGANIZATION_ID")
    if setup.auth_mode == "api_key" and not setup.api_key_configured:
        missing.append("QONTO_API_KEY")
    detail = f"mode {setup.auth_mode}, {setup.base_url}, délai {setup.timeout_seconds:g} s"
    if missing:
        hint = f"Renseignez {', '.join(missing)} (docs/operations.md)."
        run.add("configuration", "Configuration", CheckStatus.FAILED, detail, hint=hint)
    else:
        run.add("configuration", "Configuration", CheckStatus.OK, detail)


def _reach(run: _Run) -> QontoReachability | None:
    """Base URL (Qonto answers at all) then credentials (it accepts them)."""
    url, creds = ("base_url", "Adresse de l'API"), ("credentials", "Identifiants")
    try:
        reach = run.gateway.probe_organization()
    except errors.QontoUnavailable as exc:
        run.failure(*url, exc, _qonto_hint(exc))
        run.add(*creds, CheckStatus.SKIPPED, "non vérifiés : Qonto est injoignable")
        return None
    except errors.QontoRejected as exc:
        run.add(*url, CheckStatus.OK, f"{run.setup.base_url} répond")
        run.failure(*creds, exc, _qonto_hint(exc))
        return None
    run.add(*url, CheckStatus.OK, f"{run.setup.base_url} répond en {reach.latency_ms:.0f} ms")
    detail = f"organisation {reach.organization_slug}, {reach.bank_accounts} compte(s) bancaire(s)"
    run.add(*creds, CheckStatus.OK, detail)
    return reach


def _clock_skew(run: _Run) -> None:
    key, label = "clock", "Horloge"
    try:
        remote = run.gateway.server_time()
    except errors.QontoFailure as exc:
        run.failure(key, label, exc, HINT_NETWORK)
        return
    if remote is None:
        run.add(key, label, CheckStatus.WARNING, "Qonto n'a pas donné son heure (en-tête Date)")
        return
    skew = run.clock.now() - remote
    seconds = abs(skew.total_seconds())
    detail = f"écart de {seconds:.0f} s avec Qonto"
    if abs(skew) > MAX_CLOCK_SKEW:
        run.add(key, label, CheckStatus.FAILED, detail, hint=HINT_CLOCK)
    else:
        run.add(key, label, CheckStatus.OK, detail)


def _scopes(run: _Run) -> None:
    refused: list[str] = []
    for resource, word in READS.items():
        try:
            run.gateway.probe_read(resource)
        except errors.QontoFailure as exc:
            if exc.status == 429:
                run.rate_limited = True
            refused.append(f"{word} ({exc.status or 'injoignable'})")
    if refused:
        detail = "lecture refusée : " + ", ".join(refused)
        run.add("scopes", "Permissions", CheckStatus.FAILED, detail, hint=HINT_FORBIDDEN)
    else:
        detail = "lecture des " + ", ".join(READS.values()) + " autorisée"
        run.add("scopes", "Permissions", CheckStatus.OK, detail)


def _rate_budget(run: _Run) -> None:
    detail = f"budget configuré : {run.setup.rate_limits}"
    if run.rate_limited:
        run.add("rate_budget", "Budget de requêtes", CheckStatus.FAILED, detail, hint=HINT_RATE)
    else:
        run.add("rate_budget", "Budget de requêtes", CheckStatus.OK, detail)


def _webhooks(run: _Run) -> None:
    key, label = "webhooks", "Abonnement aux webhooks"
    try:
        found = run.gateway.webhook_subscriptions()
    except errors.QontoFailure as exc:
        run.failure(key, label, exc, _qonto_hint(exc))
        return
    if not found:
        run.add(key, label, CheckStatus.WARNING, "aucun abonnement", hint=HINT_WEBHOOKS)
        return
    urls = ", ".join(sorted({w.url for w in found if w.url})) or "sans adresse"
    secret = "" if run.setup.webhook_secret_configured else " ; secret de signature absent"
    status = CheckStatus.OK if run.setup.webhook_secret_configured else CheckStatus.WARNING
    hint = None if run.setup.webhook_secret_configured else "Renseignez VERONE_WEBHOOK_SECRET."
    run.add(key, label, status, f"{len(found)} abonnement(s) : {urls}{secret}", hint=hint)


def _pdf(run: _Run) -> None:
    key, label = "pdf", "PDF des factures"
    criteria = DocumentFilter(
        document_type=DocumentType.INVOICE,
        statuses=frozenset({DocumentStatus.FINALIZED, DocumentStatus.PAID}),
    )
    with run.uow:
        latest = run.uow.documents.list(criteria, PageRequest(1, 1)).items
    if not latest or latest[0].qonto_id is None:
        run.add(key, label, CheckStatus.SKIPPED, "aucune facture finalisée à vérifier")
        return
    document, qonto_id = latest[0], latest[0].qonto_id
    name = document.number or str(document.id)
    try:
        remote = run.gateway.get_document(DocumentType.INVOICE, qonto_id)
        if remote.pdf_url is None and remote.attachment_id is not None:
            run.gateway.attachment_link(remote.attachment_id)
    except errors.QontoFailure as exc:
        run.failure(key, label, exc, HINT_PDF)
        return
    if remote.pdf_url is None and remote.attachment_id is None:
        detail = f"{name} : ni pdf_url ni pièce jointe chez Qonto (statut {remote.qonto_status})"
        run.add(key, label, CheckStatus.FAILED, detail, hint=HINT_PDF)
        return
    source = "pdf_url" if remote.pdf_url else "pièce jointe"
    run.add(key, label, CheckStatus.OK, f"{name} : PDF disponible ({source})")


def _credit_notes(run: _Run) -> None:
    key, label = "credit_notes", "Création d'avoirs"
    try:
        available = run.gateway.credit_note_creation_available()
    except errors.QontoFailure as exc:
        run.failure(key, label, exc, _qonto_hint(exc))
        return
    if available:
        run.add(key, label, CheckStatus.OK, "l'API de Qonto accepte la création d'avoirs")
    else:
        detail = "Qonto répond 404 sur POST /v2/credit_notes"
        run.add(key, label, CheckStatus.FAILED, detail, hint=HINT_CREDIT_NOTE)


def _database(run: _Run, schema: SchemaReader) -> None:
    try:
        with run.uow:
            users = len(run.uow.users.list())
        state = schema()
    except Exception as exc:  # any driver error: the check reports it, never crashes
        detail = f"{type(exc).__name__} : {exc}"[:300]
        run.add("database", "Base de données", CheckStatus.FAILED, detail, hint=HINT_DATABASE)
        return
    run.add("database", "Base de données", CheckStatus.OK, f"joignable, {users} utilisateur(s)")
    current = ", ".join(state.current) or "aucune"
    heads = ", ".join(state.heads)
    if set(state.current) == set(state.heads):
        run.add("migrations", "Migrations", CheckStatus.OK, f"à jour ({current})")
    else:
        detail = f"version {current}, attendue {heads}"
        run.add("migrations", "Migrations", CheckStatus.FAILED, detail, hint=HINT_MIGRATIONS)


def diagnose(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    setup: QontoSetup,
    schema: SchemaReader,
) -> Diagnosis:
    """Run every check in the order of the troubleshooting guide; Qonto calls are reads."""
    run = _Run(uow, gateway, clock, setup)
    _configuration(run)
    reachable = _reach(run)
    if reachable is not None:
        _clock_skew(run)
        _scopes(run)
        _webhooks(run)
        _pdf(run)
        _credit_notes(run)
    else:
        for key, label in (
            ("clock", "Horloge"),
            ("scopes", "Permissions"),
            ("webhooks", "Abonnement aux webhooks"),
            ("pdf", "PDF des factures"),
            ("credit_notes", "Création d'avoirs"),
        ):
            run.add(key, label, CheckStatus.SKIPPED, "non vérifié : Qonto n'a pas accepté l'appel")
    _rate_budget(run)
    _database(run, schema)
    return Diagnosis(tuple(run.checks))
