"""``bank_accounts``: the organization's accounts (list, get)."""

from __future__ import annotations

from verone.qonto._base import RequestOptions
from verone.qonto._pagination import MAX_PER_PAGE, Page, check_per_page
from verone.qonto.resources._resource import AsyncResource, SyncResource
from verone.qonto.resources._shared import one, page
from verone.qonto.types.organization import BankAccount

PATH = "/v2/bank_accounts"
ONE = PATH + "/{id}"


def _query(page_number: int | None, per_page: int | None) -> dict[str, int | None]:
    check_per_page(per_page, MAX_PER_PAGE)
    return {"page": page_number, "per_page": per_page}


class BankAccounts(SyncResource):
    def list(
        self,
        *,
        page: int | None = None,
        per_page: int | None = None,
        options: RequestOptions | None = None,
    ) -> Page[BankAccount]:
        """``GET /v2/bank_accounts``."""
        return self._call("GET", PATH, _page, query=_query(page, per_page), options=options)

    def get(self, account_id: str, *, options: RequestOptions | None = None) -> BankAccount:
        """``GET /v2/bank_accounts/{id}``."""
        return self._call("GET", ONE, _one, path_params={"id": account_id}, options=options)


class AsyncBankAccounts(AsyncResource):
    async def list(
        self,
        *,
        page: int | None = None,
        per_page: int | None = None,
        options: RequestOptions | None = None,
    ) -> Page[BankAccount]:
        """``GET /v2/bank_accounts``."""
        return await self._call("GET", PATH, _page, query=_query(page, per_page), options=options)

    async def get(self, account_id: str, *, options: RequestOptions | None = None) -> BankAccount:
        """``GET /v2/bank_accounts/{id}``."""
        return await self._call("GET", ONE, _one, path_params={"id": account_id}, options=options)


_page = page(BankAccount, "bank_accounts")
_one = one(BankAccount, "bank_account")
