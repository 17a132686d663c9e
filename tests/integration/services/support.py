"""Shared pieces for the service tests: a sandbox (in-process or on a loopback port), the
gateway over it, a clock that follows the sandbox's, and a small world of users and orders.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import uvicorn
from sqlalchemy import text
from starlette.testclient import TestClient as TestClient

from tests.integration.databases import postgres_url, with_search_path
from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.session import make_engine
from verone.backoffice.domain.banking import BankAccount, BankTransaction, TransactionSide
from verone.backoffice.domain.confirmation import compute_content_hash
from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.domain.orders import SalesOrder, SalesOrderItem
from verone.backoffice.domain.parties import Customer, CustomerKind
from verone.backoffice.domain.statuses import DocumentOrigin, DocumentType
from verone.backoffice.domain.users import Role, User
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.ports import UnitOfWork
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.finalization import (
    FinalizationResult,
    finalize_document,
    preview_finalization,
)
from verone.backoffice.services.pdfs import PdfWait
from verone.qonto import QontoClient, RetryPolicy
from verone.sandbox.app import create_app
from verone.sandbox.config import DEFAULT_LOGIN, DEFAULT_SECRET_KEY, SandboxConfig
from verone.sandbox.state import SandboxState

CONFIRMATION_KEY = b"test-confirmation-key-0123456789"
FAST_RETRY = RetryPolicy(max_retries=8, initial_delay=0.001, max_delay=0.002, deadline=30.0)


class SandboxClock:
    """``ports.Clock`` reading the sandbox's clock, so both sides agree on time."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state

    def now(self) -> datetime:
        return self._state.clock.now()

    def today(self) -> date:
        return self.now().date()

    def advance(self, seconds: float) -> None:
        self._state.clock.advance(seconds)


def make_client(http_client: httpx.Client, base_url: str = "http://testserver") -> QontoClient:
    """A client that retries at once (no real sleeping) with the sandbox credentials."""
    return QontoClient(
        login=DEFAULT_LOGIN,
        secret_key=DEFAULT_SECRET_KEY,
        base_url=base_url,
        retry=FAST_RETRY,
        http_client=http_client,
        sleep=lambda _seconds: None,
    )


def sandbox_state(**overrides: object) -> SandboxState:
    config = SandboxConfig(transactions=5, pdf_delay_seconds=10.0)
    for key, value in overrides.items():
        setattr(config, key, value)
    return SandboxState(config)


