"""The Qonto client against the sandbox: organization, accounts, transactions (filters, paging,
bulk), attachments, webhook subscriptions, OAuth."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.contract._client_helpers import BASE_URL, SandboxTime, TestClient
from verone.qonto import (
    FileUpload,
    NotFound,
    OAuth2Auth,
    QontoClient,
    RateBudget,
    TransactionFilters,
    Unauthorized,
)
from verone.qonto.types.webhooks import WebhookSubscriptionParams
from verone.sandbox.config import DEFAULT_LOGIN
from verone.sandbox.state import SandboxState

pytest_plugins = ["tests.contract._client_fixtures"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _account_id(qonto: QontoClient) -> str:
    return next(a.id for a in qonto.bank_accounts.list() if a.main)


def test_organization_and_bank_accounts(qonto: QontoClient) -> None:
    organization = qonto.organization.get()
    assert organization.slug == DEFAULT_LOGIN
    accounts = qonto.bank_accounts.list()
    assert len(accounts) >= 1
    main = qonto.bank_accounts.get(accounts.items[0].id)
    assert main.iban == accounts.items[0].iban
    assert isinstance(main.balance, Decimal | None)
    with pytest.raises(NotFound):
        qonto.bank_accounts.get("nope")


class TestTransactions:
    def test_iter_walks_several_pages_without_duplicates(self, qonto: QontoClient) -> None:
        account = _account_id(qonto)
        first = qonto.transactions.list(TransactionFilters(bank_account_id=account, per_page=40))
        assert first.total_pages > 2
        walked = list(
            qonto.transactions.iter(TransactionFilters(bank_account_id=account, per_page=40))
        )
        assert len(walked) == first.total_count
        assert len({t.id for t in walked}) == len(walked)
        assert all(isinstance(t.amount, Decimal) for t in walked if t.amount is not None)

    def test_bulk_equals_sequential(self, qonto: QontoClient) -> None:
        filters = TransactionFilters(bank_account_id=_account_id(qonto), per_page=25)
        sequential = [t.id for t in qonto.transactions.iter(filters)]
        bulk = [t.id for t in qonto.transactions.list_all(filters, concurrency=4)]
        assert bulk == sequential

    def test_filters_are_applied(self, qonto: QontoClient) -> None:
        account = _account_id(qonto)
        credits = list(
            qonto.transactions.iter(
                TransactionFilters(bank_account_id=account, side="credit", status=["completed"])
            )
        )
        assert credits
        assert {t.side for t in credits} == {"credit"}
        assert {t.status for t in credits} == {"completed"}
        newest = qonto.transactions.list(
            TransactionFilters(bank_account_id=account, sort_by="settled_at:desc", per_page=5)
        )
        dates = [t.settled_at for t in newest if t.settled_at is not None]
        assert dates == sorted(dates, reverse=True)
        assert qonto.transactions.get(newest.items[0].id).id == newest.items[0].id

    def test_attachments_upload_list_detach(self, qonto: QontoClient) -> None:
        account = _account_id(qonto)
        txn = qonto.transactions.list(
            TransactionFilters(bank_account_id=account, per_page=1)
        ).items[0]
        first = qonto.transactions.attachments.upload(txn.id, FileUpload("r1.pdf", PDF))
        second = qonto.transactions.attachments.upload(txn.id, FileUpload("r2.pdf", PDF))
        assert first is not None
        assert second is not None
        listed = {a.id for a in qonto.transactions.attachments.list(txn.id)}
        assert {first.id, second.id} <= listed
        qonto.transactions.attachments.detach(txn.id, first.id)
        assert first.id not in {a.id for a in qonto.transactions.attachments.list(txn.id)}
        qonto.transactions.attachments.detach_all(txn.id)
        assert len(qonto.transactions.attachments.list(txn.id)) == 0


def test_attachments_upload_get_download(qonto: QontoClient) -> None:
    uploaded = qonto.attachments.upload(FileUpload("facture.pdf", PDF))
    fetched = qonto.attachments.get(uploaded.id)
    assert fetched.url
    assert qonto.attachments.download(fetched) == PDF
    assert qonto.attachments.download(uploaded.id) == PDF


def test_webhook_subscriptions_crud(qonto: QontoClient) -> None:
    params = WebhookSubscriptionParams(
        callback_url="http://127.0.0.1:9/hook", types=["v1/client-invoices"], secret="s3cret"
    )
    created = qonto.webhook_subscriptions.create(params)
    assert created.types == ["v1/client-invoices"]
    assert qonto.webhook_subscriptions.get(created.id).callback_url == params.callback_url
    assert created.id in {s.id for s in qonto.webhook_subscriptions.list()}
    replaced = qonto.webhook_subscriptions.update(
        created.id,
        WebhookSubscriptionParams(
            callback_url="http://127.0.0.1:9/other", types=["v1/transactions"]
        ),
    )
    assert replaced.callback_url == "http://127.0.0.1:9/other"
    qonto.webhook_subscriptions.delete(created.id)
    with pytest.raises(NotFound):
        qonto.webhook_subscriptions.get(created.id)


class TestOAuth:
    def _client(
        self, state: SandboxState, http: TestClient, time_: SandboxTime, rotated: list[str]
    ) -> tuple[QontoClient, OAuth2Auth]:
        tokens = state.oauth.client_credentials("organization.read offline_access")
        refresh = tokens.refresh_token
        assert isinstance(refresh, str)
        auth = OAuth2Auth(
            client_id=state.config.oauth_client_id,
            client_secret=state.config.oauth_client_secret,
            refresh_token=refresh,
            token_url=f"{BASE_URL}/oauth2/token",
            on_refresh_token=rotated.append,
            clock=time_.clock,
        )
        client = QontoClient(
            auth=auth,
            base_url=BASE_URL,
            http_client=http,
            rate_budget=RateBudget([]),
            sleep=time_.sleep,
            clock=time_.clock,
        )
        return client, auth

    def test_refresh_rotation_and_expiry(
        self, qonto_state: SandboxState, sandbox_http: TestClient, sandbox_time: SandboxTime
    ) -> None:
        rotated: list[str] = []
        client, auth = self._client(qonto_state, sandbox_http, sandbox_time, rotated)
        assert client.organization.get().slug == DEFAULT_LOGIN
        assert len(rotated) == 1
        qonto_state.clock.advance(3600)
        assert client.organization.get().slug == DEFAULT_LOGIN
        assert len(rotated) == 2
        assert rotated[1] == auth.refresh_token.get_secret_value()

    def test_revoked_access_token_refreshes_on_401(
        self, qonto_state: SandboxState, sandbox_http: TestClient, sandbox_time: SandboxTime
    ) -> None:
        rotated: list[str] = []
        client, _ = self._client(qonto_state, sandbox_http, sandbox_time, rotated)
        client.organization.get()
        qonto_state.oauth.access.clear()
        assert client.organization.get().slug == DEFAULT_LOGIN
        assert len(rotated) == 2

    def test_api_key_refused_is_unauthorized(
        self, sandbox_http: TestClient, sandbox_time: SandboxTime
    ) -> None:
        client = QontoClient(
            login=DEFAULT_LOGIN,
            secret_key="wrong-key-123",
            base_url=BASE_URL,
            http_client=sandbox_http,
            rate_budget=RateBudget([]),
        )
        with pytest.raises(Unauthorized, match="QONTO_ORGANIZATION_ID") as caught:
            client.organization.get()
        assert "wrong-key-123" not in str(caught.value)
