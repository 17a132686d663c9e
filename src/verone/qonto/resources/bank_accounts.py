"""``bank_accounts``: the organization's accounts (list, get)."""

from __future__ import annotations

from verone.qonto.resources._collection import Pages, collection
from verone.qonto.resources._resource import AsyncResource, SyncResource
from verone.qonto.types.organization import BankAccount


class _BankAccounts(Pages[BankAccount]):
    _items = collection("/v2/bank_accounts", BankAccount, "bank_account", "bank_accounts")


class BankAccounts(SyncResource, _BankAccounts):
    pass


class AsyncBankAccounts(AsyncResource, _BankAccounts):
    pass
