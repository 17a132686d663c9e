"""Keyword filters on every list method of the client (sync and async), against the sandbox.

``qonto.transactions.iter(bank_account_id=…, status=[…], settled_at_from=…)`` must send the
same query as the filters object, keywords apply on top of a filters object, and an unknown
filter name is a ``TypeError`` before anything is sent.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pydantic import SecretStr

from tests.contract._client_helpers import (
    LiveSandbox,
    client_params,
    credit_note_params,
    invoice_params,
    quote_params,
)
from verone.qonto import (
    AsyncQontoClient,
    ClientInvoiceFilters,
    QontoClient,
    QontoSettings,
    TransactionFilters,
    get_async_qonto_client,
)
from verone.qonto.types.transactions import Transaction
from verone.sandbox.config import DEFAULT_LOGIN, DEFAULT_SECRET_KEY
from verone.sandbox.state import SandboxState

pytest_plugins = ["tests.contract._client_fixtures"]


def _main_account(qonto: QontoClient) -> str:
    return next(a.id for a in qonto.bank_accounts.list() if a.main)


def _median_settled_at(transactions: list[Transaction]) -> Any:
    settled = sorted(t.settled_at for t in transactions if t.settled_at is not None)
    return settled[len(settled) // 2]


class TestTransactions:
    def test_keywords_narrow_the_list_like_the_filters_object(self, qonto: QontoClient) -> None:
        account = _main_account(qonto)
        everything = qonto.transactions.list_all(bank_account_id=account, per_page=100)
        credits = list(
            qonto.transactions.iter(bank_account_id=account, side="credit", status=["completed"])
        )
        assert 0 < len(credits) < len(everything)
        assert {(t.side, t.status) for t in credits} == {("credit", "completed")}
        as_object = TransactionFilters(bank_account_id=account, side="credit", status=["completed"])
        assert [t.id for t in credits] == [t.id for t in qonto.transactions.iter(as_object)]

    def test_settled_at_from_on_list_iter_and_list_all(self, qonto: QontoClient) -> None:
        account = _main_account(qonto)
        everything = qonto.transactions.list_all(bank_account_id=account)
        since = _median_settled_at(everything)
        page = qonto.transactions.list(bank_account_id=account, settled_at_from=since, per_page=7)
        walked = list(qonto.transactions.iter(bank_account_id=account, settled_at_from=since))
        bulk = qonto.transactions.list_all(
            bank_account_id=account, settled_at_from=since, per_page=7, concurrency=3
        )
        assert 0 < page.total_count < len(everything)
        assert page.total_count == len(walked) == len(bulk)
        assert {t.id for t in walked} == {t.id for t in bulk}
        assert all(t.settled_at is not None and t.settled_at >= since for t in walked)

    def test_keywords_apply_on_top_of_a_filters_object(self, qonto: QontoClient) -> None:
        debits = TransactionFilters(bank_account_id=_main_account(qonto), side="debit")
        found = qonto.transactions.list(debits, side="credit", per_page=20)
        assert found.items
        assert {t.side for t in found} == {"credit"}

    def test_an_unknown_filter_is_a_type_error(self, qonto: QontoClient) -> None:
        wrong: dict[str, Any] = {"statuz": ["completed"]}
        with pytest.raises(TypeError, match="unknown filter 'statuz' for TransactionFilters"):
            qonto.transactions.list(bank_account_id=_main_account(qonto), **wrong)

    def test_an_account_is_still_required(self, qonto: QontoClient) -> None:
        with pytest.raises(ValueError, match="bank_account_id or iban"):
            qonto.transactions.list(status=["completed"])


class TestInvoicing:
    def test_clients_by_name(self, qonto: QontoClient) -> None:
        lake = qonto.clients.create(client_params("Hôtel du Lac"))
        mill = qonto.clients.create(client_params("Moulin Rouge SARL"))
        found = {c.id for c in qonto.clients.iter(name="moulin", per_page=1)}
        assert mill.id in found
        assert lake.id not in found
        assert {c.id for c in qonto.clients.list(name="moulin")} == found

    def test_invoices_quotes_and_credit_notes(
        self, qonto: QontoClient, qonto_state: SandboxState
    ) -> None:
        customer = qonto.clients.create(client_params())
        iban = qonto_state.banking.main_account.iban
        draft = qonto.client_invoices.create(invoice_params(customer.id, iban))
        issued = qonto.client_invoices.create(invoice_params(customer.id, iban))
        qonto.client_invoices.finalize(issued.id)
        drafts = {i.id for i in qonto.client_invoices.iter(status=["draft"], per_page=1)}
        assert draft.id in drafts
        assert issued.id not in drafts
        unpaid = qonto.client_invoices.list(ClientInvoiceFilters(per_page=500), status=["unpaid"])
        assert {i.status for i in unpaid} == {"unpaid"}
        assert issued.id in {i.id for i in unpaid}

        quote = qonto.quotes.create(quote_params(customer.id))
        assert quote.id in {q.id for q in qonto.quotes.iter(status=[str(quote.status)])}
        assert quote.id not in {q.id for q in qonto.quotes.list(status=["canceled"])}

        note = qonto.credit_notes.create(credit_note_params(issued.id))
        other = qonto.client_invoices.create(invoice_params(customer.id, iban))
        qonto.client_invoices.finalize(other.id)
        qonto.credit_notes.create(credit_note_params(other.id))
        mine = [n.id for n in qonto.credit_notes.iter(invoice_id=issued.id, per_page=1)]
        assert mine == [note.id]
        assert [n.id for n in qonto.credit_notes.list(invoice_id=issued.id)] == mine


def test_the_async_client_takes_the_same_keywords(live_sandbox: LiveSandbox) -> None:
    settings = QontoSettings(
        organization_id=DEFAULT_LOGIN,
        api_key=SecretStr(DEFAULT_SECRET_KEY),
        base_url=live_sandbox.base_url,
        timeout_seconds=5,
    )
    iban = live_sandbox.state.banking.main_account.iban

    async def main() -> None:
        async with get_async_qonto_client(settings) as qonto:
            await _async_scenario(qonto, iban)

    asyncio.run(main())


async def _async_scenario(qonto: AsyncQontoClient, iban: str) -> None:
    account = next(a.id for a in await qonto.bank_accounts.list() if a.main)
    everything = await qonto.transactions.list_all(bank_account_id=account, concurrency=4)
    since = _median_settled_at(everything)
    page = await qonto.transactions.list(bank_account_id=account, settled_at_from=since)
    walked = [
        t async for t in qonto.transactions.iter(bank_account_id=account, settled_at_from=since)
    ]
    bulk = await qonto.transactions.list_all(
        TransactionFilters(bank_account_id=account), settled_at_from=since, per_page=9
    )
    assert 0 < page.total_count < len(everything)
    assert [t.id for t in walked] == [t.id for t in bulk]
    assert all(t.settled_at is not None and t.settled_at >= since for t in walked)
    credits = [t async for t in qonto.transactions.iter(bank_account_id=account, side="credit")]
    assert credits
    assert {t.side for t in credits} == {"credit"}

    lake = await qonto.clients.create(client_params("Hôtel du Lac"))
    mill = await qonto.clients.create(client_params("Moulin Rouge SARL"))
    named = {c.id async for c in qonto.clients.iter(name="moulin")}
    assert mill.id in named
    assert lake.id not in named
    assert {c.id for c in await qonto.clients.list(name="moulin")} == named

    draft = await qonto.client_invoices.create(invoice_params(lake.id, iban))
    issued = await qonto.client_invoices.create(invoice_params(lake.id, iban))
    await qonto.client_invoices.finalize(issued.id)
    drafts = {i.id async for i in qonto.client_invoices.iter(status=["draft"])}
    assert draft.id in drafts
    assert issued.id not in drafts
    unpaid = await qonto.client_invoices.list(status=["unpaid"])
    assert {i.status for i in unpaid} == {"unpaid"}

    quote = await qonto.quotes.create(quote_params(lake.id))
    assert quote.id in {q.id async for q in qonto.quotes.iter(status=[str(quote.status)])}
    assert quote.id not in {q.id for q in await qonto.quotes.list(status=["canceled"])}

    note = await qonto.credit_notes.create(credit_note_params(issued.id))
    assert [n.id async for n in qonto.credit_notes.iter(invoice_id=issued.id)] == [note.id]
    assert [n.id for n in await qonto.credit_notes.list(invoice_id=issued.id)] == [note.id]
    wrong: dict[str, Any] = {"sttus": ["draft"]}
    with pytest.raises(TypeError, match="unknown filter 'sttus' for ClientInvoiceFilters"):
        await qonto.client_invoices.list(**wrong)
