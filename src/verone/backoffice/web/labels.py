"""The UI's French vocabulary (docs/ui.md): kinds, statuses and their badge tones, the
navigation. Words only; which actions a document allows comes from ``services.document_views``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType, InvoicingStatus
from verone.backoffice.domain.users import Role

S = DocumentStatus
T = DocumentType

KIND = {T.INVOICE: "facture", T.QUOTE: "devis", T.CREDIT_NOTE: "avoir"}
KIND_TITLE = {T.INVOICE: "Facture", T.QUOTE: "Devis", T.CREDIT_NOTE: "Avoir"}
KIND_PLURAL = {T.INVOICE: "Factures", T.QUOTE: "Devis", T.CREDIT_NOTE: "Avoirs"}
#: « Finaliser la facture (le devis, l'avoir) »
FINALIZE_ACTION = {
    T.INVOICE: "Finaliser la facture",
    T.QUOTE: "Finaliser le devis",
    T.CREDIT_NOTE: "Finaliser l'avoir",
}
#: the ``type`` query value of each tab of « Factures Qonto »
TAB = {T.INVOICE: "factures", T.QUOTE: "devis", T.CREDIT_NOTE: "avoirs"}
TAB_KIND = {value: kind for kind, value in TAB.items()}

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


_ISSUED = {T.INVOICE: "À payer", T.QUOTE: "Envoyé", T.CREDIT_NOTE: "Émis"}
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
    return Badge(_ISSUED[document.document_type], "blue")


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

EMPTY = {T.INVOICE: "Aucune facture", T.QUOTE: "Aucun devis", T.CREDIT_NOTE: "Aucun avoir"}
NEW_SERVICE = {
    T.INVOICE: "Nouvelle facture de prestation",
    T.QUOTE: "Nouveau devis de prestation",
    T.CREDIT_NOTE: "Nouvelle facture de prestation",
}

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


#: the JSON API's path of each kind (the PDF is served by the API, with the same session)
API_PATH = {
    T.INVOICE: "/api/qonto/invoices",
    T.QUOTE: "/api/qonto/quotes",
    T.CREDIT_NOTE: "/api/qonto/credit-notes",
}


def pdf_url(document: FinancialDocument) -> str:
    return f"{API_PATH[document.document_type]}/{document.id}/pdf"


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
}


def audit_action(action: str) -> str:
    return AUDIT_ACTIONS.get(action, action)
