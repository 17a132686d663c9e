"""``webhook_subscriptions``: list, get, create (one subscription per event type), update
(``PUT``: a full replacement), delete.

Qonto answers a single subscription unwrapped (no envelope key).
"""

from __future__ import annotations

from verone.qonto.resources._collection import Creates, Deletes, Pages, Updates, collection
from verone.qonto.resources._resource import AsyncResource, SyncResource
from verone.qonto.types.webhooks import WebhookSubscription, WebhookSubscriptionParams


class _WebhookSubscriptions(
    Pages[WebhookSubscription],
    Creates[WebhookSubscription, WebhookSubscriptionParams],
    Updates[WebhookSubscription, WebhookSubscriptionParams],
    Deletes[WebhookSubscription],
):
    _items = collection("/v2/webhook_subscriptions", WebhookSubscription, None, "subscriptions")
    _replaces = True


class WebhookSubscriptions(SyncResource, _WebhookSubscriptions):
    pass


class AsyncWebhookSubscriptions(AsyncResource, _WebhookSubscriptions):
    pass
