"""``GET /v2/bank_accounts`` (paginated) and ``GET /v2/bank_accounts/{id}``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from verone.qonto.types.organization import BankAccountEnvelope, BankAccountList
from verone.sandbox.banking.wire import account_wire
from verone.sandbox.deps import StateDep
from verone.sandbox.errors import QontoHTTPError
from verone.sandbox.pagination import paginate
from verone.sandbox.wire import build, dump

router = APIRouter()


@router.get("/v2/bank_accounts")
async def list_bank_accounts(
    state: StateDep, page: int | None = None, per_page: int | None = None
) -> JSONResponse:
    with state.lock:
        banking = state.banking
        rows, meta = paginate(banking.organization.bank_accounts, page, per_page)
        answer = build(
            BankAccountList, bank_accounts=[account_wire(banking, a) for a in rows], meta=meta
        )
    return JSONResponse(dump(answer))


@router.get("/v2/bank_accounts/{account_id}")
async def get_bank_account(account_id: str, state: StateDep) -> JSONResponse:
    with state.lock:
        account = state.banking.account(account_id)
        if account is None:
            raise QontoHTTPError(404, "not_found", "Not found")
        answer = build(BankAccountEnvelope, bank_account=account_wire(state.banking, account))
    return JSONResponse(dump(answer))
