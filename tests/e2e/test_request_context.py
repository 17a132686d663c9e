"""The request context (``edge/context.py``): who the actor is for each way of calling, the
role and finalize checks, one unit of work per request, and the use-case call it makes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from tests.e2e.conftest import CSRF_HEADER, PASSWORD, Stack
from verone.backoffice.app import create_app
from verone.backoffice.bootstrap import Container
from verone.backoffice.config import Settings
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.edge.context import (
    AccountantContext,
    FinalizerContext,
    PublicContext,
    UserContext,
)
from verone.backoffice.edge.runtime import RequestUnitOfWork
from verone.backoffice.ports import Clock, QontoGateway, UnitOfWork
from verone.backoffice.services.actors import Actor


def _probe_router() -> APIRouter:
    router = APIRouter(prefix="/api/probe")  # JSON paths: the pages answer HTML

    @router.get("/user")
    def user(ctx: UserContext, uow: RequestUnitOfWork) -> dict[str, object]:
        return {
            "kind": str(ctx.actor.kind),
            "userId": str(ctx.actor.user_id),
            "sameUnitOfWork": uow is ctx.uow,
            "unitOfWork": id(ctx.uow),
        }

    @router.post("/accountant")
    def accountant(ctx: AccountantContext) -> dict[str, object]:
        return {"kind": str(ctx.actor.kind)}

    @router.post("/finalizer")
    def finalizer(ctx: FinalizerContext) -> dict[str, object]:
        return {"kind": str(ctx.actor.kind)}

    @router.get("/public")
    def public(ctx: PublicContext) -> dict[str, object]:
        return {"principal": ctx.principal is not None}

    @router.get("/public-actor")
    def public_actor(ctx: PublicContext) -> dict[str, object]:
        return {"kind": str(ctx.actor.kind)}

    return router


@pytest.fixture
def probe(stack: Stack) -> Iterator[TestClient]:
    app = create_app(stack.container, run_jobs=False)
    app.include_router(_probe_router())
    with TestClient(app) as client:
        yield client


def _login(client: TestClient, email: str) -> None:
    answer = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    client.headers[CSRF_HEADER] = answer.json()["csrfToken"]


def test_a_session_is_an_interactive_actor(stack: Stack, probe: TestClient) -> None:
    _login(probe, stack.users.accountant.email)
    body = probe.get("/api/probe/user").json()
    assert body["kind"] == "interactive"
    assert body["userId"] == str(stack.users.accountant.id)
    assert probe.post("/api/probe/accountant").json() == {"kind": "interactive"}
    assert probe.post("/api/probe/finalizer").json() == {"kind": "interactive"}


def test_an_api_token_is_an_api_token_actor_that_cannot_finalize(
    stack: Stack, probe: TestClient
) -> None:
    probe.headers["Authorization"] = f"Bearer {stack.accountant_token}"
    body = probe.get("/api/probe/user").json()
    assert body["kind"] == "api_token"
    assert body["userId"] == str(stack.users.accountant.id)
    assert probe.post("/api/probe/accountant").json() == {"kind": "api_token"}
    refused = probe.post("/api/probe/finalizer")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"


def test_roles_and_csrf_are_checked_before_the_route_runs(stack: Stack, probe: TestClient) -> None:
    _login(probe, stack.users.viewer.email)
    assert probe.get("/api/probe/user").json()["kind"] == "interactive"
    refused = probe.post("/api/probe/accountant")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    del probe.headers[CSRF_HEADER]
    assert probe.post("/api/probe/accountant").json()["error"]["code"] == "csrf_failed"


def test_no_credentials_is_401_and_a_public_route_has_no_actor(probe: TestClient) -> None:
    answer = probe.get("/api/probe/user")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert probe.get("/api/probe/public").json() == {"principal": False}
    # a public route that asks for the actor is refused, not served as someone
    assert probe.get("/api/probe/public-actor").status_code == 401
    bad = probe.get("/api/probe/user", headers={"Authorization": "Bearer vrn_not-a-token"})
    assert bad.json()["error"]["code"] == "invalid_token"


def test_one_unit_of_work_per_request(stack: Stack, probe: TestClient) -> None:
    _login(probe, stack.users.viewer.email)
    first = probe.get("/api/probe/user").json()
    second = probe.get("/api/probe/user").json()
    assert first["sameUnitOfWork"] is True
    assert first["unitOfWork"] != second["unitOfWork"]


def _counting(container: Container, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    made: list[object] = []
    build = container.unit_of_work

    def counted() -> SqlAlchemyUnitOfWork:
        uow = build()
        made.append(uow)
        return uow

    monkeypatch.setattr(container, "unit_of_work", counted)
    return made


def test_a_real_route_authenticates_reads_and_writes_through_one_unit_of_work(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    with stack.login(stack.users.accountant.email) as client:
        customer = client.get("/api/customers", params={"perPage": 1}).json()["items"][0]
        made = _counting(stack.container, monkeypatch)
        read = client.get(f"/api/customers/{customer['id']}")
        assert read.status_code == 200
        assert len(made) == 1  # authentication and the lookup
        sku = f"CTX-{uuid.uuid4().hex[:8]}"
        product = {"sku": sku, "name": "Probe", "unitPrice": "10.00", "vatRate": "0.2"}
        created = client.post("/api/products", json=product)
        assert created.status_code == 201, created.text
        assert len(made) == 2  # authentication, the service call and the route's audit entry
    with stack.container.unit_of_work() as uow:
        entries = uow.audit.for_entity("api_route", "/api/products")
    assert any(e.details.get("status") == 201 for e in entries)


def test_not_ready_is_503_in_the_envelope(stack: Stack) -> None:
    settings: Settings = stack.container.settings
    app = create_app(settings, run_jobs=False)
    app.include_router(_probe_router())
    client = TestClient(app)  # no lifespan: the container is not built yet
    answer = client.get("/api/probe/public")
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "not_ready"


class _Recorded:
    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []


def test_call_passes_the_request_collaborators_in_the_services_order(
    stack: Stack, probe: TestClient
) -> None:
    recorded = _Recorded()

    def use_case(
        uow: UnitOfWork, gateway: QontoGateway, clock: Clock, actor: Actor, value: int, *, k: str
    ) -> date:
        recorded.calls.append((uow, gateway, clock, actor, value, k))
        return clock.today()

    def local_use_case(uow: UnitOfWork, clock: Clock, actor: Actor, value: int) -> int:
        recorded.calls.append((uow, clock, actor, value))
        return value + 1

    app: FastAPI = probe.app  # type: ignore[assignment]  # TestClient keeps the ASGI app

    @app.post("/api/probe/call")
    def call(ctx: AccountantContext) -> dict[str, object]:
        today = ctx.call(use_case, 7, k="x")
        after = ctx.call_local(local_use_case, 41)
        assert recorded.calls[0][:4] == (ctx.uow, ctx.gateway, ctx.clock, ctx.actor)
        assert recorded.calls[1][:3] == (ctx.uow, ctx.clock, ctx.actor)
        return {"today": today.isoformat(), "after": after, "args": list(recorded.calls[0][4:])}

    _login(probe, stack.users.accountant.email)
    answer = probe.post("/api/probe/call")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "today": stack.clock.today().isoformat(),
        "after": 42,
        "args": [7, "x"],
    }
    assert stack.container.gateway is recorded.calls[0][1]


def test_the_live_api_still_answers_through_the_context(accountant: httpx.Client) -> None:
    answer = accountant.get("/auth/me")
    assert answer.status_code == 200
    assert answer.json()["viaApiToken"] is False
