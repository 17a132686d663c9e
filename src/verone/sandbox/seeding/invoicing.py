"""Deterministic demo invoicing: French clients (companies and individuals), invoices in every
status, quotes and credit notes, numbered gaplessly in issue-date order.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from verone.sandbox.invoicing.numbering import Numbering, Series
from verone.sandbox.invoicing.records import (
    AddressRecord,
    ClientRecord,
    CreditNoteRecord,
    InvoiceRecord,
    ItemRecord,
    QuoteRecord,
)
from verone.sandbox.invoicing.rules import InvoiceStatus, QuoteStatus, totals
from verone.sandbox.seeding.banking import uuid7_at

if TYPE_CHECKING:
    from verone.sandbox.invoicing.store import InvoicingStore
    from verone.sandbox.state import SandboxState

COMPANIES = (
    "Maison Lambert",
    "Hôtel du Lac",
    "Atelier Mercier",
    "Café des Arts",
    "Galerie Rousseau",
    "Boutique Élise",
    "SARL Chevalier Déco",
    "Restaurant Le Comptoir",
    "Agence Faure & Fils",
    "Les Ateliers de Bretagne",
    "Cabinet Dubois",
    "Villa Méditerranée",
    "Brasserie Lefèbvre",
)
FIRST_NAMES = ("Camille", "Léa", "Hugo", "Chloé", "Louis", "Manon", "Jules", "Inès", "Théo", "Zoé")
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Girard",
)
CITIES = (
    ("Paris", "75011"),
    ("Lyon", "69002"),
    ("Marseille", "13006"),
    ("Bordeaux", "33000"),
    ("Nantes", "44000"),
    ("Lille", "59000"),
    ("Toulouse", "31000"),
    ("Annecy", "74000"),
)
STREETS = ("rue de la République", "avenue Jean Jaurès", "boulevard Voltaire", "place du Marché")
PRODUCTS = (
    ("Canapé 3 places lin", "1290.00"),
    ("Table basse chêne", "349.90"),
    ("Lampe Atelier", "89.50"),
    ("Fauteuil velours", "599.00"),
    ("Miroir doré Ø80", "145.00"),
    ("Tapis berbère 200x300", "780.00"),
    ("Coussin lin lavé", "29.90"),
    ("Livraison et montage", "120.00"),
    ("Vase céramique", "42.00"),
)
VAT_RATES = (Decimal("0.2"), Decimal("0.2"), Decimal("0.2"), Decimal("0.1"), Decimal("0.055"))
INVOICE_STATUSES = (
    (InvoiceStatus.DRAFT, 15),
    (InvoiceStatus.UNPAID, 35),
    (InvoiceStatus.PAID, 40),
    (InvoiceStatus.CANCELED, 10),
)


def siren(rng: random.Random) -> str:
    """A 9-digit SIREN with a valid Luhn check digit."""
    digits = [rng.randrange(10) for _ in range(8)]
    total = sum(
        d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)
    )
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def vat_number(number: str) -> str:
    return f"FR{(12 + 3 * (int(number) % 97)) % 97:02d}{number}"


def _client(rng: random.Random, now: datetime, index: int) -> ClientRecord:
    city, zip_code = rng.choice(CITIES)
    address = AddressRecord(
        street_address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        city=city,
        zip_code=zip_code,
        country_code="FR",
    )
    created = now - timedelta(days=400 - index % 30)
    client = ClientRecord(
        id=uuid7_at(int(created.timestamp() * 1000), rng),
        kind="individual",
        currency="EUR",
        locale="FR",
        billing_address=address,
        created_at=created,
        updated_at=created,
    )
    if rng.random() < 0.7:
        number = siren(rng)
        name = f"{rng.choice(COMPANIES)} {city}" if index >= len(COMPANIES) else COMPANIES[index]
        slug = "".join(c for c in name.lower() if c.isalnum())[:20]
        client.kind, client.name, client.email = "company", name, f"compta@{slug}.fr"
        client.vat_number, client.tax_identification_number = vat_number(number), number
        return client
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    client.first_name, client.last_name = first, last
    client.email = f"{first.lower()}.{last.lower()}{index}@exemple.fr"
    return client


def _items(rng: random.Random) -> list[ItemRecord]:
    chosen = rng.sample(PRODUCTS, rng.randint(1, 4))
    return [
        ItemRecord.model_construct(
            title=title,
            quantity=Decimal(rng.randint(1, 4)),
            unit="unit",
            unit_price=Decimal(price),
            currency="EUR",
            vat_rate=rng.choice(VAT_RATES),
        )
        for title, price in chosen
    ]


def _token(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def seed_invoicing(
    store: InvoicingStore, state: SandboxState, *, clients: int, invoices: int
) -> None:
    """Replace the store's content with ``clients`` clients and ``invoices`` invoices."""
    rng = state.rng
    now = state.clock.now()
    store.clear()
    for index in range(clients):
        client = _client(rng, now, index)
        store.clients[client.id] = client
    # one frozen snapshot per client, shared by its documents (documents never mutate it)
    pool = [c.model_copy(deep=True) for c in store.clients.values()]
    if not pool or invoices <= 0:
        return
    delay = timedelta(seconds=state.config.pdf_delay_seconds)
    days = sorted(rng.randrange(1, 360) for _ in range(invoices))[::-1]
    weights = [w for _, w in INVOICE_STATUSES]
    iban = state.banking.main_account.iban
    for offset in days:
        status = rng.choices([s for s, _ in INVOICE_STATUSES], weights)[0]
        issue = (now - timedelta(days=offset)).date()
        invoice = _invoice(store, rng, rng.choice(pool), status, issue, iban, delay)
        store.invoices[invoice.id] = invoice
    _seed_quotes(store, rng, pool, now, max(1, invoices // 3), delay)
    _seed_credit_notes(store, rng, store.numbering, max(1, invoices // 10), delay)


def _invoice(
    store: InvoicingStore,
    rng: random.Random,
    client: ClientRecord,
    status: str,
    issue: date,
    iban: str,
    delay: timedelta,
) -> InvoiceRecord:
    """One seeded invoice, built without re-validation (every value is known to be valid)."""
    at = datetime.combine(issue, time(9, 30), tzinfo=UTC)
    final = status != InvoiceStatus.DRAFT
    paid = status == InvoiceStatus.PAID
    return InvoiceRecord.model_construct(
        id=uuid7_at(int(at.timestamp() * 1000), rng),
        client_id=client.id,
        client=client,
        status=str(status),
        number=store.numbering.next_number(Series.INVOICE, issue.year) if final else None,
        issue_date=issue,
        due_date=issue + timedelta(days=30),
        currency="EUR",
        iban=iban,
        items=_items(rng),
        token=_token(rng),
        created_at=at,
        updated_at=at,
        finalized_at=at if final else None,
        pdf_ready_at=at + delay if final else None,
        paid_at=at + timedelta(days=rng.randint(1, 30)) if paid else None,
        canceled_at=at + timedelta(days=2) if status == InvoiceStatus.CANCELED else None,
        credit_note_ids=[],
    )


def _seed_quotes(
    store: InvoicingStore,
    rng: random.Random,
    pool: list[ClientRecord],
    now: datetime,
    count: int,
    delay: timedelta,
) -> None:
    for offset in sorted((rng.randrange(1, 200) for _ in range(count)), reverse=True):
        issue = (now - timedelta(days=offset)).date()
        at = datetime.combine(issue, time(10, 0), tzinfo=UTC)
        status = rng.choice(list(QuoteStatus))
        quote = QuoteRecord(
            id=uuid7_at(int(at.timestamp() * 1000), rng),
            client_id=(c := rng.choice(pool)).id,
            client=c,
            status=status,
            number=store.numbering.next_number(Series.QUOTE, issue.year),
            issue_date=issue,
            expiry_date=issue + timedelta(days=30),
            currency="EUR",
            items=_items(rng),
            terms_and_conditions="Devis valable 30 jours. Acompte de 30 % à la commande.",
            token=_token(rng),
            created_at=at,
            updated_at=at,
            pdf_ready_at=at + delay,
            approved_at=at + timedelta(days=3) if status == QuoteStatus.APPROVED else None,
            canceled_at=at + timedelta(days=3) if status == QuoteStatus.CANCELED else None,
        )
        store.quotes[quote.id] = quote


def _seed_credit_notes(
    store: InvoicingStore, rng: random.Random, numbering: Numbering, count: int, delay: timedelta
) -> None:
    paid = [i for i in store.invoices.values() if i.status == InvoiceStatus.PAID]
    for invoice in paid[:count]:
        item = invoice.items[0]
        credited = item.model_copy(update={"quantity": Decimal(1)})
        if totals([credited], None).total >= totals(invoice.items, invoice.discount).total:
            continue
        at = (invoice.paid_at or invoice.created_at) + timedelta(days=1)
        note = CreditNoteRecord(
            id=uuid7_at(int(at.timestamp() * 1000), rng),
            invoice_id=invoice.id,
            invoice_number=invoice.number,
            invoice_issue_date=invoice.issue_date,
            invoice_token=invoice.token,
            client=invoice.client,
            number=numbering.next_number(Series.CREDIT_NOTE, at.year),
            issue_date=at.date(),
            reason="Geste commercial : article endommagé à la livraison",
            currency="EUR",
            items=[credited],
            created_at=at,
            finalized_at=at,
            pdf_ready_at=at + delay,
        )
        store.credit_notes[note.id] = note
        invoice.credit_note_ids = [*invoice.credit_note_ids, note.id]
