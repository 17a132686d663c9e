"""Reconciliation as a pure function: bank credits and open invoices in, scored proposals out.

Candidates come from indexes (amount in cents, invoice-number tokens, Qonto attachment ids,
customer-name tokens, IBANs), never from comparing every transaction with every invoice. A pair
a person rejected (``RejectedMatch``) is never a candidate (docs/sync.md).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from verone.backoffice.domain.matching_text import name_tokens, normalize_iban, numbers_in
from verone.money import format_money_fr, from_cents, to_cents

#: A proposal at or above this score may be applied without a person (when unambiguous).
AUTO_THRESHOLD = 80
#: The best candidate must lead the next one by this much to be called unambiguous.
AUTO_MARGIN = 20
DEFAULT_WINDOW_DAYS = 60
#: Name-only candidates per transaction (a customer with many open invoices).
MAX_NAME_CANDIDATES = 20

SCORE_QONTO_LINK = 100
SCORE_NUMBER = 50
SCORE_EXACT_AMOUNT = 30
SCORE_SPLIT_AMOUNT = 30
SCORE_PARTIAL_AMOUNT = 10
SCORE_NAME_FULL = 15
SCORE_NAME_PARTIAL = 8
SCORE_IBAN = 15
SCORE_IN_WINDOW = 5
PENALTY_OUT_OF_WINDOW = 10


class MatchKind(StrEnum):
    QONTO_LINK = "qonto_link"  # Qonto already attached the invoice to the transaction
    EXACT = "exact"  # the transaction pays what remains due
    PARTIAL = "partial"  # the transaction pays part of it (several transactions → one invoice)
    SPLIT = "split"  # one transaction pays several invoices


@dataclass(frozen=True, slots=True)
class TransactionFacts:
    """What matching needs of a bank credit; ``amount`` is what is still unallocated."""

    id: uuid.UUID
    amount: Decimal
    currency: str
    booked_on: date
    label: str = ""
    reference: str | None = None
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    attachment_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An issued, unpaid invoice; ``amount_due`` is its total less what is already allocated."""

    id: uuid.UUID
    number: str
    customer_name: str
    amount_due: Decimal
    currency: str
    issue_date: date | None = None
    due_date: date | None = None
    customer_ibans: tuple[str, ...] = ()
    attachment_id: str | None = None


@dataclass(frozen=True, slots=True)
class Proposal:
    """``amount`` of transaction ``transaction_id`` to settle invoice ``invoice_id``."""

    transaction_id: uuid.UUID
    invoice_id: uuid.UUID
    invoice_number: str
    amount: Decimal
    currency: str
    kind: MatchKind
    score: int
    reasons: tuple[str, ...]
    unambiguous: bool = False

    @property
    def automatic(self) -> bool:
        """Safe to apply without a person: unambiguous, confident, and a full payment."""
        return (
            self.unambiguous
            and self.score >= AUTO_THRESHOLD
            and self.kind in (MatchKind.EXACT, MatchKind.QONTO_LINK, MatchKind.SPLIT)
        )

    @property
    def reasons_text(self) -> str:
        return " ; ".join(self.reasons)


@dataclass(eq=False)
class RejectedMatch:
    """A person said transaction ``transaction_id`` does not pay invoice ``document_id``: the
    pair is proposed (and applied) no more until it is restored."""

    transaction_id: uuid.UUID
    document_id: uuid.UUID
    rejected_by: uuid.UUID
    rejected_at: datetime
    id: uuid.UUID = field(default_factory=uuid.uuid4)


#: (transaction id, invoice id)
Pair = tuple[uuid.UUID, uuid.UUID]


# ---------------------------------------------------------------------- scoring


@dataclass(slots=True, eq=False)
class _Entry:
    """An open invoice with what scoring needs precomputed once."""

    invoice: OpenInvoice
    cents: int
    tokens: frozenset[str]
    ibans: frozenset[str]
    window: tuple[date, date] | None


@dataclass(slots=True, eq=False)
class _Candidate:
    entry: _Entry
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    kind: MatchKind = MatchKind.EXACT
    amount_cents: int = 0


@dataclass(slots=True)
class _Index:
    by_cents: dict[tuple[str, int], list[_Entry]]
    by_number: dict[str, _Entry]
    by_attachment: dict[str, _Entry]
    by_iban: dict[str, list[_Entry]]
    by_token: dict[str, list[_Entry]]


def payment_window(start: date, end: date, *, window_days: int) -> tuple[date, date]:
    """When a payment is expected: a week before issue to ``window_days`` after the due date."""
    return start - timedelta(days=7), end + timedelta(days=window_days)


def _entry(invoice: OpenInvoice, window_days: int) -> _Entry:
    start = invoice.issue_date
    end = invoice.due_date or invoice.issue_date
    window = None
    if start is not None and end is not None:
        window = payment_window(start, end, window_days=window_days)
    return _Entry(
        invoice,
        to_cents(invoice.amount_due),
        name_tokens(invoice.customer_name),
        frozenset(normalize_iban(i) or "" for i in invoice.customer_ibans),
        window,
    )


