"""``bank_accounts``: the organization's accounts (list, get)."""

from __future__ import annotations

from verone.qonto._base import PreparedCall, RequestOptions
from verone.qonto._pagination import Page
from verone.qonto.resources._resource import (
    AsyncResource,
    Resource,
    SyncResource,
    endpoint,
)
from verone.qonto.resources._shared import one, page, paging
from verone.qonto.types.organization import BankAccount

PATH = "/v2/bank_accounts"
ONE = PATH + "/{id}"


class _BankAccounts(Resource):
    @endpoint
    def list(
        self,
        *,
        page: int | None = None,
        per_page: int | None = None,
        options: RequestOptions | None = None,
    ) -> PreparedCall[Page[BankAccount]]:
        """``GET /v2/bank_accounts``."""
        return self._prepare("GET", PATH, _page, query=paging(page, per_page), options=options)

    @endpoint
    def get(
        self, account_id: str, *, options: RequestOptions | None = None
    ) -> PreparedCall[BankAccount]:
        """``GET /v2/bank_accounts/{id}``."""
        return self._prepare("GET", ONE, _one, path_params={"id": account_id}, options=options)


class BankAccounts(SyncResource, _BankAccounts):
    pass


class AsyncBankAccounts(AsyncResource, _BankAccounts):
    pass


_page = page(BankAccount, "bank_accounts")
_one = one(BankAccount, "bank_account")
