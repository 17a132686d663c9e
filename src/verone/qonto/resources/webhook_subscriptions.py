"""``webhook_subscriptions``: list, get, create, update (full replacement), delete."""

from __future__ import annotations

from verone.qonto._base import RequestOptions
from verone.qonto._pagination import MAX_PER_PAGE, Page, check_per_page
from verone.qonto.resources._resource import AsyncResource, SyncResource
from verone.qonto.resources._shared import nothing, one, page
from verone.qonto.types.webhooks import WebhookSubscription, WebhookSubscriptionParams

PATH = "/v2/webhook_subscriptions"
ONE = PATH + "/{id}"

_page = page(WebhookSubscription, "subscriptions")
_one = one(WebhookSubscription, None)  # Qonto answers a subscription unwrapped


class WebhookSubscriptions(SyncResource):
    def list(
        self,
        *,
        page: int | None = None,
        per_page: int | None = None,
        options: RequestOptions | None = None,
    ) -> Page[WebhookSubscription]:
        """``GET /v2/webhook_subscriptions``."""
        check_per_page(per_page, MAX_PER_PAGE)
        return self._call(
            "GET", PATH, _page, query={"page": page, "per_page": per_page}, options=options
        )

    def get(
        self, subscription_id: str, *, options: RequestOptions | None = None
    ) -> WebhookSubscription:
        """``GET /v2/webhook_subscriptions/{id}``."""
        return self._call("GET", ONE, _one, path_params={"id": subscription_id}, options=options)

    def create(
        self, params: WebhookSubscriptionParams, *, options: RequestOptions | None = None
    ) -> WebhookSubscription:
        """``POST /v2/webhook_subscriptions`` (one subscription per event type)."""
        return self._call("POST", PATH, _one, json_body=params, options=options)

    def update(
        self,
        subscription_id: str,
        params: WebhookSubscriptionParams,
        *,
        options: RequestOptions | None = None,
    ) -> WebhookSubscription:
        """``PUT /v2/webhook_subscriptions/{id}`` (full replacement)."""
        return self._call(
            "PUT", ONE, _one, path_params={"id": subscription_id}, json_body=params, options=options
        )

    def delete(self, subscription_id: str, *, options: RequestOptions | None = None) -> None:
        """``DELETE /v2/webhook_subscriptions/{id}``."""
        self._call("DELETE", ONE, nothing, path_params={"id": subscription_id}, options=options)


class AsyncWebhookSubscriptions(AsyncResource):
    async def list(
        self,
        *,
        page: int | None = None,
        per_page: int | None = None,
        options: RequestOptions | None = None,
    ) -> Page[WebhookSubscription]:
        """``GET /v2/webhook_subscriptions``."""
        check_per_page(per_page, MAX_PER_PAGE)
        return await self._call(
            "GET", PATH, _page, query={"page": page, "per_page": per_page}, options=options
        )

    async def get(
        self, subscription_id: str, *, options: RequestOptions | None = None
    ) -> WebhookSubscription:
        """``GET /v2/webhook_subscriptions/{id}``."""
        return await self._call(
            "GET", ONE, _one, path_params={"id": subscription_id}, options=options
        )

    async def create(
        self, params: WebhookSubscriptionParams, *, options: RequestOptions | None = None
    ) -> WebhookSubscription:
        """``POST /v2/webhook_subscriptions``."""
        return await self._call("POST", PATH, _one, json_body=params, options=options)

    async def update(
        self,
        subscription_id: str,
        params: WebhookSubscriptionParams,
        *,
        options: RequestOptions | None = None,
    ) -> WebhookSubscription:
        """``PUT /v2/webhook_subscriptions/{id}`` (full replacement)."""
        return await self._call(
            "PUT", ONE, _one, path_params={"id": subscription_id}, json_body=params, options=options
        )

    async def delete(self, subscription_id: str, *, options: RequestOptions | None = None) -> None:
        """``DELETE /v2/webhook_subscriptions/{id}``."""
        await self._call(
            "DELETE", ONE, nothing, path_params={"id": subscription_id}, options=options
        )