def _build_index(invoices: Iterable[OpenInvoice], window_days: int) -> _Index:
    index = _Index(defaultdict(list), {}, {}, defaultdict(list), defaultdict(list))
    for invoice in invoices:
        entry = _entry(invoice, window_days)
        if entry.cents <= 0:
            continue
        index.by_cents[(invoice.currency, entry.cents)].append(entry)
        for number in numbers_in(invoice.number) or [invoice.number.upper()]:
            index.by_number[number] = entry
        if invoice.attachment_id:
            index.by_attachment[invoice.attachment_id] = entry
        for iban in entry.ibans:
            index.by_iban[iban].append(entry)
        for token in entry.tokens:
            index.by_token[token].append(entry)
    return index


@lru_cache(maxsize=65_536)
def _money(cents: int, currency: str) -> str:
    """French money text from cents without Decimal work (this runs once per reason)."""
    if currency != "EUR":
        return format_money_fr(from_cents(cents), currency)
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    whole = f"{units:,}".replace(",", "\u202f")
    return f"{sign}{whole},{rest:02d}\u00a0€"


def _score_amount(candidate: _Candidate, txn_cents: int, currency: str) -> bool:
    """Amount criterion; False when the transaction cannot pay this invoice alone."""
    due = candidate.entry.cents
    if candidate.entry.invoice.currency != currency:
        return False
    if txn_cents == due:
        candidate.score += SCORE_EXACT_AMOUNT
        candidate.reasons.append(f"Montant identique au reste dû ({_money(due, currency)})")
        candidate.amount_cents = due
    elif txn_cents < due:
        if candidate.kind is not MatchKind.QONTO_LINK:
            candidate.kind = MatchKind.PARTIAL
        candidate.score += SCORE_PARTIAL_AMOUNT
        candidate.reasons.append(
            f"Paiement partiel : {_money(txn_cents, currency)} sur "
            f"{_money(due, currency)} restant dus"
        )
        candidate.amount_cents = txn_cents
    else:
        return False
    return True


def _score_context(
    candidate: _Candidate, txn: TransactionFacts, txn_tokens: frozenset[str], iban: str | None
) -> None:
    """Name, IBAN and date criteria (each adds to, or takes from, the score)."""
    entry = candidate.entry
    customer = entry.tokens
    if customer and txn_tokens:
        common = customer & txn_tokens
        if common == customer:
            candidate.score += SCORE_NAME_FULL
            candidate.reasons.append(
                f"Émetteur « {txn.counterparty_name or txn.label} » = client du document"
            )
        elif common:
            candidate.score += SCORE_NAME_PARTIAL
            candidate.reasons.append(
                f"Émetteur « {txn.counterparty_name or txn.label} » proche du client "
                f"« {entry.invoice.customer_name} »"
            )
    if iban and iban in entry.ibans:
        candidate.score += SCORE_IBAN
        candidate.reasons.append("IBAN de l'émetteur connu pour ce client")
    window = entry.window
    if window is not None:
        if window[0] <= txn.booked_on <= window[1]:
            candidate.score += SCORE_IN_WINDOW
            candidate.reasons.append("Reçu dans la période de paiement attendue")
        else:
            candidate.score -= PENALTY_OUT_OF_WINDOW
            candidate.reasons.append("Reçu hors de la période de paiement attendue")


def _candidates(
    txn: TransactionFacts, txn_cents: int, quoted: list[str], iban: str | None, index: _Index
) -> dict[int, _Candidate]:
    found: dict[int, _Candidate] = {}

    def take(entry: _Entry) -> _Candidate:
        candidate = found.get(id(entry))
        if candidate is None:
            candidate = found[id(entry)] = _Candidate(entry)
        return candidate

    for attachment in txn.attachment_ids:
        linked = index.by_attachment.get(attachment)
        if linked is not None:
            candidate = take(linked)
            candidate.kind = MatchKind.QONTO_LINK
            candidate.score += SCORE_QONTO_LINK
            candidate.reasons.append("Qonto a déjà rattaché la facture à cette transaction")
    for number in quoted:
        named = index.by_number.get(number)
        if named is not None:
            candidate = take(named)
            candidate.score += SCORE_NUMBER
            candidate.reasons.append(f"Le numéro {number} figure dans le libellé ou la référence")
    for entry in index.by_cents.get((txn.currency, txn_cents), ()):
        take(entry)
    if iban:
        for entry in index.by_iban.get(iban, ())[:MAX_NAME_CANDIDATES]:
            take(entry)
    return found


def _add_name_candidates(
    txn: TransactionFacts, tokens: frozenset[str], index: _Index, found: dict[int, _Candidate]
) -> None:
    """Same customer, any amount up to the transaction's (for partial payments).

    Only the rarest of the transaction's words is looked up, so a common word ("hôtel")
    never fans out over the whole ledger.
    """
    if found or not tokens:
        return
    lists = [index.by_token[t] for t in tokens if t in index.by_token]
    if not lists:
        return
    for entry in min(lists, key=len)[: MAX_NAME_CANDIDATES * 10]:
        if entry.invoice.currency == txn.currency and entry.tokens <= tokens:
            found[id(entry)] = _Candidate(entry)
            if len(found) >= MAX_NAME_CANDIDATES:
                return


