"""The async client shares the sync client's core: same retries, keys, errors and exports."""

from __future__ import annotations

import asyncio

import httpx
import pytest

import verone.qonto
from verone.qonto import (
    AsyncQontoClient,
    NotFound,
    QontoAmbiguousOutcome,
    RateBudget,
    RequestOptions,
    RetryPolicy,
)
from verone.qonto.types.clients import ClientCreateParams, ClientKind

from ._client_support import LOGIN, SECRET, FakeTime, Script, error_reply, json_reply

CLIENT = {"client": {"id": "c-1", "kind": "company", "name": "Meubles SA"}}


def _run(script: Script, call: str, retries: int = 3) -> tuple[object, FakeTime]:
    fake = FakeTime()

    async def sleep(seconds: float) -> None:
        fake.sleep(seconds)

    async def main() -> object:
        http = httpx.AsyncClient(transport=httpx.MockTransport(script))
        async with AsyncQontoClient(
            login=LOGIN,
            secret_key=SECRET,
            http_client=http,
            retry=RetryPolicy(max_retries=retries),
            rate_budget=RateBudget([]),
            sleep=sleep,
            clock=fake.clock,
        ) as client:
            params = ClientCreateParams(kind=ClientKind.COMPANY, name="Meubles SA")
            try:
                if call == "create":
                    return await client.clients.create(
                        params, options=RequestOptions(idempotency_key="k-9")
                    )
                return await client.clients.get("c-1")
            finally:
                assert not http.is_closed  # an injected client is not closed by us
                await http.aclose()

    return asyncio.run(main()), fake


def test_async_retries_with_the_same_key() -> None:
    script = Script([error_reply(503, "x", "y"), httpx.ReadTimeout("t"), json_reply(201, CLIENT)])
    result, fake = _run(script, "create")
    assert getattr(result, "id", None) == "c-1"
    assert [r.headers["X-Qonto-Idempotency-Key"] for r in script.requests] == ["k-9"] * 3
    assert len(fake.sleeps) == 2


def test_async_ambiguous_outcome() -> None:
    script = Script([httpx.ReadTimeout("t")])
    with pytest.raises(QontoAmbiguousOutcome) as caught:
        _run(script, "create", retries=1)
    assert caught.value.idempotency_key == "k-9"


def test_async_error_mapping() -> None:
    with pytest.raises(NotFound) as caught:
        _run(Script([error_reply(404, "not_found", "Not found")]), "get")
    assert caught.value.path == "/v2/clients/c-1"


def test_public_names_are_exactly_all_sorted() -> None:
    public = {name for name in dir(verone.qonto) if not name.startswith("_")}
    modules = {"resources", "types", "webhooks"}
    assert public - modules == set(verone.qonto.__all__)
    assert verone.qonto.__all__ == sorted(verone.qonto.__all__)
