"""The async client against a real uvicorn sandbox on a loopback port."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal

import pytest
from pydantic import SecretStr

from tests.contract._client_helpers import LiveSandbox, client_params, invoice_params
from verone.qonto import (
    AsyncQontoClient,
    FileUpload,
    NotFound,
    QontoAmbiguousOutcome,
    QontoSettings,
    RequestOptions,
    RetryPolicy,
    TransactionFilters,
    async_wait_for_invoice_pdf,
    get_async_qonto_client,
)
from verone.qonto.types._base import AmountParam
from verone.qonto.types.client_invoices import ClientInvoiceUpdateParams
from verone.qonto.types.clients import ClientUpdateParams
from verone.qonto.types.credit_notes import CreditNoteCreateParams
from verone.qonto.types.documents import InvoiceItemParams, SendParams
from verone.qonto.types.quotes import QuoteCreateParams, QuoteItemParams, QuoteUpdateParams
from verone.qonto.types.webhooks import WebhookSubscriptionParams
from verone.sandbox.config import DEFAULT_LOGIN, DEFAULT_SECRET_KEY
from verone.sandbox.faults import FaultConfig, FaultRule

pytest_plugins = ["tests.contract._client_fixtures"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _settings(live: LiveSandbox) -> QontoSettings:
    return QontoSettings(
        organization_id=DEFAULT_LOGIN,
        api_key=SecretStr(DEFAULT_SECRET_KEY),
        base_url=live.base_url,
        timeout_seconds=5,
    )


def run(live: LiveSandbox, body: Callable[[AsyncQontoClient], Awaitable[None]]) -> None:
    async def main() -> None:
        async with get_async_qonto_client(_settings(live)) as client:
            await body(client)

    asyncio.run(main())


def test_banking_resources(live_sandbox: LiveSandbox) -> None:
    async def body(client: AsyncQontoClient) -> None:
        organization = await client.organization.get()
        assert organization.slug == DEFAULT_LOGIN
        accounts = await client.bank_accounts.list()
        account = await client.bank_accounts.get(accounts.items[0].id)
        filters = TransactionFilters(bank_account_id=account.id, per_page=50)
        first = await client.transactions.list(filters)
        walked = [t.id async for t in client.transactions.iter(filters)]
        bulk = [t.id for t in await client.transactions.list_all(filters, concurrency=4)]
        assert first.total_pages > 2
        assert walked == bulk
        assert len(walked) == first.total_count
        txn = await client.transactions.get(walked[0])
        uploaded = await client.transactions.attachments.upload(txn.id, FileUpload("r.pdf", PDF))
        assert uploaded is not None
        assert uploaded.id in {a.id for a in await client.transactions.attachments.list(txn.id)}
        await client.transactions.attachments.detach(txn.id, uploaded.id)
        await client.transactions.attachments.detach_all(txn.id)
        attachment = await client.attachments.upload(FileUpload("f.pdf", PDF))
        assert await client.attachments.download(attachment.id) == PDF

    run(live_sandbox, body)


def test_invoicing_resources(live_sandbox: LiveSandbox) -> None:
    iban = live_sandbox.state.banking.main_account.iban

    async def body(client: AsyncQontoClient) -> None:
        customer = await client.clients.create(client_params())
        assert (await client.clients.get(customer.id)).name == customer.name
        await client.clients.update(customer.id, ClientUpdateParams(email="x@y.fr"))
        assert customer.id in {c.id async for c in client.clients.iter()}
        invoice = await client.client_invoices.create(invoice_params(customer.id, iban))
        assert invoice.status == "draft"
        await client.client_invoices.update(invoice.id, ClientInvoiceUpdateParams(header="H"))
        finalized = await client.client_invoices.finalize(invoice.id)
        assert finalized.status == "unpaid"
        assert (await client.client_invoices.mark_as_paid(invoice.id)).status == "paid"
        assert (await client.client_invoices.unmark_as_paid(invoice.id)).status == "unpaid"
        await client.client_invoices.send(
            invoice.id, SendParams(send_to=["a@b.fr"], email_title="Facture")
        )
        item = InvoiceItemParams(
            title="Chaise Lina",
            quantity=Decimal("1"),
            unit_price=AmountParam(value=Decimal("49.90"), currency="EUR"),
            vat_rate=Decimal("0.2"),
        )
        note = await client.credit_notes.create(
            CreditNoteCreateParams(
                invoice_id=invoice.id,
                issue_date=date(2026, 11, 25),
                reason="Retour",
                currency="EUR",
                items=[item],
            )
        )
        assert (await client.credit_notes.get(note.id)).id == note.id
        assert (await client.credit_notes.file(note.id)).startswith(b"%PDF")
        assert note.id in {n.id async for n in client.credit_notes.iter()}
        assert (await client.client_invoices.mark_as_canceled(invoice.id)).status == "canceled"
        draft = await client.client_invoices.create(invoice_params(customer.id, iban))
        await client.client_invoices.delete(draft.id)
        with pytest.raises(NotFound):
            await client.client_invoices.get(draft.id)
        upload = await client.client_invoices.upload(FileUpload("x.pdf", PDF))
        assert (await client.client_invoices.get_upload(upload.id)).id == upload.id
        quote = await client.quotes.create(
            QuoteCreateParams(
                client_id=customer.id,
                issue_date=date(2026, 11, 24),
                expiry_date=date(2026, 12, 24),
                terms_and_conditions="T",
                currency="EUR",
                items=[QuoteItemParams(**item.model_dump())],
            )
        )
        await client.quotes.update(quote.id, QuoteUpdateParams(footer="F"))
        assert (await client.quotes.get(quote.id)).footer == "F"
        await client.quotes.send(quote.id, SendParams(send_to=["a@b.fr"], email_title="Devis"))
        assert quote.id in {q.id async for q in client.quotes.iter()}
        other = await client.quotes.create(
            QuoteCreateParams(
                client_id=customer.id,
                issue_date=date(2026, 11, 24),
                expiry_date=date(2026, 12, 24),
                terms_and_conditions="T",
                currency="EUR",
                items=[QuoteItemParams(**item.model_dump())],
            )
        )
        await client.quotes.delete(other.id)
        await client.clients.delete(customer.id)

    run(live_sandbox, body)


def test_webhook_subscriptions(live_sandbox: LiveSandbox) -> None:
    async def body(client: AsyncQontoClient) -> None:
        params = WebhookSubscriptionParams(
            callback_url="http://127.0.0.1:9/h", types=["v1/transactions"]
        )
        created = await client.webhook_subscriptions.create(params)
        assert (await client.webhook_subscriptions.get(created.id)).id == created.id
        assert created.id in {s.id for s in await client.webhook_subscriptions.list()}
        await client.webhook_subscriptions.update(created.id, params)
        await client.webhook_subscriptions.delete(created.id)

    run(live_sandbox, body)


def test_pdf_wait_with_the_sandbox_clock(live_sandbox: LiveSandbox) -> None:
    state = live_sandbox.state
    iban = state.banking.main_account.iban

    async def advance(seconds: float) -> None:
        state.clock.advance(seconds)

    async def body(client: AsyncQontoClient) -> None:
        customer = await client.clients.create(client_params())
        invoice = await client.client_invoices.create(invoice_params(customer.id, iban))
        await client.client_invoices.finalize(invoice.id)
        ready = await async_wait_for_invoice_pdf(client, invoice.id, sleep=advance)
        assert ready.attachment.created_at is not None
        assert ready.invoice.finalized_at is not None
        assert ready.attachment.created_at > ready.invoice.finalized_at

    run(live_sandbox, body)


def test_real_timeout_after_commit_creates_exactly_one_invoice(live_sandbox: LiveSandbox) -> None:
    state = live_sandbox.state
    iban = state.banking.main_account.iban
    rule = FaultRule(
        method="POST",
        path="/v2/client_invoices",
        timeout_after_commit_rate=1.0,
        timeout_delay_ms=600,
    )

    async def body() -> None:
        client = AsyncQontoClient(
            login=DEFAULT_LOGIN,
            secret_key=DEFAULT_SECRET_KEY,
            base_url=live_sandbox.base_url,
            timeout=10.0,
            retry=RetryPolicy(max_retries=1, initial_delay=0.01, max_delay=0.02),
        )
        async with client:
            customer = await client.clients.create(client_params())
            before = len([i async for i in client.client_invoices.iter()])
            state.faults.configure(FaultConfig(rules=[rule]))
            params = invoice_params(customer.id, iban)
            try:
                with pytest.raises(QontoAmbiguousOutcome) as caught:
                    await client.client_invoices.create(params, options=RequestOptions(timeout=0.3))
            finally:
                state.faults.clear()
            again = await client.client_invoices.create(
                params, options=RequestOptions(idempotency_key=caught.value.idempotency_key)
            )
            after = [i.id async for i in client.client_invoices.iter()]
            assert len(after) == before + 1
            assert again.id in after

    asyncio.run(body())