def _split(txn: TransactionFacts, quoted: list[_Entry], txn_cents: int) -> list[_Candidate]:
    """One transaction quoting several invoices whose dues add up to its amount."""
    if len(quoted) < 2 or sum(e.cents for e in quoted) != txn_cents:
        return []
    if any(e.invoice.currency != txn.currency for e in quoted):
        return []
    numbers = ", ".join(e.invoice.number for e in quoted)
    total = _money(txn_cents, txn.currency)
    reasons = [
        f"Les numéros {numbers} figurent dans le libellé ou la référence",
        f"La somme des restes dus égale le montant reçu ({total})",
    ]
    return [
        _Candidate(
            entry,
            score=SCORE_NUMBER + SCORE_SPLIT_AMOUNT,
            reasons=list(reasons),
            kind=MatchKind.SPLIT,
            amount_cents=entry.cents,
        )
        for entry in quoted
    ]


def _score_transaction(
    txn: TransactionFacts, index: _Index, rejected: Collection[uuid.UUID] = ()
) -> list[_Candidate]:
    """The candidates of one transaction, best first; none for a ``rejected`` invoice id."""
    txn_cents = to_cents(txn.amount)
    if txn_cents <= 0:
        return []
    numbers = numbers_in(txn.reference, txn.label)
    if numbers:
        quoted = [index.by_number[n] for n in numbers if n in index.by_number]
        # a split stands or falls whole: one rejected part and it is no split any more
        if not any(e.invoice.id in rejected for e in quoted):
            split = _split(txn, quoted, txn_cents)
            if split:
                return split
    iban = normalize_iban(txn.counterparty_iban)
    found = _candidates(txn, txn_cents, numbers, iban, index)
    tokens = name_tokens(txn.counterparty_name) | name_tokens(txn.label)
    _add_name_candidates(txn, tokens, index, found)
    scored = []
    for candidate in found.values():
        if candidate.entry.invoice.id in rejected:
            continue
        if not _score_amount(candidate, txn_cents, txn.currency):
            continue
        _score_context(candidate, txn, tokens, iban)
        if candidate.score > SCORE_PARTIAL_AMOUNT or candidate.kind is not MatchKind.PARTIAL:
            scored.append(candidate)
    if len(scored) > 1:
        scored.sort(key=lambda c: (-c.score, c.entry.invoice.number))
    return scored


def propose_matches(
    transactions: Sequence[TransactionFacts],
    open_invoices: Sequence[OpenInvoice],
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    rejected: Iterable[Pair] = (),
) -> list[Proposal]:
    """Every plausible (transaction, invoice) pair, best first per transaction, with reasons.

    A transaction's best proposal is *unambiguous* when it leads the next by ``AUTO_MARGIN``
    points and no other transaction claims the same invoice as its own best proposal. A
    ``rejected`` pair is no candidate at all: it neither leads nor claims its invoice.
    """
    index = _build_index(open_invoices, window_days)
    refused: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for transaction_id, invoice_id in rejected:
        refused[transaction_id].add(invoice_id)
    per_transaction: list[tuple[TransactionFacts, list[_Candidate]]] = []
    best_claims: dict[int, int] = defaultdict(int)
    for txn in transactions:
        scored = _score_transaction(txn, index, refused.get(txn.id, ()))
        if scored:
            per_transaction.append((txn, scored))
            for candidate in _leaders(scored):
                best_claims[id(candidate.entry)] += 1
    proposals: list[Proposal] = []
    append = proposals.append
    for txn, scored in per_transaction:
        leaders = _leaders(scored)
        runner_up = scored[len(leaders)].score if len(scored) > len(leaders) else 0
        clear = all(
            best_claims[id(c.entry)] == 1 and c.score - runner_up >= AUTO_MARGIN for c in leaders
        )
        for position, candidate in enumerate(scored):
            invoice = candidate.entry.invoice
            append(
                Proposal(
                    transaction_id=txn.id,
                    invoice_id=invoice.id,
                    invoice_number=invoice.number,
                    amount=Decimal(candidate.amount_cents).scaleb(-2),
                    currency=txn.currency,
                    kind=candidate.kind,
                    score=max(0, min(100, candidate.score)),
                    reasons=tuple(candidate.reasons),
                    unambiguous=clear and position < len(leaders),
                )
            )
    return proposals


def _leaders(scored: list[_Candidate]) -> list[_Candidate]:
    """The best candidate, or every part of a split (they stand or fall together)."""
    if scored[0].kind is MatchKind.SPLIT:
        return scored
    return scored[:1]


def best_per_transaction(proposals: Iterable[Proposal]) -> dict[uuid.UUID, list[Proposal]]:
    """Proposals grouped by transaction, keeping their order (best first)."""
    grouped: dict[uuid.UUID, list[Proposal]] = defaultdict(list)
    for proposal in proposals:
        grouped[proposal.transaction_id].append(proposal)
    return dict(grouped)
