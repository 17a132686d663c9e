"""Helpers of the Qonto client's contract tests: sandbox clock, live server, params."""

from __future__ import annotations

import warnings
from datetime import date, timedelta
from decimal import Decimal

from verone.qonto.types._base import AmountParam
from verone.qonto.types.client_invoices import ClientInvoiceCreateParams, PaymentMethodsParams
from verone.qonto.types.clients import AddressParams, ClientCreateParams, ClientKind
from verone.qonto.types.credit_notes import CreditNoteCreateParams
from verone.qonto.types.documents import InvoiceItemParams
from verone.qonto.types.quotes import QuoteCreateParams, QuoteItemParams
from verone.sandbox.app import create_app
from verone.sandbox.state import SandboxState

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient as TestClient  # re-exported for the tests

BASE_URL = "http://127.0.0.1:8100"


class SandboxTime:
    """Sleeps of the client advance the sandbox clock instead of waiting."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.state.clock.now().timestamp()

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        if seconds > 0:
            self.state.clock.advance(seconds)


def client_params(name: str = "Hôtel du Lac") -> ClientCreateParams:
    return ClientCreateParams(
        kind=ClientKind.COMPANY,
        name=name,
        email="compta@hoteldulac.fr",
        currency="EUR",
        locale="FR",
        vat_number="FR32123456782",
        tax_identification_number="123456782",
        billing_address=AddressParams(
            street_address="3 quai du Lac", city="Annecy", zip_code="74000", country_code="FR"
        ),
    )


def invoice_params(client_id: str, iban: str, price: str = "49.90") -> ClientInvoiceCreateParams:
    today = date(2026, 11, 24)
    return ClientInvoiceCreateParams(
        client_id=client_id,
        issue_date=today,
        due_date=today + timedelta(days=30),
        currency="EUR",
        payment_methods=PaymentMethodsParams(iban=iban),
        items=[
            InvoiceItemParams(
                title="Chaise Lina",
                quantity=Decimal("2"),
                unit_price=AmountParam(value=Decimal(price), currency="EUR"),
                vat_rate=Decimal("0.2"),
            )
        ],
    )


def _item(quantity: str = "1") -> InvoiceItemParams:
    return InvoiceItemParams(
        title="Chaise Lina",
        quantity=Decimal(quantity),
        unit_price=AmountParam(value=Decimal("49.90"), currency="EUR"),
        vat_rate=Decimal("0.2"),
    )


def quote_params(client_id: str) -> QuoteCreateParams:
    return QuoteCreateParams(
        client_id=client_id,
        issue_date=date(2026, 11, 24),
        expiry_date=date(2026, 12, 24),
        terms_and_conditions="T",
        currency="EUR",
        items=[QuoteItemParams(**_item().model_dump())],
    )


def credit_note_params(invoice_id: str) -> CreditNoteCreateParams:
    return CreditNoteCreateParams(
        invoice_id=invoice_id,
        issue_date=date(2026, 11, 25),
        reason="Retour",
        currency="EUR",
        items=[_item()],
    )


class LiveSandbox:
    """The sandbox served by uvicorn on a free loopback port, in a background thread."""

    def __init__(self, state: SandboxState) -> None:
        import socket
        import threading

        import uvicorn

        self.state = state
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(
            create_app(state), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        import time

        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the sandbox did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
