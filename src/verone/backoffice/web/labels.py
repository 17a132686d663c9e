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
    "outbox.settle": "Outbox réglée",
    "user.create": "Utilisateur créé",
    "customer.qonto_client_linked": "Client relié à Qonto",
}


def audit_action(action: str) -> str:
    return AUDIT_ACTIONS.get(action, action)


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
