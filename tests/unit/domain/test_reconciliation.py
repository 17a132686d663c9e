"""The pure matcher (exact, reference, partial, many-to-one, split, ambiguity, accents) and the
balance-continuity proof of the transactions sync."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from verone.backoffice.domain.banking import SettledLink, check_continuity
from verone.backoffice.domain.matching_text import fold, name_tokens, numbers_in
from verone.backoffice.domain.reconciliation import (
    MatchKind,
    OpenInvoice,
    TransactionFacts,
    propose_matches,
)

DAY = date(2026, 11, 20)


def invoice(number: str, due: str, customer: str = "Hôtel du Lac", **extra: object) -> OpenInvoice:
    return OpenInvoice(
        id=uuid.uuid4(), number=number, customer_name=customer, amount_due=Decimal(due),
        currency="EUR", issue_date=date(2026, 11, 1), due_date=date(2026, 11, 30),
        **extra,  # type: ignore[arg-type]  # test helper forwarding optional fields
    )  # fmt: skip


def credit(amount: str, label: str = "", **extra: object) -> TransactionFacts:
    return TransactionFacts(
        id=uuid.uuid4(), amount=Decimal(amount), currency="EUR", booked_on=DAY, label=label,
        **extra,  # type: ignore[arg-type]  # test helper forwarding optional fields
    )  # fmt: skip


def test_reference_and_exact_amount_make_an_automatic_proposal() -> None:
    target = invoice("F-2026-007", "240.00")
    other = invoice("F-2026-008", "240.00", customer="Atelier Dupont")
    txn = credit("240.00", "VIR SEPA HOTEL DU LAC", reference="Facture F2026007")
    [best, second] = propose_matches([txn], [target, other])
    assert best.invoice_id == target.id
    assert best.kind is MatchKind.EXACT
    assert best.automatic
    assert best.amount == Decimal("240.00")
    assert any("F-2026-007" in r for r in best.reasons)
    assert any("Montant identique" in r for r in best.reasons)
    assert not second.automatic
    assert second.score < best.score


def test_amount_alone_with_two_candidates_goes_to_review() -> None:
    a, b = invoice("F-2026-001", "99.90"), invoice("F-2026-002", "99.90", customer="Zèbre SA")
    proposals = propose_matches([credit("99.90", "VIR INCONNU")], [a, b])
    assert {p.invoice_id for p in proposals} == {a.id, b.id}
    assert not any(p.automatic or p.unambiguous for p in proposals)


def test_partial_payments_from_several_transactions_to_one_invoice() -> None:
    target = invoice("F-2026-010", "1000.00", customer="Élodie Müller")
    first = credit("400.00", "VIR ELODIE MULLER", counterparty_name="ELODIE MULLER")
    second = credit("600.00", "acompte", reference="F-2026-010")
    proposals = propose_matches([first, second], [target])
    assert [p.kind for p in proposals] == [MatchKind.PARTIAL, MatchKind.PARTIAL]
    assert [p.amount for p in proposals] == [Decimal("400.00"), Decimal("600.00")]
    assert any("Émetteur" in r for r in proposals[0].reasons)  # accents folded
    assert not any(p.automatic for p in proposals)


def test_one_transaction_paying_several_invoices_is_a_split() -> None:
    a, b = invoice("F-2026-020", "100.00"), invoice("F-2026-021", "50.50")
    txn = credit("150.50", "VIR HOTEL DU LAC", reference="F-2026-020 F-2026-021")
    proposals = propose_matches([txn], [a, b])
    assert {(p.invoice_id, p.amount) for p in proposals} == {
        (a.id, Decimal("100.00")),
        (b.id, Decimal("50.50")),
    }
    assert all(p.kind is MatchKind.SPLIT and p.automatic for p in proposals)


def test_two_transactions_claiming_the_same_invoice_are_both_reviewed() -> None:
    target = invoice("F-2026-030", "80.00")
    txns = [credit("80.00", reference="F-2026-030"), credit("80.00", reference="F-2026-030")]
    proposals = propose_matches(txns, [target])
    assert len(proposals) == 2
    assert not any(p.automatic for p in proposals)


def test_a_rejected_pair_is_no_candidate_and_claims_nothing() -> None:
    target = invoice("F-2026-030", "240.00")
    other = invoice("F-2026-031", "240.00", customer="Atelier Dupont")
    txn = credit("240.00", "VIR SEPA HOTEL DU LAC", reference="Facture F-2026-030")
    rival = credit("240.00", "VIR ATELIER DUPONT", counterparty_name="ATELIER DUPONT")
    before = propose_matches([txn, rival], [target, other])
    assert (txn.id, target.id) in {(p.transaction_id, p.invoice_id) for p in before}
    after = propose_matches([txn, rival], [target, other], rejected=[(txn.id, target.id)])
    pairs = {(p.transaction_id, p.invoice_id) for p in after}
    assert (txn.id, target.id) not in pairs
    assert (txn.id, other.id) in pairs  # the transfer's other candidate stays
    # another transfer's proposals are untouched by this pair
    assert {p for p in before if p.transaction_id == rival.id} == {
        p for p in after if p.transaction_id == rival.id
    }


def test_a_split_with_a_rejected_part_is_no_split() -> None:
    a, b = invoice("F-2026-040", "100.00"), invoice("F-2026-041", "50.50")
    txn = credit("150.50", "VIR HOTEL DU LAC", reference="F-2026-040 F-2026-041")
    assert {p.kind for p in propose_matches([txn], [a, b])} == {MatchKind.SPLIT}
    proposals = propose_matches([txn], [a, b], rejected=[(txn.id, a.id)])
    # b alone cannot take 150.50 € (never more than is due): nothing is left to propose
    assert all(p.invoice_id != a.id and p.kind is not MatchKind.SPLIT for p in proposals)


def test_qonto_attachment_link_is_trusted() -> None:
    target = invoice("F-2026-040", "75.00", attachment_id="att-1")
    [proposal] = propose_matches([credit("75.00", attachment_ids=("att-1",))], [target])
    assert proposal.kind is MatchKind.QONTO_LINK
    assert proposal.automatic
    assert proposal.score == 100


def test_known_iban_counts() -> None:
    target = invoice("F-2026-050", "42.00", customer_ibans=("FR76 3000 1007 9412 3456 7890 185",))
    [proposal] = propose_matches(
        [credit("42.00", counterparty_iban="FR7630001007941234567890185")], [target]
    )
    assert any("IBAN" in r for r in proposal.reasons)


def test_no_match_and_no_overpayment() -> None:
    target = invoice("F-2026-060", "10.00")
    assert propose_matches([credit("55.55", "CARTE")], [target]) == []
    assert propose_matches([credit("20.00", reference="F-2026-060")], [target]) == []


def test_out_of_window_is_penalized() -> None:
    target = invoice("F-2026-070", "12.00")
    near = credit("12.00", reference="F-2026-070")
    late = TransactionFacts(
        uuid.uuid4(), Decimal("12.00"), "EUR", date(2027, 6, 1), reference="F-2026-070"
    )
    [a] = propose_matches([near], [target])
    [b] = propose_matches([late], [target], window_days=30)
    assert a.score - b.score == 15
    assert any("hors" in r for r in b.reasons)


def test_normalizing_helpers() -> None:
    assert numbers_in("Règlement f 2026/007 et F-2026-011 (2026/7 ignoré)", None) == [
        "F-2026-007",
        "F-2026-011",
    ]
    assert fold("Élodie MÜLLER") == "elodie muller"
    assert name_tokens("SARL Hôtel du Lac") == frozenset({"hotel", "lac"})


@given(
    cents=st.lists(st.integers(min_value=1, max_value=10_000_000), min_size=1, max_size=30),
    paid=st.integers(min_value=0, max_value=29),
)
def test_exact_reference_always_wins(cents: list[int], paid: int) -> None:
    invoices = [invoice(f"F-2026-{i + 1:03d}", f"{c / 100:.2f}") for i, c in enumerate(cents)]
    target = invoices[paid % len(invoices)]
    txn = credit(str(target.amount_due), reference=target.number)
    proposals = propose_matches([txn], invoices)
    assert proposals[0].invoice_id == target.id
    assert proposals[0].score >= 80
    assert all(p.amount <= txn.amount for p in proposals)


def _links(movements: list[int], start: int = 0) -> list[SettledLink]:
    at = datetime(2026, 11, 1, tzinfo=UTC)
    balance, links = start, []
    for n, cents in enumerate(movements):
        balance += cents
        links.append(SettledLink(f"t{n}", at + timedelta(minutes=n), cents, balance))
    return links


@given(st.lists(st.integers(min_value=-50_000, max_value=50_000), max_size=40))
def test_a_complete_chain_proves_itself(movements: list[int]) -> None:
    report = check_continuity(_links(movements), 0)
    assert report.ok
    assert report.checked == len(movements)
    assert report.closing_cents == sum(movements)


def test_a_missing_movement_is_a_break_and_ties_are_chained() -> None:
    links = _links([1_000, -300, 500, 200])
    missing = links[:1] + links[2:]  # t1 never arrived
    report = check_continuity(missing, 0)
    assert [b.qonto_id for b in report.breaks] == ["t2"]
    assert report.breaks[0].expected_cents == 1_500
    same_instant = [
        SettledLink(link.qonto_id, links[0].settled_at, link.signed_cents, link.balance_cents)
        for link in reversed(links)
    ]
    assert check_continuity(same_instant, 0).ok  # order within one instant is free
