"""Crash recovery: a real process running "invoice from order" is killed (SIGKILL) at each
step; ``settle_outbox`` then finishes its work, and the user's retry is refused or completes.
Exactly one Qonto draft and one local document per order, whatever the step.

The process is a tiny driver written here: it wraps the unit of work and the gateway and kills
itself at the step named by ``CRASH_AT`` (no crash hooks in the product). The sandbox runs as a
real server in this process, so its state survives the killed driver.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from tests.integration.services.support import (
    SandboxClock,
    World,
    add_order,
    make_client,
    private_postgres_schema,
    sandbox_state,
    seed_world,
    served_sandbox,
)
from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.session import make_engine, make_session_factory
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.services import invoicing
from verone.backoffice.services.outbox.clients import ensure_qonto_client
from verone.backoffice.services.outbox.recovery import settle_outbox
from verone.sandbox.state import SandboxState

pytestmark = pytest.mark.slow

STEPS = ["before_outbox_commit", "after_outbox_commit", "after_qonto_call", "after_local_insert"]

DRIVER = textwrap.dedent(
    '''
    """Run create_invoice_from_order and SIGKILL this process at the step CRASH_AT."""
    import os
    import signal
    import uuid
    from datetime import UTC, datetime

    from pydantic import SecretStr

    from verone.backoffice.db.session import make_engine, make_session_factory
    from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
    from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
    from verone.backoffice.services import invoicing
    from verone.backoffice.services.actors import Actor
    from verone.qonto import QontoSettings, get_qonto_client

    STEP = os.environ["CRASH_AT"]


    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)


    class Clock:
        def now(self):
            return datetime.now(UTC)

        def today(self):
            return self.now().date()


    class CrashingUnitOfWork(SqlAlchemyUnitOfWork):
        commits = 0

        def commit(self) -> None:
            CrashingUnitOfWork.commits += 1
            first = CrashingUnitOfWork.commits == 1
            if STEP == "before_outbox_commit" and first:
                die()
            super().commit()
            if STEP == "after_outbox_commit" and first:
                die()
            if STEP == "after_local_insert" and CrashingUnitOfWork.commits == 2:
                die()


    class CrashingGateway(QontoApiGateway):
        def create_draft(self, *args, **kwargs):
            remote = super().create_draft(*args, **kwargs)
            if STEP == "after_qonto_call":
                die()
            return remote


    settings = QontoSettings(
        organization_id="verone-4819",
        api_key=SecretStr("sandbox-secret-key"),
        base_url=os.environ["SANDBOX_URL"],
    )
    uow = CrashingUnitOfWork(make_session_factory(make_engine(os.environ["DATABASE_URL"])))
    gateway = CrashingGateway(get_qonto_client(settings))
    invoicing.create_invoice_from_order(
        uow,
        gateway,
        Clock(),
        Actor.interactive(uuid.UUID(os.environ["USER_ID"])),
        uuid.UUID(os.environ["ORDER_ID"]),
    )
    print("completed")
    '''
)


@pytest.fixture
def live_sandbox() -> Iterator[tuple[SandboxState, str]]:
    state = sandbox_state()
    with served_sandbox(state) as base_url:
        yield state, base_url
    state.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crash.db'}"
        upgrade_database(url)
        yield url
        return
    with private_postgres_schema() as url:
        yield url


def qonto_invoices(http: httpx.Client) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    page = 1
    while True:
        response = http.get(
            "/v2/client_invoices",
            params={"page": page, "per_page": 100},
            headers={"Authorization": "verone-4819:sandbox-secret-key"},
        )
        response.raise_for_status()
        body = response.json()
        found.extend(body["client_invoices"])
        if body["meta"]["next_page"] is None:
            return found
        page += 1


def test_killed_at_each_step_then_settled_gives_one_draft_and_one_document(
    live_sandbox: tuple[SandboxState, str], database_url: str, tmp_path: Path
) -> None:
    state, base_url = live_sandbox
    engine = make_engine(database_url)
    try:
        check_recovery(
            state,
            base_url,
            SqlAlchemyUnitOfWork(make_session_factory(engine)),
            database_url,
            tmp_path,
        )
    finally:
        engine.dispose()


def kill_at_each_step(
    driver: Path, base_url: str, database_url: str, user_id: str, orders: dict[str, str]
) -> None:
    """One driver process per step (each on its own order), run side by side."""
    processes = {
        step: subprocess.Popen(  # noqa: S603  # our own driver script
            [sys.executable, str(driver)],
            env={
                **os.environ,
                "CRASH_AT": step,
                "SANDBOX_URL": base_url,
                "DATABASE_URL": database_url,
                "USER_ID": user_id,
                "ORDER_ID": order_id,
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for step, order_id in orders.items()
    }
    for step, process in processes.items():
        _out, err = process.communicate(timeout=120)
        assert process.returncode == -signal.SIGKILL, f"{step}: {err}"


def check_recovery(
    state: SandboxState,
    base_url: str,
    uow: SqlAlchemyUnitOfWork,
    database_url: str,
    tmp_path: Path,
) -> None:
    clock = SandboxClock(state)
    with httpx.Client(base_url=base_url, timeout=10) as http:
        gateway = QontoApiGateway(make_client(http, base_url), now=clock.now)
        world: World = seed_world(uow, clock.now())
        ensure_qonto_client(uow, gateway, clock, world.customer.id)
        orders = {step: add_order(uow, world.customer, clock.now()) for step in STEPS}
        driver = tmp_path / "driver.py"
        driver.write_text(DRIVER)
        kill_at_each_step(
            driver,
            base_url,
            database_url,
            str(world.accountant.id),
            {step: str(order.id) for step, order in orders.items()},
        )

        settle_outbox(uow, gateway, clock, min_age=timedelta(0))
        for order in orders.values():
            try:  # the user, seeing no invoice or an error, tries again
                invoicing.create_invoice_from_order(
                    uow, gateway, clock, world.as_accountant, order.id
                )
            except errors.OverInvoicing:
                pass

        invoices = qonto_invoices(http)
        with uow:
            assert uow.outbox.list_unsettled() == []
            for step, order in orders.items():
                documents = uow.documents.by_order(order.id)
                assert len(documents) == 1, step
                (document,) = documents
                assert document.status is DocumentStatus.DRAFT, step
                assert document.qonto_id is not None, step
                drafts = [i for i in invoices if i["id"] == document.qonto_id]
                assert len(drafts) == 1, step
                assert drafts[0]["status"] == "draft"
                assert drafts[0].get("purchase_order") is None, step  # nothing technical printed
            for invoice in invoices:  # no orphan draft anywhere in Qonto
                assert uow.documents.by_qonto_id(DocumentType.INVOICE, str(invoice["id"]))
        assert len(invoices) == len(STEPS)
