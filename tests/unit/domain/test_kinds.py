"""The document-kind policies (``domain/kinds.py``): each kind's tables are consistent, and the
document follows its kind for moves, dates, numbers and what Qonto changes."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from tests.unit.domain.factories import NOW, current_status, finalize, make_document
from verone.backoffice.domain import errors
from verone.backoffice.domain.kinds import (
    CREDIT_NOTE,
    INVOICE,
    KINDS,
    QUOTE,
    DocumentKind,
    IssueCall,
    RemoteMove,
    SendChannel,
    kind_of,
)
from verone.backoffice.domain.numbering import format_number, parse_number
from verone.backoffice.domain.statuses import EDITABLE_STATUSES, DocumentStatus, DocumentType

S = DocumentStatus
BY = uuid.uuid4()


def test_one_policy_per_document_type() -> None:
    assert {kind.type for kind in KINDS} == set(DocumentType)
    for kind in KINDS:
        assert kind_of(kind.type) is kind
    assert len({kind.number_prefix for kind in KINDS}) == len(KINDS)
    assert len({kind.issue_call for kind in KINDS}) == len(KINDS)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: str(k.type))
def test_each_kind_s_tables_stay_inside_its_statuses(kind: DocumentKind) -> None:
    assert set(kind.transitions) == set(kind.statuses)
    for current, targets in kind.transitions.items():
        assert targets <= kind.statuses, current
    assert kind.initial_statuses <= EDITABLE_STATUSES  # rule 1: never issued at birth
    assert kind.issued_statuses <= kind.statuses
    assert not kind.issued_statuses & EDITABLE_STATUSES
    assert set(kind.qonto_statuses.values()) <= kind.statuses
    for (current, target), _move in kind.remote_moves.items():
        assert kind.allows(current, target)  # Qonto never imposes an illegal move


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: str(k.type))
def test_issuing_is_the_only_way_out_of_a_draft(kind: DocumentKind) -> None:
    """From the editable statuses, the only move into the issued ones is draft → finalized."""
    entries = {
        (current, target)
        for current in kind.statuses - kind.issued_statuses
        for target in kind.transitions[current]
        if target in kind.issued_statuses
    }
    assert entries == {(S.DRAFT, S.FINALIZED)}


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: str(k.type))
def test_numbers_carry_the_kind_s_prefix(kind: DocumentKind) -> None:
    number = format_number(kind.type, 2026, 7)
    assert number == f"{kind.number_prefix}-2026-007"
    parsed = parse_number(number)
    assert parsed is not None
    assert parsed.document_type is kind.type


def test_what_differs_per_kind() -> None:
    assert (INVOICE.issue_call, QUOTE.issue_call, CREDIT_NOTE.issue_call) == (
        IssueCall.FINALIZE_DRAFT,
        IssueCall.CREATE_QUOTE,
        IssueCall.CREATE_CREDIT_NOTE,
    )
    assert [k for k in KINDS if k.drafts_in_qonto] == [INVOICE]
    assert [k for k in KINDS if k.payable] == [INVOICE]
    assert [k for k in KINDS if k.answerable] == [QUOTE]
    assert [k for k in KINDS if k.credits_parent] == [CREDIT_NOTE]
    assert [k.send_channel for k in KINDS] == [
        SendChannel.QONTO,
        SendChannel.QONTO,
        SendChannel.MAIL_OUTBOX,
    ]
    assert isinstance(INVOICE.not_draft(), errors.InvoiceNotDraft)
    assert type(QUOTE.not_draft()) is errors.DocumentNotDraft


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: str(k.type))
def test_a_document_moves_only_as_its_kind_allows(kind: DocumentKind) -> None:
    document = make_document(BY, document_type=kind.type)
    assert document.kind is kind
    finalize(document, BY)
    assert document.number is not None
    assert document.number.startswith(f"{kind.number_prefix}-")
    for target in set(S) - set(kind.transitions[S.FINALIZED]):
        with pytest.raises(errors.IllegalTransition):
            kind.check_transition(S.FINALIZED, target)


def test_finalizing_twice_raises_the_kind_s_error() -> None:
    invoice = make_document(BY, document_type=DocumentType.INVOICE)
    finalize(invoice, BY)
    with pytest.raises(errors.InvoiceNotDraft):
        finalize(invoice, BY, sequence=2)
    quote = make_document(BY, document_type=DocumentType.QUOTE)
    finalize(quote, BY)
    with pytest.raises(errors.DocumentNotDraft) as raised:
        finalize(quote, BY, sequence=2)
    assert not isinstance(raised.value, errors.InvoiceNotDraft)


def test_qonto_requires_the_kind_s_end_date() -> None:
    customer_id = uuid.uuid4()
    invoice = make_document(BY, document_type=DocumentType.INVOICE, customer_id=customer_id)
    invoice.due_date = None
    with pytest.raises(errors.InvalidDocument, match="échéance"):
        invoice.validate_for_qonto()
    quote = make_document(BY, document_type=DocumentType.QUOTE, customer_id=customer_id)
    quote.expiry_date = None
    with pytest.raises(errors.InvalidDocument, match="expiration"):
        quote.validate_for_qonto()
    note = make_document(BY, document_type=DocumentType.CREDIT_NOTE, customer_id=customer_id)
    note.validate_for_qonto()  # a credit note has no end date


def test_the_mirror_adopts_only_the_kind_s_remote_moves() -> None:
    later = NOW + timedelta(days=3)
    invoice = make_document(BY, document_type=DocumentType.INVOICE)
    finalize(invoice, BY)
    assert invoice.adopt_remote_status(S.PAID, paid_at=later, now=later) is RemoteMove.MARK_PAID
    assert invoice.status is S.PAID
    assert invoice.paid_at == later
    assert invoice.adopt_remote_status(S.FINALIZED, paid_at=later, now=later) is (
        RemoteMove.UNMARK_PAID
    )
    assert invoice.adopt_remote_status(S.CANCELLED, paid_at=later, now=later) is RemoteMove.CANCEL
    assert invoice.cancelled_at == later

    quote = make_document(BY, document_type=DocumentType.QUOTE)
    finalize(quote, BY)
    assert quote.adopt_remote_status(S.PAID, paid_at=later, now=later) is None
    assert quote.status is S.FINALIZED
    assert quote.adopt_remote_status(S.DECLINED, paid_at=later, now=later) is RemoteMove.DECLINE
    assert current_status(quote) == "declined"
    assert RemoteMove.DECLINE.note == "refusé ou annulé dans Qonto"

    draft = make_document(BY, document_type=DocumentType.INVOICE)
    assert draft.adopt_remote_status(S.FINALIZED, paid_at=later, now=later) is None
    assert draft.status is S.DRAFT  # never finalized by a sync (rule 2)
