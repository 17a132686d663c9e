"""One transfer split across several invoices (« Répartir »), on SQLite and PostgreSQL: every
allocation is written in one transaction or none; each invoice then fully paid is marked
paid in Qonto (the sandbox) through its own outbox entry; a partly covered one stays due;
a refused split (over the transfer, over an invoice, an invoice twice, an amount of 0, a
rejected pair, an unknown id) writes nothing (docs/sync.md, "Reconciliation")."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal

import pytest

from tests.integration.services.support import (
    SandboxClock,
    TestClient,
    World,
    add_local_invoice,
    add_transfer,
    issue,
    service_items,
)
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.operations import OutboxEntry
from verone.backoffice.domain.parties import Customer, CustomerKind
from verone.backoffice.domain.reconciliation import MatchKind
from verone.backoffice.domain.statuses import DocumentStatus
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.services import banking_views, invoicing, reconciliation
from verone.sandbox.config import DEFAULT_LOGIN, DEFAULT_SECRET_KEY

AUTH = {"Authorization": f"{DEFAULT_LOGIN}:{DEFAULT_SECRET_KEY}"}
TTC = Decimal("395.35")  # service_items(), VAT included


def _issued(
    uow: SqlAlchemyUnitOfWork, gateway: QontoApiGateway, clock: SandboxClock, world: World
) -> FinancialDocument:
    draft = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    document = issue(uow, gateway, clock, world.as_accountant, draft.id).document
    assert document.total_amount == TTC
    assert document.qonto_id is not None
    return document


def _qonto_status(http: TestClient, document: FinancialDocument) -> str:
    answer = http.get(f"/v2/client_invoices/{document.qonto_id}", headers=AUTH)
    return str(answer.json()["client_invoice"]["status"])


def _state(
    uow: SqlAlchemyUnitOfWork, transfer_id: uuid.UUID, documents: list[FinancialDocument]
) -> tuple[object, ...]:
    """Everything a split writes: allocations, statuses, amounts paid, outbox entries."""
    with uow:
        allocations = sorted(
            (a.document_id, a.amount) for a in uow.allocations.for_transaction(transfer_id)
        )
        rows = []
        for document in documents:
            fresh = uow.documents.get(document.id)
            assert fresh is not None
            rows.append((fresh.status, fresh.amount_paid, len(uow.outbox.for_document(fresh.id))))
    return tuple(allocations), tuple(rows)


def _entries(uow: SqlAlchemyUnitOfWork, document: FinancialDocument) -> list[OutboxEntry]:
    with uow:
        return list(uow.outbox.for_document(document.id))


def test_a_transfer_split_over_three_invoices_pays_the_covered_ones(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    first, second, third = (_issued(uow, gateway, clock, world) for _ in range(3))
    transfer = add_transfer(uow, clock.now(), "1000.00", "VIR ATELIER DUPONT 3 FACTURES")
    entries_before = {d.id: len(_entries(uow, d)) for d in (first, second, third)}

    result = reconciliation.apply_split(
        uow, gateway, clock, world.as_accountant, transfer.id,
        [(third.id, Decimal("209.30")), (first.id, TTC), (second.id, TTC)],
    )  # fmt: skip

    assert [a.document_id for a in result.applied] == [third.id, first.id, second.id]
    assert [a.invoice_paid for a in result.applied] == [False, True, True]
    assert [a.amount for a in result.applied] == [Decimal("209.30"), TTC, TTC]
    assert result.allocated == Decimal("1000.00")
    assert result.left == Decimal("0.00")
    assert all(a.warning is None or "PDF" in a.warning for a in result.applied)
    assert _qonto_status(http, first) == "paid"
    assert _qonto_status(http, second) == "paid"
    assert _qonto_status(http, third) == "unpaid"
    with uow:
        paid = [uow.documents.get(d.id) for d in (first, second, third)]
        assert [d.status if d else None for d in paid] == [
            DocumentStatus.PAID,
            DocumentStatus.PAID,
            DocumentStatus.FINALIZED,
        ]
        partial = paid[2]
        assert partial is not None
        assert partial.amount_paid == Decimal("209.30")
        assert partial.amount_due == Decimal("186.05")
        allocations = uow.allocations.for_transaction(transfer.id)
        assert sorted(a.amount for a in allocations) == [Decimal("209.30"), TTC, TTC]
        assert {a.allocated_by for a in allocations} == {world.accountant.id}
    # one mark-paid outbox entry for each invoice fully paid, none for the partial one
    marks = {
        d.id: [e for e in _entries(uow, d)[entries_before[d.id] :] if e.operation == "mark_paid"]
        for d in (first, second, third)
    }
    assert [len(marks[d.id]) for d in (first, second, third)] == [1, 1, 0]
    assert all(str(e.status) == "succeeded" for d in (first, second) for e in marks[d.id])
    # the transfer is used up: another split of it is refused, nothing written
    before = _state(uow, transfer.id, [third])
    with pytest.raises(errors.PaymentExceedsInvoice, match="dépasse ce qui reste"):
        reconciliation.apply_split(
            uow, gateway, clock, world.as_accountant, transfer.id, [(third.id, Decimal("1.00"))]
        )
    assert _state(uow, transfer.id, [third]) == before


def test_a_split_over_the_transfer_or_an_invoice_writes_nothing(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    qonto = _issued(uow, gateway, clock, world)
    local = add_local_invoice(uow, world, clock.now(), "F-2026-970", "100.00")  # 120 € TTC
    transfer = add_transfer(uow, clock.now(), "500.00", "VIR DEUX FACTURES")
    before = _state(uow, transfer.id, [qonto, local])

    # both parts fit their invoice, their sum does not fit the transfer
    with pytest.raises(errors.PaymentExceedsInvoice) as over:
        reconciliation.apply_split(
            uow, gateway, clock, world.as_accountant, transfer.id,
            [(qonto.id, TTC), (local.id, Decimal("120.00"))],
        )  # fmt: skip
    assert over.value.message == (
        "La répartition (515,35\xa0€) dépasse ce qui reste du virement (500,00\xa0€)."
    )
    # the transfer is enough, one invoice is over what it still owes
    with pytest.raises(errors.PaymentExceedsInvoice) as owed:
        reconciliation.apply_split(
            uow, gateway, clock, world.as_accountant, transfer.id,
            [(qonto.id, Decimal("300.00")), (local.id, Decimal("150.00"))],
        )  # fmt: skip
    assert owed.value.message == "Le montant rapproché dépasse le reste à payer de la facture."
    assert _state(uow, transfer.id, [qonto, local]) == before
    assert _qonto_status(http, qonto) == "unpaid"


def test_an_invalid_part_refuses_the_whole_split(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
) -> None:
    now = clock.now()
    one = add_local_invoice(uow, world, now, "F-2026-980", "100.00")
    two = add_local_invoice(uow, world, now, "F-2026-981", "100.00")
    transfer = add_transfer(uow, now, "240.00", "VIR DEUX FACTURES")
    before = _state(uow, transfer.id, [one, two])

    def split(parts: list[tuple[uuid.UUID, Decimal]]) -> reconciliation.SplitResult:
        return reconciliation.apply_split(
            uow, gateway, clock, world.as_accountant, transfer.id, parts
        )

    with pytest.raises(errors.InvalidSplit, match="qu'une fois"):
        split([(one.id, Decimal("60.00")), (one.id, Decimal("60.00"))])
    with pytest.raises(errors.InvalidSplit, match="au moins une facture"):
        split([])
    with pytest.raises(errors.PaymentExceedsInvoice):  # an amount of 0 after a valid part
        split([(one.id, Decimal("120.00")), (two.id, Decimal("0"))])
    with pytest.raises(errors.PaymentExceedsInvoice):  # a negative one cannot make room
        split([(one.id, Decimal("-50.00")), (two.id, Decimal("120.00"))])
    with pytest.raises(errors.DocumentNotFound):
        split([(one.id, Decimal("120.00")), (uuid.uuid4(), Decimal("10.00"))])
    with pytest.raises(errors.NotFound, match="Transaction introuvable"):
        reconciliation.apply_split(
            uow, gateway, clock, world.as_accountant, uuid.uuid4(), [(one.id, Decimal("1.00"))]
        )
    reconciliation.reject_match(uow, clock, world.as_accountant, transfer.id, two.id)
    with pytest.raises(errors.MatchRejected):
        split([(one.id, Decimal("120.00")), (two.id, Decimal("120.00"))])
    assert _state(uow, transfer.id, [one, two]) == before

    reconciliation.restore_match(uow, clock, world.as_accountant, transfer.id, two.id)
    result = split([(one.id, Decimal("120.00")), (two.id, Decimal("120.00"))])
    assert [a.invoice_paid for a in result.applied] == [True, True]
    assert result.left == Decimal("0.00")


def test_a_qonto_refusal_on_one_invoice_leaves_the_others_paid(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    refused, accepted = _issued(uow, gateway, clock, world), _issued(uow, gateway, clock, world)
    transfer = add_transfer(uow, clock.now(), "790.70", "VIR DEUX FACTURES")
    rule = {
        "method": "POST",
        "path": f"/v2/client_invoices/{refused.qonto_id}/mark_as_paid",
        "error_status": 422,
    }
    http.put("/_sandbox/faults", json={"rules": [rule]}).raise_for_status()
    try:
        result = reconciliation.apply_split(
            uow, gateway, clock, world.as_accountant, transfer.id,
            [(refused.id, TTC), (accepted.id, TTC)],
        )  # fmt: skip
    finally:
        http.put("/_sandbox/faults", json={"rules": []}).raise_for_status()
    first, second = result.applied
    assert not first.invoice_paid
    assert first.warning is not None
    assert first.warning.startswith("Facture non marquée payée dans Qonto")
    assert second.invoice_paid
    assert _qonto_status(http, accepted) == "paid"
    assert _qonto_status(http, refused) == "unpaid"
    with uow:  # the refused invoice keeps its allocation; its entry is settled as failed
        assert [a.amount for a in uow.allocations.for_document(refused.id)] == [TTC]
        [mark] = [e for e in uow.outbox.for_document(refused.id) if e.operation == "mark_paid"]
        assert str(mark.status) == "failed"


def test_apply_match_is_a_split_of_one_part(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    invoice = _issued(uow, gateway, clock, world)
    transfer = add_transfer(uow, clock.now(), "500.00", "VIR UNE FACTURE")
    with pytest.raises(errors.PaymentExceedsInvoice) as over:
        reconciliation.apply_match(
            uow, gateway, clock, world.as_accountant,
            transfer.id, invoice.id, Decimal("500.00"),
        )  # fmt: skip
    assert over.value.message == "Le montant rapproché dépasse le reste à payer de la facture."
    applied = reconciliation.apply_match(
        uow, gateway, clock, world.as_accountant, transfer.id, invoice.id, TTC
    )
    assert applied.invoice_paid
    assert applied.amount == TTC
    assert _qonto_status(http, invoice) == "paid"


def test_a_pair_already_matched_is_refused_not_a_crash(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
) -> None:
    now = clock.now()
    one = add_local_invoice(uow, world, now, "F-2026-990", "100.00")  # 120 € TTC
    two = add_local_invoice(uow, world, now, "F-2026-991", "100.00")
    transfer = add_transfer(uow, now, "240.00", "VIR DEUX FOIS")
    reconciliation.apply_split(
        uow, gateway, clock, world.as_accountant, transfer.id, [(one.id, Decimal("50.00"))]
    )
    before = _state(uow, transfer.id, [one, two])
    with pytest.raises(errors.IllegalTransition, match="déjà rapproché de la facture F-2026-990"):
        reconciliation.apply_split(
            uow, gateway, clock, world.as_accountant, transfer.id,
            [(two.id, Decimal("120.00")), (one.id, Decimal("70.00"))],
        )  # fmt: skip
    assert _state(uow, transfer.id, [one, two]) == before


def test_the_split_dialog_finds_an_individual_payer_by_their_whole_name(
    uow: SqlAlchemyUnitOfWork, clock: SandboxClock, world: World
) -> None:
    """« Camille Martin » is two columns of the customer: the payer is still recognised, and
    their open invoices come first in « Répartir »."""
    now = clock.now()
    person = Customer(
        kind=CustomerKind.INDIVIDUAL,
        created_at=now,
        first_name="Camille",
        last_name="Martin",
        email=f"camille+{uuid.uuid4().hex[:6]}@martin.test",
    )
    with uow:
        uow.customers.add(person)
        uow.commit()
    add_local_invoice(uow, world, now, "F-2026-970", "100.00")  # another customer's
    theirs = add_local_invoice(uow, replace(world, customer=person), now, "F-2026-971", "50.00")
    transfer = add_transfer(uow, now, "60.00", "VIR CAMILLE MARTIN")
    with uow:
        stored = uow.bank_transactions.get(transfer.id)
        assert stored is not None
        stored.counterparty_name = "CAMILLE  Martin"
        uow.commit()
    form = banking_views.split_form(uow, transfer.id)
    assert form.customer_id == person.id
    assert form.invoices[0].id == theirs.id


@pytest.fixture
def refuse_mark_paid(http: TestClient) -> Iterator[Callable[[FinancialDocument], None]]:
    """``refuse(invoice)``: the sandbox refuses to mark it paid (422) until the test ends."""

    def refuse(document: FinancialDocument) -> None:
        path = f"/v2/client_invoices/{document.qonto_id}/mark_as_paid"
        rules = [{"method": "POST", "path": path, "error_status": 422}]
        http.put("/_sandbox/faults", json={"rules": rules}).raise_for_status()

    yield refuse
    http.put("/_sandbox/faults", json={"rules": []}).raise_for_status()


def test_the_automatic_run_applies_a_split_proposal_as_one_split(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    refuse_mark_paid: Callable[[FinancialDocument], None],
) -> None:
    """Every part in ``applied`` (in the proposal's order); a Qonto refusal marking one
    invoice paid leaves its allocation and is one of the run's errors."""
    refused, accepted = _issued(uow, gateway, clock, world), _issued(uow, gateway, clock, world)
    label = f"VIR {refused.number} {accepted.number}"
    transfer = add_transfer(uow, clock.now(), "790.70", label)
    [first, second] = [p for p in reconciliation.propose(uow) if p.transaction_id == transfer.id]
    assert {first.kind, second.kind} == {MatchKind.SPLIT}
    assert first.automatic
    assert second.automatic
    refuse_mark_paid(refused)
    run = reconciliation.reconcile(uow, gateway, clock, dry_run=False)
    mine = [a for a in run.applied if a.transaction_id == transfer.id]
    assert [(a.document_id, a.amount) for a in mine] == [
        (first.invoice_id, TTC),
        (second.invoice_id, TTC),
    ]
    paid = {a.document_id: a.invoice_paid for a in mine}
    assert paid == {refused.id: False, accepted.id: True}
    [error] = [e for e in run.errors if str(refused.number) in e]
    assert error.startswith(f"{refused.number} : ")
    assert not any(str(accepted.number) in e for e in run.errors)
    with uow:
        allocations = uow.allocations.for_transaction(transfer.id)
        assert sorted(a.document_id for a in allocations) == sorted([refused.id, accepted.id])
        assert all(a.automatic and a.score == first.score for a in allocations)


def test_a_stale_split_proposal_applies_no_part(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
) -> None:
    """Another allocation paid one of the split's invoices after the proposal was made: the
    automatic run refuses the whole split (nothing is allocated) and says why, with both
    numbers."""
    now = clock.now()
    one = add_local_invoice(uow, world, now, "F-2026-960", "100.00")  # 120 € TTC
    two = add_local_invoice(uow, world, now, "F-2026-961", "100.00")
    transfer = add_transfer(uow, now, "240.00", "VIR F-2026-960 F-2026-961")
    stale = [p for p in reconciliation.propose(uow) if p.transaction_id == transfer.id]
    assert [(p.invoice_id, p.kind, p.automatic) for p in stale] == [
        (one.id, MatchKind.SPLIT, True),
        (two.id, MatchKind.SPLIT, True),
    ]
    single = add_transfer(uow, now, "120.00", "VIR SANS REFERENCE")
    reconciliation.apply_match(
        uow, gateway, clock, world.as_accountant, single.id, two.id, Decimal("120.00")
    )
    before = _state(uow, transfer.id, [one, two])

    report = reconciliation.apply_automatic(uow, gateway, clock, stale)

    assert report.applied == []
    assert report.errors == [
        "F-2026-960, F-2026-961 : Seule une facture émise non payée peut être rapprochée."
    ]
    assert _state(uow, transfer.id, [one, two]) == before
    with uow:
        assert uow.allocations.for_transaction(transfer.id) == []
        untouched = uow.documents.get(one.id)
        assert untouched is not None
        assert untouched.status is DocumentStatus.FINALIZED
        assert untouched.amount_paid == Decimal("0")
