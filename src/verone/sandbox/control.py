"""The control API under ``/_sandbox/`` for tests, demos and benchmarks (loopback only).

No Qonto credentials: reset, seed, clock, faults, features, rate limits, incoming transfers,
and read-outs of e-mails, webhook deliveries and recorded requests; snapshot and restore.
"""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from verone.sandbox import persistence
from verone.sandbox.banking.store import WIRE_CACHE_SIZE
from verone.sandbox.config import RateLimit
from verone.sandbox.deps import StateDep
from verone.sandbox.errors import QontoHTTPError
from verone.sandbox.faults import FaultConfig
from verone.sandbox.seeding.banking import seed_state

LOOPBACK = {"127.0.0.1", "::1", "localhost", "testclient"}


async def loopback_only(request: Request) -> None:
    host = request.client.host if request.client else ""
    if host not in LOOPBACK and not host.startswith("127."):
        raise QontoHTTPError(403, "forbidden", "The control API only answers loopback clients")


router = APIRouter(prefix="/_sandbox", dependencies=[Depends(loopback_only)])
JSON = dict[str, object]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeedBody(_Body):
    seed: int | None = None
    transactions: int | None = Field(default=None, ge=0, le=2_000_000)
    clients: int | None = Field(default=None, ge=0, le=100_000)
    invoices: int | None = Field(default=None, ge=0, le=200_000)


class AdvanceBody(_Body):
    seconds: float = Field(ge=0)


class LimitBody(_Body):
    requests: int = Field(ge=1)
    window_seconds: float = Field(gt=0)


class RateLimitsBody(_Body):
    limits: list[LimitBody]
    unauthorized: LimitBody | None = None


class TransferBody(_Body):
    amount: Decimal = Field(gt=0)
    reference: str
    counterparty_name: str
    iban: str | None = None
    counterparty_iban: str | None = None


def _clock(state: StateDep) -> JSON:
    return {
        "now": state.now().isoformat().replace("+00:00", "Z"),
        "offset_seconds": state.clock.offset_seconds,
    }


@router.post("/reset")
def reset(state: StateDep) -> JSON:
    state.reset()
    return {"status": "reset"}


@router.post("/seed")
def seed(body: SeedBody, state: StateDep) -> JSON:
    seed_state(
        state,
        seed=body.seed,
        transactions=body.transactions,
        clients=body.clients,
        invoices=body.invoices,
    )
    with state.lock:
        count = len(state.banking.all_transactions())
    return {"status": "seeded", "transactions": count}


@router.get("/clock")
async def get_clock(state: StateDep) -> JSON:
    return _clock(state)


@router.get("/status")
async def status(state: StateDep) -> JSON:
    """Sizes of the data set, and how many transactions already have their wire JSON cached."""
    with state.lock:
        banking = state.banking
        return {
            "transactions": len(banking.all_transactions()),
            "serialized_transactions": len(banking.wire_cache),
            "serialized_capacity": WIRE_CACHE_SIZE,
        }


@router.post("/clock/advance")
async def advance_clock(body: AdvanceBody, state: StateDep) -> JSON:
    state.clock.advance(body.seconds)
    return _clock(state)


@router.put("/faults")
async def put_faults(body: FaultConfig, state: StateDep) -> JSON:
    state.faults.configure(body)
    return body.model_dump()


@router.get("/faults")
async def get_faults(state: StateDep) -> JSON:
    return state.faults.config.model_dump()


@router.put("/features")
async def put_features(body: dict[str, bool], state: StateDep) -> JSON:
    with state.lock:
        state.features.update(body)
        return dict(state.features)


@router.put("/rate-limits")
async def put_rate_limits(body: RateLimitsBody, state: StateDep) -> JSON:
    state.set_rate_limits(tuple(RateLimit(b.requests, b.window_seconds) for b in body.limits))
    if body.unauthorized is not None:
        state.set_unauthorized_limit(
            RateLimit(body.unauthorized.requests, body.unauthorized.window_seconds)
        )
    return {
        "limits": [
            {"requests": r.requests, "window_seconds": r.window_seconds}
            for r in state.config.rate_limits
        ]
    }


@router.post("/incoming-transfer", status_code=201)
async def incoming_transfer(body: TransferBody, state: StateDep) -> JSON:
    with state.lock:
        try:
            txn_id = state.banking.book_incoming_transfer(
                body.amount,
                body.reference,
                body.counterparty_name,
                body.iban,
                now_ms=state.now_ms(),
                counterparty_iban=body.counterparty_iban,
            )
        except (KeyError, ValueError) as exc:
            raise QontoHTTPError(422, "invalid", str(exc).strip("'")) from None
    return {"transaction_id": txn_id}


@router.get("/emails")
async def emails(state: StateDep) -> JSON:
    with state.lock:
        return {"emails": list(state.invoicing.emails)}


@router.get("/webhook-deliveries")
async def webhook_deliveries(state: StateDep) -> JSON:
    return {"deliveries": list(state.webhooks.deliveries)}


@router.get("/requests")
async def requests(state: StateDep) -> JSON:
    return {"requests": list(state.requests)}


@router.post("/snapshot")
def snapshot(state: StateDep) -> JSON:
    data = state.to_snapshot()
    if state.config.state_file:
        persistence.save_state(state, state.config.state_file)
    return data


@router.post("/restore")
def restore(body: dict[str, object], state: StateDep) -> JSON:
    try:
        state.restore(body)
    except (KeyError, ValueError, TypeError, AssertionError) as exc:
        raise QontoHTTPError(422, "invalid", f"not a sandbox snapshot: {exc}") from None
    return {"status": "restored"}
