"""« Intégration Qonto » at a glance: is Qonto answering the configured credentials, the
Qonto writes that need attention, the last sync runs. ``integration_overview(uow, gateway,
setup)``; the checks themselves are ``services.diagnostics``, the settle ``outbox.recovery``.
"""

from __future__ import annotations

from dataclasses import dataclass

from verone.backoffice.domain import errors
from verone.backoffice.domain.operations import OutboxEntry, SyncRun
from verone.backoffice.ports import QontoGateway, QontoReachability, UnitOfWork
from verone.backoffice.services.diagnostics import QontoSetup

RECENT_RUNS = 10
OUTBOX_SHOWN = 50


@dataclass(frozen=True, slots=True)
class IntegrationOverview:
    setup: QontoSetup
    reach: QontoReachability | None
    failure: errors.QontoFailure | None
    outbox: list[OutboxEntry]
    runs: list[SyncRun]
    unprocessed_webhooks: int

    @property
    def healthy(self) -> bool:
        return self.reach is not None


def integration_overview(
    uow: UnitOfWork, gateway: QontoGateway, setup: QontoSetup
) -> IntegrationOverview:
    """One read of Qonto (the organization) and the local operations tables."""
    reach: QontoReachability | None = None
    failure: errors.QontoFailure | None = None
    try:
        reach = gateway.probe_organization()
    except errors.QontoFailure as exc:
        failure = exc
    with uow:
        outbox = uow.outbox.needing_attention(OUTBOX_SHOWN)
        runs = uow.sync.recent_runs(RECENT_RUNS)
        waiting = len(uow.webhook_events.unprocessed())
    return IntegrationOverview(setup, reach, failure, outbox, runs, waiting)
