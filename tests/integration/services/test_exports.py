"""``services.exports``: issued documents and matched payments over a period, as rows."""

from __future__ import annotations

from datetime import timedelta

from tests.integration.services.support import (
    SandboxClock,
    World,
    issue,
    service_items,
)
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.services import exports, invoicing


def test_issued_documents_of_the_period_are_exported(
    uow: SqlAlchemyUnitOfWork, gateway: QontoApiGateway, clock: SandboxClock, world: World
) -> None:
    actor = world.as_accountant
    issued = [
        issue(
            uow,
            gateway,
            clock,
            actor,
            invoicing.create_service_invoice(
                uow, gateway, clock, actor, world.customer.id, service_items()
            ).id,
        ).document
        for _ in range(2)
    ]
    draft = invoicing.create_service_invoice(
        uow, gateway, clock, actor, world.customer.id, service_items()
    )
    today = clock.today()
    rows = list(exports.document_rows(uow, today - timedelta(days=1), today + timedelta(days=1)))
    numbers = {row["number"] for row in rows}
    assert {d.number for d in issued} <= numbers
    assert all(row["local_id"] != str(draft.id) for row in rows)
    first = next(row for row in rows if row["number"] == issued[0].number)
    assert first["total_ttc"] == f"{issued[0].total_amount:.2f}"
    assert set(first) == set(exports.DOCUMENT_COLUMNS)
    later = list(exports.document_rows(uow, today + timedelta(days=1), today + timedelta(days=9)))
    assert not {row["number"] for row in later} & {d.number for d in issued}
    assert list(exports.payment_rows(uow, today, today)) == []
