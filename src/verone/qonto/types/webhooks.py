"""Webhook subscriptions (unwrapped single object, list under ``subscriptions``) and events."""

from __future__ import annotations

from enum import StrEnum

from verone.qonto.types._base import ParamsModel, Timestamp, WireModel
from verone.qonto.types.pagination import PaginationMeta


class WebhookEventType(StrEnum):
    TRANSACTIONS = "v1/transactions"
    ACCOUNTS = "v1/accounts"
    ORGANIZATIONS = "v1/organizations"
    CLIENT_INVOICES = "v1/client-invoices"


class WebhookSubscription(WireModel):
    """A subscription; Qonto answers it unwrapped (no envelope key)."""

    id: str
    organization_id: str | None = None
    membership_id: str | None = None
    callback_url: str | None = None
    types: list[str] | None = None
    description: str | None = None
    secret: str | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None


class WebhookSubscriptionList(WireModel):
    subscriptions: list[WebhookSubscription]
    meta: PaginationMeta | None = None


class WebhookSubscriptionParams(ParamsModel):
    """Create (``POST``) or replace (``PUT``) a subscription."""

    callback_url: str
    types: list[str]
    secret: str | None = None
    description: str | None = None


class WebhookEvent(WireModel):
    """A delivered event; ``data`` is the resource (e.g. a client invoice) as plain JSON."""

    id: str
    subscription_id: str | None = None
    organization_id: str | None = None
    membership_id: str | None = None
    type: str
    event: str | None = None
    created_at: Timestamp | None = None
    data: dict[str, object]
