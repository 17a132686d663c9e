"""Auto-paging, loop guards and the concurrent bulk mode of the Qonto client."""

from __future__ import annotations

import asyncio
import gc

import httpx
import pytest

from verone.qonto import (
    AsyncQontoClient,
    QontoPaginationError,
    RateBudget,
    TransactionFilters,
)
from verone.qonto._gc import cyclic_gc_paused
from verone.qonto._pagination import Page, afetch_all, fetch_all
from verone.qonto.types.pagination import PaginationMeta

from ._client_support import LOGIN, SECRET, json_reply, make_client, meta

FILTERS = TransactionFilters(bank_account_id="acc-1", per_page=2)


def _pages(total: int) -> dict[int, dict[str, object]]:
    return {
        n: {
            "transactions": [{"id": f"t{2 * n - 1}"}, {"id": f"t{2 * n}"}],
            "meta": meta(n, total),
        }
        for n in range(1, total + 1)
    }


def _server(pages: dict[int, dict[str, object]], seen: list[int]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        seen.append(number)
        return json_reply(200, pages[number])

    return httpx.MockTransport(handler)


class TestIter:
    def test_walks_every_page_in_order(self) -> None:
        seen: list[int] = []
        client, _ = make_client(_server(_pages(3), seen).handle_request)
        ids = [t.id for t in client.transactions.iter(FILTERS)]
        assert ids == ["t1", "t2", "t3", "t4", "t5", "t6"]
        assert seen == [1, 2, 3]

    def test_is_lazy(self) -> None:
        seen: list[int] = []
        client, _ = make_client(_server(_pages(3), seen).handle_request)
        iterator = client.transactions.iter(FILTERS)
        next(iterator)
        assert seen == [1]

    def test_refuses_a_server_that_ignores_the_page(self) -> None:
        pages = _pages(3)
        pages[2] = pages[1]
        client, _ = make_client(_server(pages, []).handle_request)
        with pytest.raises(QontoPaginationError, match="asked for page 2"):
            list(client.transactions.iter(FILTERS))

    def test_refuses_a_next_page_that_goes_back(self) -> None:
        pages = _pages(3)
        pages[2]["meta"] = {**meta(2, 3), "next_page": 1}
        client, _ = make_client(_server(pages, []).handle_request)
        with pytest.raises(QontoPaginationError, match="does not move past"):
            list(client.transactions.iter(FILTERS))

    def test_refuses_an_empty_page_that_promises_more(self) -> None:
        pages = _pages(3)
        pages[2]["transactions"] = []
        client, _ = make_client(_server(pages, []).handle_request)
        with pytest.raises(QontoPaginationError, match="empty"):
            list(client.transactions.iter(FILTERS))

    def test_page_cap(self) -> None:
        client, _ = make_client(_server(_pages(5), []).handle_request)
        with pytest.raises(QontoPaginationError, match="page cap"):
            list(client.transactions.iter(FILTERS, max_pages=3))

    def test_missing_next_page_on_a_middle_page_is_inferred(self) -> None:
        pages = _pages(2)
        pages[1]["meta"] = {k: v for k, v in meta(1, 2).items() if k != "next_page"}
        client, _ = make_client(_server(pages, []).handle_request)
        assert len(list(client.transactions.iter(FILTERS))) == 4


class TestBulk:
    def test_sync_bulk_fetches_every_page_once_in_order(self) -> None:
        seen: list[int] = []
        client, _ = make_client(_server(_pages(7), seen).handle_request)
        items = client.transactions.list_all(FILTERS, concurrency=4)
        assert [t.id for t in items] == [f"t{n}" for n in range(1, 15)]
        assert sorted(seen) == list(range(1, 8))
        assert seen[0] == 1

    def test_bulk_removes_items_shifted_onto_the_next_page(self) -> None:
        pages = _pages(2)
        pages[2]["transactions"] = [{"id": "t2"}, {"id": "t3"}]
        client, _ = make_client(_server(pages, []).handle_request)
        assert [t.id for t in client.transactions.list_all(FILTERS)] == ["t1", "t2", "t3"]

    def test_bulk_refuses_more_pages_than_the_cap(self) -> None:
        client, _ = make_client(_server(_pages(5), []).handle_request)
        with pytest.raises(QontoPaginationError, match="cap"):
            client.transactions.list_all(FILTERS, max_pages=4)

    def test_async_bulk_respects_the_concurrency(self) -> None:
        in_flight = 0
        peak = 0
        pages = _pages(9)

        async def handler(request: httpx.Request) -> httpx.Response:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            in_flight -= 1
            return json_reply(200, pages[int(request.url.params["page"])])

        async def run() -> list[str]:
            http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
            async with AsyncQontoClient(
                login=LOGIN, secret_key=SECRET, http_client=http, rate_budget=RateBudget([])
            ) as client:
                items = await client.transactions.list_all(FILTERS, concurrency=3)
            await http.aclose()
            return [t.id for t in items]

        ids = asyncio.run(run())
        assert ids == [f"t{n}" for n in range(1, 19)]
        assert peak == 3

    def test_async_iter(self) -> None:
        pages = _pages(2)

        async def run() -> list[str]:
            transport = httpx.MockTransport(
                lambda r: json_reply(200, pages[int(r.url.params["page"])])
            )
            http = httpx.AsyncClient(transport=transport)
            client = AsyncQontoClient(
                login=LOGIN, secret_key=SECRET, http_client=http, rate_budget=RateBudget([])
            )
            out = [t.id async for t in client.transactions.iter(FILTERS)]
            await http.aclose()
            return out

        assert asyncio.run(run()) == ["t1", "t2", "t3", "t4"]


class TestCyclicCollectorPause:
    def test_bulk_fetches_with_the_collector_paused_then_restores_it(self) -> None:
        seen: list[bool] = []

        def fetch(number: int) -> Page[str]:
            seen.append(gc.isenabled())
            return Page([f"t{number}"], PaginationMeta.model_validate(meta(number, 4)))

        assert gc.isenabled()
        assert fetch_all(fetch, concurrency=2) == ["t1", "t2", "t3", "t4"]
        assert seen == [False] * 4
        assert gc.isenabled()

    def test_the_collector_comes_back_after_an_error(self) -> None:
        def fetch(number: int) -> Page[str]:
            raise QontoPaginationError("boom")

        with pytest.raises(QontoPaginationError):
            fetch_all(fetch)
        assert gc.isenabled()

    def test_overlapping_pauses_resume_once_the_last_ends(self) -> None:
        outer = cyclic_gc_paused()
        inner = cyclic_gc_paused()
        outer.__enter__()
        inner.__enter__()
        outer.__exit__(None, None, None)
        assert not gc.isenabled()  # the other pause still runs
        inner.__exit__(None, None, None)
        assert gc.isenabled()

    def test_a_collector_the_application_disabled_stays_disabled(self) -> None:
        gc.disable()
        try:
            with cyclic_gc_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
        finally:
            gc.enable()

    def test_async_bulk_pauses_it_too(self) -> None:
        seen: list[bool] = []

        async def fetch(number: int) -> Page[str]:
            seen.append(gc.isenabled())
            await asyncio.sleep(0)
            return Page([f"t{number}"], PaginationMeta.model_validate(meta(number, 3)))

        assert asyncio.run(afetch_all(fetch, concurrency=2)) == ["t1", "t2", "t3"]
        assert seen == [False] * 3
        assert gc.isenabled()
