"""Rejected reconciliation suggestions, on SQLite and PostgreSQL: a rejected pair is not
proposed, not applied by the automatic run, not accepted by hand; restoring brings it back;
rejecting twice, restoring what is not rejected, a viewer or an unknown pair get a clear
error; both moves are audited with who and when."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.integration.services.support import (
    SandboxClock,
    TestClient,
    World,
    add_local_invoice,
    add_transfer,
)
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.queries import AuditFilter, PageRequest
from verone.backoffice.domain.statuses import DocumentStatus
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.services import reconciliation
from verone.backoffice.services.actors import Actor


def _pairs(uow: SqlAlchemyUnitOfWork) -> set[tuple[uuid.UUID, uuid.UUID]]:
    return {(p.transaction_id, p.invoice_id) for p in reconciliation.propose(uow)}


def test_a_rejected_suggestion_is_skipped_everywhere_until_restored(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    now = clock.now()
    invoice = add_local_invoice(uow, world, now, "F-2026-950", "250.00")  # 300 € TTC
    transfer = add_transfer(uow, now, "300.00", "VIR ATELIER DUPONT", reference="F-2026-950")
    pair = (transfer.id, invoice.id)
    [proposal] = [p for p in reconciliation.propose(uow) if p.invoice_id == invoice.id]
    assert proposal.automatic  # left alone, the automatic run would apply it

    view = reconciliation.reject_match(uow, clock, world.as_accountant, transfer.id, invoice.id)
    assert view.rejection.rejected_by == world.accountant.id
    assert now <= view.rejection.rejected_at <= clock.now()
    assert view.rejected_by_name == world.accountant.display_name
    assert pair not in _pairs(uow)
    assert reconciliation.proposals_for_invoice(uow, invoice.id) == []
    run = reconciliation.reconcile(uow, gateway, clock, dry_run=False)
    assert invoice.id not in {a.document_id for a in run.applied}
    assert invoice.id not in {p.invoice_id for p in run.proposals}
    [listed] = [
        v for v in reconciliation.list_rejected(uow) if v.rejection.document_id == invoice.id
    ]
    assert listed.transaction is not None
    assert listed.transaction.id == transfer.id
    assert listed.document is not None
    assert listed.document.number == "F-2026-950"
    assert listed.rejected_by_name == world.accountant.display_name

    # a manual accept of a rejected pair is refused until it is restored
    with pytest.raises(errors.MatchRejected) as refused:
        reconciliation.apply_match(
            uow, gateway, clock, world.as_accountant,
            transfer.id, invoice.id, Decimal("300.00"),
        )  # fmt: skip
    assert "rétablissez" in refused.value.message
    with pytest.raises(errors.MatchAlreadyRejected):
        reconciliation.reject_match(uow, clock, world.as_accountant, transfer.id, invoice.id)
    with pytest.raises(errors.PermissionDenied):
        reconciliation.reject_match(
            uow, clock, Actor.interactive(world.viewer.id), transfer.id, invoice.id
        )
    with uow:
        assert uow.allocations.for_document(invoice.id) == []

    restored = reconciliation.restore_match(
        uow, clock, world.as_accountant, transfer.id, invoice.id
    )
    assert restored.rejection.id == view.rejection.id
    assert pair in _pairs(uow)
    assert invoice.id not in {v.rejection.document_id for v in reconciliation.list_rejected(uow)}
    with pytest.raises(errors.RejectionNotFound) as unknown:
        reconciliation.restore_match(uow, clock, world.as_accountant, transfer.id, invoice.id)
    assert unknown.value.message == "Aucune suggestion rejetée pour ce virement et cette facture."

    run = reconciliation.reconcile(uow, gateway, clock, dry_run=False)
    [applied] = [a for a in run.applied if a.document_id == invoice.id]
    assert applied.invoice_paid
    with uow:
        paid = uow.documents.get(invoice.id)
        assert paid is not None
        assert paid.status is DocumentStatus.PAID
        journal = uow.audit.search(AuditFilter(entity_id=str(invoice.id)), PageRequest()).items
        actions = [(e.action, e.actor_id) for e in journal]
    assert ("reconciliation.rejected", world.accountant.id) in actions
    assert ("reconciliation.restored", world.accountant.id) in actions
    # a pair already matched cannot be rejected: undo the allocation first
    with pytest.raises(errors.IllegalTransition, match="annulez le rapprochement"):
        reconciliation.reject_match(uow, clock, world.as_accountant, transfer.id, invoice.id)


def test_rejecting_an_unknown_pair_is_a_clear_not_found(
    uow: SqlAlchemyUnitOfWork, clock: SandboxClock, world: World
) -> None:
    now = clock.now()
    invoice = add_local_invoice(uow, world, now, "F-2026-960", "100.00")
    transfer = add_transfer(uow, now, "120.00", "VIR INCONNU")
    with pytest.raises(errors.NotFound, match="Transaction introuvable"):
        reconciliation.reject_match(uow, clock, world.as_accountant, uuid.uuid4(), invoice.id)
    with pytest.raises(errors.DocumentNotFound):
        reconciliation.reject_match(uow, clock, world.as_accountant, transfer.id, uuid.uuid4())
    with pytest.raises(errors.RejectionNotFound):
        reconciliation.restore_match(uow, clock, world.as_accountant, transfer.id, invoice.id)
    with pytest.raises(errors.NotFound):
        reconciliation.restore_match(uow, clock, world.as_accountant, uuid.uuid4(), invoice.id)
    with uow:
        assert uow.rejections.pairs() == set()
