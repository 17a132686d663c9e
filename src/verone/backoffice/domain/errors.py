"""The back office's domain error tree: one subclass per broken rule.

Each error carries a stable machine ``code`` and a French ``message`` for the user.
"""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused an action. ``code`` is stable; ``message`` is French."""

    code = "domain_error"
    default_message = "Action refusée par une règle métier."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class NotFound(DomainError):
    code = "not_found"
    default_message = "Ressource introuvable."


class DocumentNotFound(NotFound):
    code = "document_not_found"
    default_message = "Document introuvable."


class OrderNotFound(NotFound):
    code = "order_not_found"
    default_message = "Commande introuvable."


class CustomerNotFound(NotFound):
    code = "customer_not_found"
    default_message = "Client introuvable."


class ProductNotFound(NotFound):
    code = "product_not_found"
    default_message = "Produit introuvable."


class IllegalTransition(DomainError):
    code = "illegal_transition"
    default_message = "Ce changement de statut n'est pas autorisé."


class InvoiceNotDraft(IllegalTransition):
    code = "invoice_not_draft"
    default_message = "La facture n'est pas un brouillon."


class DocumentNotDraft(IllegalTransition):
    code = "document_not_draft"
    default_message = "Le document n'est pas un brouillon."


class DocumentNotEditable(DomainError):
    code = "document_not_editable"
    default_message = "Un document finalisé ne peut plus être modifié ; émettez un avoir."


class DocumentNotDeletable(DomainError):
    code = "document_not_deletable"
    default_message = "Seuls les brouillons et documents en attente peuvent être supprimés."


class EmptyDocument(DomainError):
    code = "empty_document"
    default_message = "Le document ne contient aucune ligne."


class InvalidDocument(DomainError):
    code = "invalid_document"
    default_message = "Le document est incomplet ou invalide."


class InvalidNumber(DomainError):
    code = "invalid_number"
    default_message = "Le numéro attribué par Qonto est invalide."


class CreditExceedsInvoice(DomainError):
    code = "credit_exceeds_invoice"
    default_message = "Le total des avoirs dépasserait le montant de la facture."


class CreditNoteRequiresFinalizedInvoice(DomainError):
    code = "credit_note_requires_finalized_invoice"
    default_message = "Un avoir ne peut être émis que sur une facture finalisée."


class OverInvoicing(DomainError):
    code = "over_invoicing"
    default_message = "La quantité facturée dépasserait la quantité commandée."


class CurrencyMismatch(DomainError):
    code = "currency_mismatch"
    default_message = "Les devises ne correspondent pas."


class ConfirmationInvalid(DomainError):
    code = "confirmation_invalid"
    default_message = "La confirmation est invalide ; relancez l'aperçu avant de finaliser."


class ConfirmationExpired(ConfirmationInvalid):
    code = "confirmation_expired"
    default_message = "La confirmation a expiré (10 minutes) ; relancez l'aperçu."


class ContentChanged(ConfirmationInvalid):
    code = "content_changed"
    default_message = "Le document a changé depuis l'aperçu ; vérifiez-le à nouveau."


class PermissionDenied(DomainError):
    code = "permission_denied"
    default_message = "Votre rôle ne permet pas cette action."


class PaymentExceedsInvoice(DomainError):
    code = "payment_exceeds_invoice"
    default_message = "Le montant rapproché dépasse le reste à payer de la facture."


class InvalidSplit(DomainError):
    """A transfer's split is no valid request: no part, or an invoice twice."""

    code = "invalid_split"
    default_message = "Répartition invalide."


class MatchRejected(DomainError):
    code = "match_rejected"
    default_message = (
        "Ce virement a été écarté pour cette facture : rétablissez la suggestion d'abord."
    )


class MatchAlreadyRejected(DomainError):
    code = "match_already_rejected"
    default_message = "Cette suggestion est déjà rejetée."


class RejectionNotFound(NotFound):
    code = "rejection_not_found"
    default_message = "Aucune suggestion rejetée pour ce virement et cette facture."


class OutboxNotPending(IllegalTransition):
    code = "outbox_not_pending"
    default_message = "Cette opération sortante est déjà réglée."


class PdfNotAvailable(DomainError):
    code = "pdf_not_available"
    default_message = "Aucun PDF tant que le document n'est pas finalisé."


class NotImportable(DomainError):
    code = "not_importable"
    default_message = "Ce document Qonto ne peut pas être importé."


class SyncInProgress(DomainError):
    """Another run of the same sync holds its lease."""

    code = "sync_in_progress"
    default_message = "Une synchronisation est déjà en cours ; réessayez quand elle sera finie."


class QontoFailure(DomainError):
    """Qonto could not do what was asked; carries Qonto's trace id and a troubleshooting hint."""

    code = "qonto_failure"
    default_message = "Qonto n'a pas pu traiter la demande."

    def __init__(
        self,
        message: str | None = None,
        *,
        trace_id: str | None = None,
        hint: str | None = None,
        status: int | None = None,
        qonto_code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.trace_id, self.hint, self.status = trace_id, hint, status
        self.qonto_code = qonto_code


class QontoUnavailable(QontoFailure):
    code = "qonto_unavailable"
    default_message = "Qonto est injoignable pour le moment ; réessayez plus tard."


class QontoRateLimited(QontoUnavailable):
    """Qonto's rate limit: retry after ``retry_after`` seconds (when Qonto said)."""

    code = "qonto_rate_limited"
    default_message = "Qonto limite le nombre de requêtes ; réessayez dans un instant."
    retry_after: int | None = None


class QontoRejected(QontoFailure):
    """Qonto answered and refused; ``status`` is Qonto's HTTP status, ``qonto_code`` its code."""

    code = "qonto_rejected"
    default_message = "Qonto a refusé la demande."


class QontoNotFound(QontoRejected):
    code = "qonto_not_found"
    default_message = "Qonto ne connaît pas cette ressource."


class QontoConflict(QontoRejected):
    code = "qonto_conflict"
    default_message = "Qonto refuse la demande dans l'état actuel de la ressource."


class QontoInvalidRequest(QontoRejected):
    code = "qonto_invalid_request"
    default_message = "Qonto a refusé les données envoyées."


class QontoAuthFailed(QontoRejected):
    code = "qonto_auth_failed"
    default_message = "Qonto refuse les identifiants du back-office."


class QontoOutcomeUnknown(QontoUnavailable):
    code = "qonto_outcome_unknown"
    default_message = (
        "Qonto n'a pas confirmé l'opération ; elle sera vérifiée automatiquement avant "
        "toute nouvelle tentative."
    )


class CreditNoteUnsupported(QontoRejected):
    code = "credit_note_unsupported"
    default_message = (
        "Qonto ne permet pas de créer cet avoir par l'API : créez-le dans le tableau de bord "
        "Qonto ; il sera rattaché lors de la prochaine synchronisation des factures."
    )
