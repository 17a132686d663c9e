"""``/v2/webhook_subscriptions``: single objects unwrapped, the list under ``subscriptions``."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response

from verone.qonto.types.webhooks import WebhookSubscriptionList
from verone.sandbox.deps import StateDep
from verone.sandbox.errors import QontoHTTPError
from verone.sandbox.pagination import paginate
from verone.sandbox.state import SandboxState
from verone.sandbox.webhooks import Subscription
from verone.sandbox.wire import build, dump

router = APIRouter()
PATH = "/v2/webhook_subscriptions"


async def _body(request: Request) -> tuple[str, list[str], str | None, str | None]:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        raise QontoHTTPError(400, "bad_request", "malformed JSON body") from None
    if not isinstance(data, dict):
        raise QontoHTTPError(400, "bad_request", "the body must be a JSON object")
    callback = data.get("callback_url")
    if not isinstance(callback, str) or not callback:
        raise QontoHTTPError(400, "bad_request", "CallbackURL is missing", pointer="/callback_url")
    if not callback.startswith(("http://", "https://")):
        raise QontoHTTPError(
            422, "invalid", "callback_url must be an http(s) URL", pointer="/callback_url"
        )
    types = data.get("types")
    if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
        raise QontoHTTPError(
            422, "invalid", "types must be a non-empty list of event types", pointer="/types"
        )
    secret, description = data.get("secret"), data.get("description")
    return (
        callback,
        [str(t) for t in types],
        secret if isinstance(secret, str) and secret else None,
        description if isinstance(description, str) else None,
    )


def _render(state: SandboxState, sub: Subscription) -> dict[str, object]:
    return dump(state.webhooks.wire(sub))


def _find(state: SandboxState, subscription_id: str) -> Subscription:
    sub = state.webhooks.subscriptions.get(subscription_id)
    if sub is None:
        raise QontoHTTPError(404, "not_found", "Not found")
    return sub


@router.get(PATH)
async def list_subscriptions(
    state: StateDep, page: int | None = None, per_page: int | None = None
) -> dict[str, object]:
    with state.lock:
        rows, meta = paginate(list(state.webhooks.subscriptions.values()), page, per_page)
        subscriptions = [state.webhooks.wire(s) for s in rows]
        return dump(build(WebhookSubscriptionList, subscriptions=subscriptions, meta=meta))


@router.post(PATH, status_code=201)
async def create_subscription(request: Request, state: StateDep) -> dict[str, object]:
    callback, types, secret, description = await _body(request)
    with state.lock:
        return _render(state, state.webhooks.subscribe(callback, types, secret, description))


@router.get(PATH + "/{subscription_id}")
async def get_subscription(subscription_id: str, state: StateDep) -> dict[str, object]:
    with state.lock:
        return _render(state, _find(state, subscription_id))


@router.put(PATH + "/{subscription_id}")
async def replace_subscription(
    subscription_id: str, request: Request, state: StateDep
) -> dict[str, object]:
    with state.lock:
        _find(state, subscription_id)
    callback, types, secret, description = await _body(request)
    with state.lock:
        sub = _find(state, subscription_id)
        return _render(state, state.webhooks.replace(sub, callback, types, secret, description))


@router.delete(PATH + "/{subscription_id}", status_code=204)
async def delete_subscription(subscription_id: str, state: StateDep) -> Response:
    with state.lock:
        _find(state, subscription_id)
        del state.webhooks.subscriptions[subscription_id]
    return Response(status_code=204)
