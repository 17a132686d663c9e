"""The resources of a client, named once for both clients.

``QontoClient.clients`` is a ``Clients``, ``AsyncQontoClient.clients`` an ``AsyncClients``:
each attribute below names the two and gives the one that fits the client it is read on,
made with the client (``make_resources``) and kept on it.
"""

# the attribute is typed by the __get__ overloads

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Generic, Self, TypeVar, overload

from verone.qonto.resources._resource import AsyncRequester, SyncRequester
from verone.qonto.resources.attachments import AsyncAttachments, Attachments
from verone.qonto.resources.bank_accounts import AsyncBankAccounts, BankAccounts
from verone.qonto.resources.client_invoices import AsyncClientInvoices, ClientInvoices
from verone.qonto.resources.clients import AsyncClients, Clients
from verone.qonto.resources.credit_notes import AsyncCreditNotes, CreditNotes
from verone.qonto.resources.organization import AsyncOrganizationResource, OrganizationResource
from verone.qonto.resources.quotes import AsyncQuotes, Quotes
from verone.qonto.resources.transactions import AsyncTransactions, Transactions
from verone.qonto.resources.webhook_subscriptions import (
    AsyncWebhookSubscriptions,
    WebhookSubscriptions,
)

S = TypeVar("S")
A = TypeVar("A")


class resource(Generic[S, A]):  # a descriptor, read as a declaration
    """A resource attribute: the sync resource on a sync client, the async one on an async."""

    def __init__(
        self, sync: Callable[[SyncRequester], S], asynchronous: Callable[[AsyncRequester], A]
    ) -> None:
        self._sync = sync
        self._async = asynchronous
        self._name = ""

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, obj: SyncRequester, owner: type[Any] | None = None) -> S: ...
    @overload
    def __get__(self, obj: AsyncRequester, owner: type[Any] | None = None) -> A: ...
    def __get__(self, obj: Any, owner: type[Any] | None = None) -> Any:
        if obj is None:
            return self
        asynchronous = inspect.iscoroutinefunction(getattr(obj, "execute", None))
        made = (self._async if asynchronous else self._sync)(obj)
        obj.__dict__[self._name] = made  # read from the client from now on
        return made


class Resources:
    """Every resource of the Business API, as attributes of a client."""

    organization = resource(OrganizationResource, AsyncOrganizationResource)
    bank_accounts = resource(BankAccounts, AsyncBankAccounts)
    transactions = resource(Transactions, AsyncTransactions)
    clients = resource(Clients, AsyncClients)
    client_invoices = resource(ClientInvoices, AsyncClientInvoices)
    quotes = resource(Quotes, AsyncQuotes)
    credit_notes = resource(CreditNotes, AsyncCreditNotes)
    attachments = resource(Attachments, AsyncAttachments)
    webhook_subscriptions = resource(WebhookSubscriptions, AsyncWebhookSubscriptions)

    def make_resources(self) -> None:
        """Make every resource of this client now (each is then read from the client)."""
        for name, value in vars(Resources).items():
            if isinstance(value, resource):
                getattr(self, name)
