"""One policy per document kind: what differs between an invoice, a quote and a credit note.

The three kinds share one ``FinancialDocument`` (and one ``financial_documents`` table); the
differences live here, once: statuses and allowed moves, what "issued" means, the numbering
prefix, which gateway call issues (and cancels) it, what Qonto's statuses mean, what can be
sent and how, which dates Qonto requires. Services, routes and templates ask the document's
``kind`` instead of testing its type (docs/architecture.md, "The document kinds").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from verone.backoffice.domain import errors
from verone.backoffice.domain.statuses import EDITABLE_STATUSES, DocumentStatus, DocumentType

S = DocumentStatus


class IssueCall(StrEnum):
    """The gateway call that issues a document (Qonto gives it its number there); the values
    are the outbox operation names."""

    FINALIZE_DRAFT = "finalize"  # invoices: Qonto finalizes the draft it already holds
    CREATE_QUOTE = "issue_quote"  # quotes: Qonto numbers a quote when it creates it
    CREATE_CREDIT_NOTE = "create_credit_note"  # credit notes: created against the invoice


class SendChannel(StrEnum):
    """How an issued document reaches the customer (the values are the API's ``channel``)."""

    QONTO = "qonto"  # Qonto e-mails it with its PDF
    MAIL_OUTBOX = "email_outbox"  # Qonto does not send it: the back office's mailer does


class RemoteMove(StrEnum):
    """A change made in Qonto (or by the customer there) that the mirror adopts."""

    MARK_PAID = "mark_paid"
    CANCEL = "cancel"
    UNMARK_PAID = "unmark_paid"
    ACCEPT = "accept"
    DECLINE = "decline"

    @property
    def change(self) -> tuple[DocumentStatus, DocumentStatus]:
        """(the local status, Qonto's status read as local) that this move follows."""
        return _REMOTE[self][0]

    @property
    def note(self) -> str:
        """What the sync reports when it adopted this move."""
        return _REMOTE[self][1]


_REMOTE = {
    RemoteMove.MARK_PAID: ((S.FINALIZED, S.PAID), "payée dans Qonto"),
    RemoteMove.CANCEL: ((S.FINALIZED, S.CANCELLED), "annulée dans Qonto"),
    RemoteMove.UNMARK_PAID: ((S.PAID, S.FINALIZED), "paiement retiré dans Qonto"),
    RemoteMove.ACCEPT: ((S.FINALIZED, S.ACCEPTED), "accepté par le client"),
    RemoteMove.DECLINE: ((S.FINALIZED, S.DECLINED), "refusé ou annulé dans Qonto"),
}


def _adopted(*moves: RemoteMove) -> dict[tuple[DocumentStatus, DocumentStatus], RemoteMove]:
    """A kind's ``remote_moves``: each move keyed by the status change it follows."""
    return {move.change: move for move in moves}


@dataclass(frozen=True, slots=True)
class DocumentKind:
    """Everything that depends on the kind of a document."""

    type: DocumentType
    title: str  # "Facture", to start a sentence or a subject line
    noun: str  # "la facture", inside a sentence
    number_prefix: str  # F-2026-001
    initial_statuses: frozenset[DocumentStatus]  # rule 1: never finalized at birth
    #: every status of the kind → the statuses it may move to
    transitions: Mapping[DocumentStatus, frozenset[DocumentStatus]]
    issue_call: IssueCall
    #: the draft lives in Qonto before the issue (invoices); otherwise it is local only
    drafts_in_qonto: bool
    #: Qonto can delete this kind's draft
    deletable_in_qonto: bool
    #: Qonto's own status word → the local status
    qonto_statuses: Mapping[str, DocumentStatus]
    #: (local status, Qonto's status read as local) → the move the mirror adopts
    remote_moves: Mapping[tuple[DocumentStatus, DocumentStatus], RemoteMove]
    send_channel: SendChannel
    #: paid / unpaid / cancelled in Qonto, allocated to bank transactions, overdue
    payable: bool = False
    #: answered by the customer (accept / decline), expires
    answerable: bool = False
    #: issuing it credits its parent invoice (a full credit cancels the invoice)
    credits_parent: bool = False
    #: credit notes can be credited against it
    creditable: bool = False
    #: Qonto lists this kind by ``updated_at`` (incremental sync); others are read whole
    lists_by_update: bool = False
    #: Qonto regenerates the PDF after the issue: only an attachment newer than the issue
    #: is final (otherwise one made at the issue already is)
    pdf_regenerated: bool = False
    #: Qonto serves this kind's PDF from its own file endpoint when no attachment exists
    pdf_file_endpoint: bool = False
    #: the date Qonto requires besides the issue date: ``due_date`` or ``expiry_date``
    end_date_field: str | None = None
    end_date_label: str = ""

    @property
    def statuses(self) -> frozenset[DocumentStatus]:
        return frozenset(self.transitions)

    @property
    def issued_statuses(self) -> frozenset[DocumentStatus]:
        """The statuses of an issued document: it has its number, its content is frozen."""
        return self.statuses - EDITABLE_STATUSES

    def allows(self, current: DocumentStatus, target: DocumentStatus) -> bool:
        return target in self.transitions.get(current, frozenset())

    def check_transition(self, current: DocumentStatus, target: DocumentStatus) -> None:
        """Raise ``IllegalTransition`` unless ``current → target`` is legal for this kind."""
        if not self.allows(current, target):
            raise errors.IllegalTransition(
                f"Passage de « {STATUS_LABELS_FR[current]} » à « {STATUS_LABELS_FR[target]} » "
                "interdit pour ce document."
            )

    def not_draft(self) -> errors.IllegalTransition:
        """The error for an issue asked of a document that is no longer a draft."""
        return errors.InvoiceNotDraft() if self.payable else errors.DocumentNotDraft()


STATUS_LABELS_FR: dict[DocumentStatus, str] = {
    S.PENDING: "En attente",
    S.DRAFT: "Brouillon",
    S.FINALIZED: "Finalisé",
    S.PAID: "Payée",
    S.CANCELLED: "Annulée",
    S.ACCEPTED: "Accepté",
    S.DECLINED: "Refusé",
    S.CONVERTED: "Converti",
}

INVOICE = DocumentKind(
    type=DocumentType.INVOICE,
    title="Facture",
    noun="la facture",
    number_prefix="F",
    initial_statuses=frozenset({S.PENDING, S.DRAFT}),
    transitions={
        S.PENDING: frozenset({S.DRAFT}),
        S.DRAFT: frozenset({S.FINALIZED}),
        S.FINALIZED: frozenset({S.PAID, S.CANCELLED}),
        S.PAID: frozenset({S.FINALIZED}),  # "unmark paid"
        S.CANCELLED: frozenset(),
    },
    issue_call=IssueCall.FINALIZE_DRAFT,
    drafts_in_qonto=True,
    deletable_in_qonto=True,
    qonto_statuses={
        "draft": S.DRAFT,
        "unpaid": S.FINALIZED,
        "paid": S.PAID,
        "canceled": S.CANCELLED,
    },
    remote_moves=_adopted(RemoteMove.MARK_PAID, RemoteMove.CANCEL, RemoteMove.UNMARK_PAID),
    send_channel=SendChannel.QONTO,
    payable=True,
    creditable=True,
    lists_by_update=True,
    pdf_regenerated=True,
    end_date_field="due_date",
    end_date_label="La date d'échéance est obligatoire.",
)

QUOTE = DocumentKind(
    type=DocumentType.QUOTE,
    title="Devis",
    noun="le devis",
    number_prefix="D",
    initial_statuses=frozenset({S.DRAFT}),
    transitions={
        S.DRAFT: frozenset({S.FINALIZED}),
        S.FINALIZED: frozenset({S.ACCEPTED, S.DECLINED, S.CONVERTED}),
        S.ACCEPTED: frozenset({S.CONVERTED}),
        S.DECLINED: frozenset(),
        S.CONVERTED: frozenset(),
    },
    issue_call=IssueCall.CREATE_QUOTE,
    drafts_in_qonto=False,
    deletable_in_qonto=True,
    qonto_statuses={
        "pending_approval": S.FINALIZED,
        "approved": S.ACCEPTED,
        "canceled": S.DECLINED,
    },
    remote_moves=_adopted(RemoteMove.ACCEPT, RemoteMove.DECLINE),
    send_channel=SendChannel.QONTO,
    answerable=True,
    end_date_field="expiry_date",
    end_date_label="La date d'expiration du devis est obligatoire.",
)

CREDIT_NOTE = DocumentKind(
    type=DocumentType.CREDIT_NOTE,
    title="Avoir",
    noun="l'avoir",
    number_prefix="AV",
    initial_statuses=frozenset({S.DRAFT}),
    transitions={S.DRAFT: frozenset({S.FINALIZED}), S.FINALIZED: frozenset()},
    issue_call=IssueCall.CREATE_CREDIT_NOTE,
    drafts_in_qonto=False,
    deletable_in_qonto=False,
    qonto_statuses={"finalized": S.FINALIZED},
    remote_moves=_adopted(),
    send_channel=SendChannel.MAIL_OUTBOX,
    credits_parent=True,
    pdf_file_endpoint=True,
)

#: Every kind, in the order documents are synchronized and listed
KINDS: tuple[DocumentKind, ...] = (INVOICE, QUOTE, CREDIT_NOTE)
_BY_TYPE: dict[DocumentType, DocumentKind] = {kind.type: kind for kind in KINDS}


def kind_of(document_type: DocumentType) -> DocumentKind:
    return _BY_TYPE[document_type]


#: The tables of each kind, as the database's check constraints and the tests read them
ALLOWED_STATUSES: dict[DocumentType, frozenset[DocumentStatus]] = {
    kind.type: kind.statuses for kind in KINDS
}
INITIAL_STATUSES: dict[DocumentType, frozenset[DocumentStatus]] = {
    kind.type: kind.initial_statuses for kind in KINDS
}
TRANSITIONS: dict[DocumentType, Mapping[DocumentStatus, frozenset[DocumentStatus]]] = {
    kind.type: kind.transitions for kind in KINDS
}


def check_transition(kind: DocumentType, current: DocumentStatus, target: DocumentStatus) -> None:
    """Raise ``IllegalTransition`` unless ``current → target`` is legal for ``kind``."""
    kind_of(kind).check_transition(current, target)