@contextmanager
def in_process_sandbox(state: SandboxState) -> Iterator[TestClient]:
    with TestClient(create_app(state)) as client:
        yield client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def served_sandbox(state: SandboxState) -> Iterator[str]:
    """The sandbox on a loopback port (uvicorn in a thread); yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(state), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the sandbox did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def recorded(http: httpx.Client) -> list[dict[str, object]]:
    response = http.get("/_sandbox/requests")
    response.raise_for_status()
    requests = response.json()["requests"]
    assert isinstance(requests, list)
    return requests


def finalize_calls(http: httpx.Client) -> list[dict[str, object]]:
    return [
        r for r in recorded(http) if str(r["path"]).endswith("/finalize") and r["method"] == "POST"
    ]


@dataclass
class World:
    accountant: User
    admin: User
    viewer: User
    customer: Customer
    order: SalesOrder

    @property
    def as_accountant(self) -> Actor:
        return Actor.interactive(self.accountant.id)


def make_customer(name: str = "Atelier Dupont") -> Customer:
    return Customer(
        kind=CustomerKind.COMPANY,
        created_at=datetime(2026, 1, 5, tzinfo=UTC),
        company_name=name,
        email=f"compta+{uuid.uuid4().hex[:8]}@dupont.test",
        vat_number="FR12345678901",
        siren="123456789",
        billing_street="12 rue des Lilas",
        billing_postal_code="75011",
        billing_city="Paris",
        billing_country="FR",
    )


def make_order(customer: Customer, now: datetime) -> SalesOrder:
    return SalesOrder(
        reference=f"CMD-{uuid.uuid4().hex[:6]}",
        customer_id=customer.id,
        order_date=now.date(),
        created_at=now,
        shipping_cost=Decimal("25.00"),
        items=[
            SalesOrderItem(
                title="Chaise en chêne",
                quantity=Decimal("4"),
                unit_price=Decimal("149.90"),
                vat_rate=Decimal("0.2"),
                position=0,
            ),
            SalesOrderItem(
                title="Table basse",
                quantity=Decimal("1"),
                unit_price=Decimal("420.00"),
                vat_rate=Decimal("0.2"),
                position=1,
            ),
        ],
    )


def make_user(role: Role, now: datetime) -> User:
    return User(
        email=f"{role}-{uuid.uuid4().hex[:6]}@verone.test",
        display_name=f"Utilisateur {role}",
        role=role,
        password_hash="$argon2id$not-used-here",
        created_at=now,
    )


def seed_world(uow: UnitOfWork, now: datetime) -> World:
    with uow:
        users = [make_user(role, now) for role in (Role.ACCOUNTANT, Role.ADMIN, Role.VIEWER)]
        for user in users:
            uow.users.add(user)
        customer = make_customer()
        customer.created_at = now
        uow.customers.add(customer)
        order = make_order(customer, now)
        uow.orders.add(order)
        uow.commit()
    return World(users[0], users[1], users[2], customer, order)


def add_order(uow: UnitOfWork, customer: Customer, now: datetime) -> SalesOrder:
    with uow:
        order = make_order(customer, now)
        uow.orders.add(order)
        uow.commit()
    return order


def add_transfer(
    uow: UnitOfWork, now: datetime, amount: str, label: str, reference: str | None = None
) -> BankTransaction:
    """A settled incoming transfer in the bank mirror (as the transactions sync stores it)."""
    with uow:
        account = uow.bank_accounts.upsert(
            BankAccount(f"acc-{uuid.uuid4().hex[:8]}", "Compte courant",
                        "FR7630001007941234567890185", "EUR", Decimal("10000.00"), now)
        )  # fmt: skip
        transfer = uow.bank_transactions.upsert(
            BankTransaction(f"txn-{uuid.uuid4().hex[:12]}", account.id, Decimal(amount), "EUR",
                            TransactionSide.CREDIT, label, "completed", now, now,
                            settled_at=now, reference=reference)
        )  # fmt: skip
        uow.commit()
    return transfer


def add_local_invoice(
    uow: UnitOfWork, world: World, now: datetime, number: str, unit_price_ht: str
) -> FinancialDocument:
    """A finalized invoice never sent to Qonto (one line at 20 % VAT): its payment is local."""
    invoice = FinancialDocument(
        document_type=DocumentType.INVOICE, origin=DocumentOrigin.SERVICE,
        customer_id=world.customer.id, customer_name=world.customer.display_name,
        currency="EUR", created_by=world.accountant.id, created_at=now, issue_date=now.date(),
        due_date=now.date(),
        items=[DocumentItem("Conseil", Decimal(1), Decimal(unit_price_ht), Decimal("0.2"))],
    )  # fmt: skip
    invoice.recompute_totals()
    invoice.finalize(number, now, world.accountant.id, compute_content_hash(invoice))
    with uow:
        uow.documents.add(invoice)
        uow.commit()
    return invoice


def service_items() -> list[DocumentItem]:
    return [
        DocumentItem(
            title="Conseil en aménagement",
            quantity=Decimal("3"),
            unit_price=Decimal("95.00"),
            vat_rate=Decimal("0.2"),
        ),
        DocumentItem(
            title="Déplacement",
            quantity=Decimal("1"),
            unit_price=Decimal("48.50"),
            vat_rate=Decimal("0.1"),
        ),
    ]


def issue(
    uow: UnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    actor: Actor,
    document_id: uuid.UUID,
) -> FinalizationResult:
    """What the finalize dialog does: preview, then finalize with its token (clock advanced
    while waiting for the PDF)."""
    token = preview_finalization(
        uow, gateway, clock, actor, document_id, confirmation_key=CONFIRMATION_KEY
    ).confirmation_token
    return finalize_document(
        uow,
        gateway,
        clock,
        actor,
        document_id,
        token,
        confirmation_key=CONFIRMATION_KEY,
        pdf_wait=PdfWait(timeout=60, initial_delay=1, max_delay=8, sleep=clock.advance),
    )


@contextmanager
def private_postgres_schema() -> Iterator[str]:
    """A migrated PostgreSQL schema of one's own, dropped afterwards: for tests that commit
    for real (numbers are unique forever, so they must not share the common schema)."""
    schema = f"verone_svc_{uuid.uuid4().hex[:10]}"
    admin = make_engine(postgres_url())
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = with_search_path(postgres_url(), schema)
        upgrade_database(url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
