"""The UI's French vocabulary (docs/ui.md): kinds, statuses and their badge tones, the
navigation. Words only; which actions a document allows comes from ``services.document_views``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from starlette.requests import Request

from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.kinds import kind_of
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType, InvoicingStatus
from verone.backoffice.domain.users import Role

S = DocumentStatus


@dataclass(frozen=True, slots=True)
class KindWords:
    """The UI's words for one kind of document (what it *does* is ``domain/kinds.py``)."""

    noun: str  # facture
    title: str  # Facture
    plural: str  # Factures
    tab: str  # the ``type`` of « Factures Qonto »'s tab in the URL
    finalize: str  # « Finaliser la facture »
    finalized: str
    issued: str  # the badge of an issued, unanswered, unpaid document
    empty: str
    new_service: str
    api_path: str  # the JSON API's path (the PDF is served there, with the same session)
    chips: tuple[str, ...]  # the status chips of its tab (web/listing.py)
    end_date_label: str  # the label of the date Qonto requires besides the issue date


#: the one table of the UI's words per kind
WORDS: dict[DocumentType, KindWords] = {
    DocumentType.INVOICE: KindWords(
        "facture", "Facture", "Factures", "factures", "Finaliser la facture",
        "Facture finalisée", "À payer", "Aucune facture", "Nouvelle facture de prestation",
        "/api/qonto/invoices",
        ("tous", "brouillons", "a-payer", "en-retard", "partiellement-payees", "payees",
         "annulees"),
        "Échéance",
    ),
    DocumentType.QUOTE: KindWords(
        "devis", "Devis", "Devis", "devis", "Finaliser le devis", "Devis finalisé", "Envoyé",
        "Aucun devis", "Nouveau devis de prestation", "/api/qonto/quotes",
        ("tous", "brouillons", "envoyes", "acceptes", "refuses"), "Valable jusqu'au",
    ),
    DocumentType.CREDIT_NOTE: KindWords(
        "avoir", "Avoir", "Avoirs", "avoirs", "Finaliser l'avoir", "Avoir finalisé", "Émis",
        "Aucun avoir", "Nouvelle facture de prestation", "/api/qonto/credit-notes",
        ("tous", "brouillons", "emis"), "Échéance",
    ),
}  # fmt: skip
KIND = {kind: w.noun for kind, w in WORDS.items()}
KIND_TITLE = {kind: w.title for kind, w in WORDS.items()}
KIND_PLURAL = {kind: w.plural for kind, w in WORDS.items()}
FINALIZE_ACTION = {kind: w.finalize for kind, w in WORDS.items()}
FINALIZED = {kind: w.finalized for kind, w in WORDS.items()}
EMPTY = {kind: w.empty for kind, w in WORDS.items()}
NEW_SERVICE = {kind: w.new_service for kind, w in WORDS.items()}
TAB = {kind: w.tab for kind, w in WORDS.items()}
TAB_KIND = {w.tab: kind for kind, w in WORDS.items()}


def service_date(kind: DocumentType) -> tuple[str, str]:
    """The form field and label of the date a service document asks for: its kind's
    ``end_date_field`` (an invoice's due date, a quote's validity)."""
    head, *rest = (kind_of(kind).end_date_field or "due_date").split("_")
    return head + "".join(part.title() for part in rest), WORDS[kind].end_date_label


ROLE = {Role.VIEWER: "Lecture seule", Role.ACCOUNTANT: "Comptable", Role.ADMIN: "Administrateur"}

INVOICING = {
    InvoicingStatus.NOT_INVOICED: "Non facturée",
    InvoicingStatus.PARTIALLY_INVOICED: "Partiellement facturée",
    InvoicingStatus.INVOICED: "Facturée",
    InvoicingStatus.PAID: "Payée",
}


@dataclass(frozen=True, slots=True)
class Badge:
    """A status word and its tone (grey, blue, orange, green, red); the word is always shown."""

    label: str
    tone: str


_FIXED = {
    S.PENDING: Badge("En attente", "grey"),
    S.DRAFT: Badge("Brouillon", "grey"),
    S.PAID: Badge("Payée", "green"),
    S.CANCELLED: Badge("Annulée", "red"),
    S.ACCEPTED: Badge("Accepté", "green"),
    S.DECLINED: Badge("Refusé", "red"),
    S.CONVERTED: Badge("Converti", "green"),
}


def badge(document: FinancialDocument, today: date) -> Badge:
    """The badge of a document as of ``today`` (overdue, partly paid and expired are derived)."""
    if document.status is not S.FINALIZED:
        return _FIXED[document.status]
    if document.is_overdue(today):
        return Badge("En retard", "orange")
    if document.is_expired(today):
        return Badge("Expiré", "red")
    if document.kind.payable and document.amount_paid > 0:
        return Badge("Partiellement payée", "orange")
    return Badge(WORDS[document.document_type].issued, "blue")


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    href: str
    section: str
    role: Role = Role.VIEWER


NAVIGATION = (
    NavItem("Tableau de bord", "/", "dashboard"),
    NavItem("Factures Qonto", "/factures", "documents"),
    NavItem("Commandes", "/commandes", "orders"),
    NavItem("Clients", "/clients", "customers"),
    NavItem("Transactions bancaires", "/transactions", "transactions"),
    NavItem("Rapprochement", "/rapprochement", "reconciliation"),
    NavItem("Intégration Qonto", "/integration", "integration"),
    NavItem("Journal d'audit", "/audit", "audit"),
    NavItem("Administration", "/administration", "admin", Role.ADMIN),
)


