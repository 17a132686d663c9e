"""A customer's change reaches its Qonto client through the outbox (``update_client``): the
local row changes only once Qonto took it, a refusal changes nothing, a lost answer is
finished by the recovery; and a client find-or-create that finds another customer's Qonto
client fails clearly instead of breaking the unique index.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from tests.integration.services.support import (
    SandboxClock,
    World,
    make_customer,
    recorded,
    sandbox_state,
    seed_world,
    served_sandbox,
)
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.operations import OutboxStatus
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.services import catalog
from verone.backoffice.services.outbox.clients import ensure_qonto_client
from verone.backoffice.services.outbox.recovery import settle_outbox
from verone.backoffice.services.outbox.write import Operation, record_intent
from verone.qonto import QontoClient, RetryPolicy
from verone.sandbox.state import SandboxState

AUTH = {"Authorization": "verone-4819:sandbox-secret-key"}


@pytest.fixture
def live() -> Iterator[tuple[SandboxState, httpx.Client, QontoApiGateway]]:
    state = sandbox_state(pdf_delay_seconds=0.0)
    with served_sandbox(state) as base_url, httpx.Client(base_url=base_url) as http:
        client = QontoClient(
            login="verone-4819",
            secret_key="sandbox-secret-key",
            base_url=base_url,
            retry=RetryPolicy(max_retries=0),
            http_client=http,
        )
        yield state, http, QontoApiGateway(client, now=state.clock.now)
    state.close()


def _remote(http: httpx.Client, client_id: str) -> dict[str, object]:
    client = http.get(f"/v2/clients/{client_id}", headers=AUTH).json()["client"]
    assert isinstance(client, dict)
    return client


def _patches(http: httpx.Client, client_id: str) -> list[dict[str, object]]:
    path = f"/v2/clients/{client_id}"
    return [r for r in recorded(http) if r["method"] == "PATCH" and r["path"] == path]


def _audits(uow: SqlAlchemyUnitOfWork, world: World) -> list[str]:
    with uow:
        return [
            e.action
            for e in uow.audit.for_entity("customer", str(world.customer.id))
            if e.action == "customer.update"
        ]


def _linked(
    uow: SqlAlchemyUnitOfWork, gateway: QontoApiGateway, clock: SandboxClock, world: World
) -> str:
    return ensure_qonto_client(uow, gateway, clock, world.customer.id)


def test_without_a_qonto_client_the_change_is_local_and_audited(
    uow: SqlAlchemyUnitOfWork,
    live: tuple[SandboxState, httpx.Client, QontoApiGateway],
) -> None:
    state, http, gateway = live
    clock = SandboxClock(state)
    world = seed_world(uow, clock.now())

    changed = catalog.update_customer(
        uow, gateway, clock, world.as_accountant, world.customer.id, {"billing_city": "Lyon"}
    )

    assert changed.billing_city == "Lyon"
    assert [r for r in recorded(http) if r["method"] == "PATCH"] == []
    with uow:
        assert uow.outbox.list_unsettled() == []
    assert _audits(uow, world) == ["customer.update"]
    with pytest.raises(errors.InvalidDocument, match="raison sociale"):
        catalog.update_customer(
            uow, gateway, clock, world.as_accountant, world.customer.id, {"company_name": None}
        )


def test_the_change_reaches_the_qonto_client_then_the_mirror(
    uow: SqlAlchemyUnitOfWork,
    live: tuple[SandboxState, httpx.Client, QontoApiGateway],
) -> None:
    state, http, gateway = live
    clock = SandboxClock(state)
    world = seed_world(uow, clock.now())
    client_id = _linked(uow, gateway, clock, world)

    changed = catalog.update_customer(
        uow,
        gateway,
        clock,
        world.as_accountant,
        world.customer.id,
        {"company_name": "Dupont & Fils", "billing_city": "Lyon", "vat_number": None},
    )

    assert changed.company_name == "Dupont & Fils"
    remote = _remote(http, client_id)
    assert remote["name"] == "Dupont & Fils"
    assert remote["vat_number"] is None
    assert (remote["billing_address"] or {})["city"] == "Lyon"  # type: ignore[index]
    (patch,) = _patches(http, client_id)
    with uow:
        assert uow.outbox.list_unsettled() == []
        stored = uow.customers.get(world.customer.id)
        assert stored is not None
        assert stored.billing_city == "Lyon"
        assert stored.missing_for_invoicing() == []  # the SIREN still identifies it
    assert _audits(uow, world) == ["customer.update"]
    assert patch["idempotency_key"]


def test_a_refusal_changes_nothing_and_says_why(
    uow: SqlAlchemyUnitOfWork,
    live: tuple[SandboxState, httpx.Client, QontoApiGateway],
) -> None:
    state, http, gateway = live
    clock = SandboxClock(state)
    world = seed_world(uow, clock.now())
    client_id = _linked(uow, gateway, clock, world)

    with pytest.raises(errors.QontoRejected) as refused:
        catalog.update_customer(
            uow,
            gateway,
            clock,
            world.as_accountant,
            world.customer.id,
            {"company_name": "Renommé", "currency": "ZZZ"},  # Qonto refuses the currency
        )

    assert refused.value.message
    assert _remote(http, client_id)["name"] == "Atelier Dupont"
    with uow:
        stored = uow.customers.get(world.customer.id)
        assert stored is not None
        assert (stored.company_name, stored.currency) == ("Atelier Dupont", "EUR")
        assert uow.outbox.list_unsettled() == []
    assert _audits(uow, world) == []
    # the next change goes through (the failed entry holds nothing)
    catalog.update_customer(
        uow, gateway, clock, world.as_accountant, world.customer.id, {"company_name": "Renommé"}
    )
    assert _remote(http, client_id)["name"] == "Renommé"


@pytest.mark.parametrize("past_the_window", [False, True])
def test_a_lost_answer_is_finished_by_the_recovery(
    uow: SqlAlchemyUnitOfWork,
    live: tuple[SandboxState, httpx.Client, QontoApiGateway],
    past_the_window: bool,
) -> None:
    state, http, gateway = live
    clock = SandboxClock(state)
    world = seed_world(uow, clock.now())
    client_id = _linked(uow, gateway, clock, world)
    path = f"/v2/clients/{client_id}"
    lost = {"rules": [{"method": "PATCH", "path": path, "timeout_after_commit_rate": 1.0}]}
    http.put("/_sandbox/faults", json=lost).raise_for_status()
    with pytest.raises(errors.QontoOutcomeUnknown):
        catalog.update_customer(
            uow, gateway, clock, world.as_accountant, world.customer.id, {"billing_city": "Nantes"}
        )
    http.put("/_sandbox/faults", json={"rules": []}).raise_for_status()
    with uow:
        (entry,) = uow.outbox.list_unsettled()
        assert entry.operation == "update_client"
        stored = uow.customers.get(world.customer.id)
        assert stored is not None
        assert stored.billing_city == "Paris"  # not before Qonto's word
    with pytest.raises(catalog.ClientUpdateInFlight):
        catalog.update_customer(
            uow, gateway, clock, world.as_accountant, world.customer.id, {"billing_city": "Brest"}
        )
    if past_the_window:
        clock.advance(31 * 60)

    report = settle_outbox(uow, gateway, clock, min_age=timedelta(0))

    assert report.succeeded == [entry.id]
    assert (_remote(http, client_id)["billing_address"] or {})["city"] == "Nantes"  # type: ignore[index]
    assert {str(r["idempotency_key"]) for r in _patches(http, client_id)} == {entry.idempotency_key}
    with uow:
        stored = uow.customers.get(world.customer.id)
        assert stored is not None
        assert stored.billing_city == "Nantes"
        settled = uow.outbox.get(entry.id)
        assert settled is not None
        assert settled.status is OutboxStatus.SUCCEEDED
    assert _audits(uow, world) == ["customer.update"]


def test_recovering_a_find_that_lands_on_another_customers_client_fails_clearly(
    uow: SqlAlchemyUnitOfWork,
    live: tuple[SandboxState, httpx.Client, QontoApiGateway],
) -> None:
    state, _http, gateway = live
    clock = SandboxClock(state)
    world = seed_world(uow, clock.now())
    client_id = _linked(uow, gateway, clock, world)
    twin = make_customer("Dupont Bis")
    twin.email = world.customer.email  # Qonto finds the first customer's client by e-mail
    with uow:
        uow.customers.add(twin)
        uow.commit()
    with uow:  # a process killed right after committing the twin's find-or-create intent
        entry = record_intent(
            uow,
            clock,
            Operation.CREATE_CLIENT,
            document_id=None,
            context={"customer_id": str(twin.id)},
        )
        uow.commit()

    report = settle_outbox(uow, gateway, clock, min_age=timedelta(0))  # no IntegrityError

    assert report.failed == [entry.id]
    with uow:
        failed = uow.outbox.get(entry.id)
        assert failed is not None
        assert failed.status is OutboxStatus.FAILED
        assert "déjà lié à un autre client" in (failed.error or "")
        assert uow.customers.get(twin.id).qonto_client_id is None  # type: ignore[union-attr]
        assert uow.customers.get(world.customer.id).qonto_client_id == client_id  # type: ignore[union-attr]
    # the live find-or-create refuses the same way, and its entry is settled
    with pytest.raises(errors.QontoRejected, match="déjà lié"):
        ensure_qonto_client(uow, gateway, clock, twin.id)
    with uow:
        assert uow.outbox.list_unsettled() == []
