"""``webhook_subscriptions``: list, get, create, update (full replacement), delete."""

from __future__ import annotations

from verone.qonto._base import PreparedCall, RequestOptions
from verone.qonto._pagination import Page
from verone.qonto.resources._resource import (
    AsyncResource,
    Resource,
    SyncResource,
    endpoint,
)
from verone.qonto.resources._shared import nothing, one, page, paging
from verone.qonto.types.webhooks import WebhookSubscription, WebhookSubscriptionParams

PATH = "/v2/webhook_subscriptions"
ONE = PATH + "/{id}"

_page = page(WebhookSubscription, "subscriptions")
_one = one(WebhookSubscription, None)  # Qonto answers a subscription unwrapped


class _WebhookSubscriptions(Resource):
    @endpoint
    def list(
        self,
        *,
        page: int | None = None,
        per_page: int | None = None,
        options: RequestOptions | None = None,
    ) -> PreparedCall[Page[WebhookSubscription]]:
        """``GET /v2/webhook_subscriptions``."""
        return self._prepare("GET", PATH, _page, query=paging(page, per_page), options=options)

    @endpoint
    def get(
        self, subscription_id: str, *, options: RequestOptions | None = None
    ) -> PreparedCall[WebhookSubscription]:
        """``GET /v2/webhook_subscriptions/{id}``."""
        return self._prepare("GET", ONE, _one, path_params={"id": subscription_id}, options=options)

    @endpoint
    def create(
        self, params: WebhookSubscriptionParams, *, options: RequestOptions | None = None
    ) -> PreparedCall[WebhookSubscription]:
        """``POST /v2/webhook_subscriptions`` (one subscription per event type)."""
        return self._prepare("POST", PATH, _one, json_body=params, options=options)

    @endpoint
    def update(
        self,
        subscription_id: str,
        params: WebhookSubscriptionParams,
        *,
        options: RequestOptions | None = None,
    ) -> PreparedCall[WebhookSubscription]:
        """``PUT /v2/webhook_subscriptions/{id}`` (full replacement)."""
        return self._prepare(
            "PUT", ONE, _one, path_params={"id": subscription_id}, json_body=params, options=options
        )

    @endpoint
    def delete(
        self, subscription_id: str, *, options: RequestOptions | None = None
    ) -> PreparedCall[None]:
        """``DELETE /v2/webhook_subscriptions/{id}``."""
        return self._prepare(
            "DELETE", ONE, nothing, path_params={"id": subscription_id}, options=options
        )


class WebhookSubscriptions(SyncResource, _WebhookSubscriptions):
    pass


class AsyncWebhookSubscriptions(AsyncResource, _WebhookSubscriptions):
    pass