FIELDS = {
    "title": "Désignation",
    "quantity": "Quantité",
    "unitPrice": "Prix unitaire HT",
    "vatRate": "TVA",
    "customerId": "Client",
    "salesOrderId": "Commande",
    "dueDate": "Échéance",
    "issueDate": "Date d'émission",
    "expiryDate": "Validité",
    "reason": "Motif",
    "items": "Lignes",
    "lines": "Lignes",
    "email": "E-mail",
    "password": "Mot de passe",
    "amount": "Montant",
    "transactionId": "Transaction",
    "parts": "Répartition",
}


def field_label(location: str) -> str:
    """``items.0.unitPrice`` → « Ligne 1 — Prix unitaire HT »."""
    parts = location.split(".")
    words: list[str] = []
    for part in parts:
        if part.isdigit():
            words.append(f"ligne {int(part) + 1}")
        elif part in FIELDS:
            words.append(FIELDS[part])
    return " — ".join(words) if words else location


def pdf_url(document: FinancialDocument) -> str:
    return f"{WORDS[document.document_type].api_path}/{document.id}/pdf"


AUDIT_ACTIONS = {
    "auth.login": "Connexion",
    "auth.login_failed": "Échec de connexion",
    "auth.logout": "Déconnexion",
    "api_token.create": "Jeton d'API créé",
    "api_token.revoke": "Jeton d'API révoqué",
    "customer.create": "Client créé",
    "product.create": "Produit créé",
    "product.update": "Produit modifié",
    "document.draft_created": "Brouillon créé dans Qonto",
    "document.finalized": "Finalisé",
    "document.sent": "Envoyé par Qonto",
    "document.email_queued": "Envoi par e-mail programmé",
    "quote.drafted": "Devis créé",
    "quote.converted": "Devis converti en facture",
    "credit_note.drafted": "Avoir créé",
    "credit_note.deleted": "Avoir supprimé",
    "reconciliation.allocated": "Paiement rapproché",
    "reconciliation.undone": "Rapprochement annulé",
    "outbox.settle": "Outbox réglée",
    "user.create": "Utilisateur créé",
    "customer.qonto_client_linked": "Client relié à Qonto",
}


def audit_action(action: str) -> str:
    return AUDIT_ACTIONS.get(action, action)


#: VAT rates offered by the lines editor (the value is the API's fraction)
VAT_RATES = (("0.2", "20 %"), ("0.1", "10 %"), ("0.055", "5,5 %"), ("0.021", "2,1 %"), ("0", "0 %"))


def plain(rate: object) -> str:
    """A decimal as a form value: ``Decimal("0.200")`` → ``"0.2"``, ``2.00`` → ``"2"``."""
    try:
        value = Decimal(str(rate)).normalize()
    except ArithmeticError:
        return ""
    return f"{value:f}"


def typed(amount: object) -> str:
    """A decimal in a field a person reads and edits, as they would type it: a comma, no
    grouping (``Decimal("4479.60")`` → ``"4479,60"``); the forms read it back as the API's.
    Fields a browser reads itself (``type=number``, options, hidden fields) keep ``plain``."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except ArithmeticError:
        return ""
    return f"{value:f}".replace(".", ",")


INVOICING_TONE = {
    InvoicingStatus.NOT_INVOICED: "grey",
    InvoicingStatus.PARTIALLY_INVOICED: "orange",
    InvoicingStatus.INVOICED: "blue",
    InvoicingStatus.PAID: "green",
}


def with_page(request: Request, page: int) -> str:
    """The current query string with another ``page`` (list pagers)."""
    params = dict(request.query_params)
    params["page"] = str(page)
    return urlencode(params)


SYNC_STATUS = {"running": "En cours", "succeeded": "Réussie", "failed": "Échouée"}
SYNC_TONE = {"running": "blue", "succeeded": "green", "failed": "red"}

# ---------------------------------------------------------------- the operator's pages

OUTBOX_OPERATION = {
    "create_client": "Création du client Qonto",
    "create_draft": "Création du brouillon",
    "update_draft": "Modification du brouillon",
    "delete_draft": "Suppression du brouillon",
    "finalize": "Finalisation",
    "issue_quote": "Émission du devis",
    "create_credit_note": "Création de l'avoir",
    "mark_paid": "Marquage payée",
    "unmark_paid": "Annulation du marquage payée",
    "cancel": "Annulation de la facture",
    "send": "Envoi par Qonto",
    "attach_pdf": "Pièce jointe à la transaction",
}
#: a status word and its badge tone, for the outbox, sync runs and diagnostic checks
STATE = {
    "pending": Badge("En attente", "grey"),
    "ambiguous": Badge("Issue incertaine", "orange"),
    "failed": Badge("Échec", "red"),
    "succeeded": Badge("Réussie", "green"),
    "running": Badge("En cours", "blue"),
    "ok": Badge("OK", "green"),
    "warning": Badge("Attention", "orange"),
    "skipped": Badge("Non vérifié", "grey"),
}
SYNC_KIND = {"transactions": "Transactions bancaires", "documents": "Factures, devis et avoirs"}
AUTH_MODE = {"api_key": "Clé API", "oauth": "OAuth 2.0"}


def state(value: str) -> Badge:
    return STATE.get(str(value), Badge(str(value), "grey"))


ENTITY = {
    "user": "Utilisateur",
    "api_token": "Jeton d'API",
    "customer": "Client",
    "product": "Produit",
    "outbox": "Outbox",
    "sales_order": "Commande",
    "bank_transaction": "Transaction",
}
CHAIN_BREAK = {
    "missing or reordered entry": "entrée manquante ou déplacée",
    "previous hash does not match": "l'empreinte de l'entrée précédente ne correspond pas",
    "entry content was altered": "le contenu de l'entrée a été modifié",
}
