"""``/v2/transactions``: one account's movements, filtered, sorted and paginated.

Records stay compact in the store; each row's wire JSON (``dumps`` of its model) is built
once and cached until the row changes, so a page is a join of cached bytes. ``includes[]``
(``labels``, ``attachments``) adds those fields, rendered per request.
"""

from __future__ import annotations

import asyncio
import json

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import QueryParams

from verone.qonto.types.transactions import Transaction as TransactionWire
from verone.qonto.types.transactions import (
    TransactionEnvelope,
    TransactionLabel,
    TransactionUpdateParams,
)
from verone.sandbox.banking.store import Transaction, TxnFilter
from verone.sandbox.banking.wire import (
    INCLUDES,
    attachment_wire,
    transaction_bytes,
    transaction_wire,
)
from verone.sandbox.deps import StateDep, get_state
from verone.sandbox.errors import QontoHTTPError, refused
from verone.sandbox.pagination import paginate
from verone.sandbox.query import parse_datetime, parse_int
from verone.sandbox.state import SandboxState
from verone.sandbox.wire import assemble, build, dump, dumps

router = APIRouter()

STATUSES = {"pending", "declined", "completed"}
SIDES = {"credit", "debit"}
DATE_FIELDS = ("settled_at", "updated_at", "emitted_at", "created_at")
SORT_FIELDS = {"settled_at", "updated_at"}


async def warm_wire_cache(state: SandboxState, chunk: int = 256) -> int:
    """Serialize every row ahead of its first listing, one chunk at a time between requests.

    Started with the application; rows it has not reached yet are serialized on demand, and a
    reset or restore (a new store) ends it. Returns how many rows it visited.
    """
    banking = state.banking
    rows = banking.all_transactions()
    for start in range(0, len(rows), chunk):
        with state.lock:
            if state.banking is not banking or banking.wire_cache_full:
                return start
            for txn in rows[start : start + chunk]:
                transaction_bytes(banking, txn)
        await asyncio.sleep(0)
    return len(rows)


def _list_param(params: QueryParams, name: str) -> list[str]:
    return params.getlist(f"{name}[]") + params.getlist(name)


def _int_param(params: QueryParams, *names: str) -> int | None:
    for name in names:
        raw = params.get(name)
        if raw is not None:
            return parse_int(raw, name)
    return None


def _millis(params: QueryParams, name: str) -> int | None:
    raw = params.get(name)
    return None if raw is None else int(parse_datetime(raw, name).timestamp() * 1000)


def _resolve_account(state: SandboxState, params: QueryParams) -> str:
    account_id, iban = params.get("bank_account_id"), params.get("iban")
    account = (
        state.banking.account(account_id)
        if account_id
        else state.banking.account_by_iban(iban)
        if iban
        else None
    )
    if account is None:
        name = "bank_account_id" if account_id or not iban else "iban"
        detail = "bank_account_id or iban is required" if not (account_id or iban) else "not found"
        raise QontoHTTPError(
            422 if not (account_id or iban) else 404,
            "invalid" if not (account_id or iban) else "not_found",
            detail,
            parameter=name,
        )
    return account.id


def _time_range(attr: str, low: int | None, high: int | None) -> TxnFilter:
    lowest = -(1 << 62) if low is None else low
    highest = 1 << 62 if high is None else high

    def check(txn: Transaction) -> bool:
        value = getattr(txn, attr)
        return isinstance(value, int) and lowest <= value <= highest

    return check


def _filters(params: QueryParams) -> list[TxnFilter]:
    predicates: list[TxnFilter] = []
    statuses = set(_list_param(params, "status"))
    if statuses - STATUSES:
        raise QontoHTTPError(422, "invalid", "unknown status", parameter="status[]")
    if statuses:
        predicates.append(lambda t: t.status in statuses)
    side = params.get("side")
    if side is not None:
        if side not in SIDES:
            raise QontoHTTPError(422, "invalid", "side must be credit or debit", parameter="side")
        predicates.append(lambda t: t.side == side)
    operations = set(_list_param(params, "operation_type"))
    if operations:
        predicates.append(lambda t: t.operation_type in operations)
    with_attachments = params.get("with_attachments")
    if with_attachments is not None:
        wanted = with_attachments.lower() in ("true", "1")
        predicates.append(lambda t: bool(t.attachment_ids) == wanted)
    for field in ("updated_at", "emitted_at", "created_at"):
        low, high = _millis(params, f"{field}_from"), _millis(params, f"{field}_to")
        if low is not None or high is not None:
            predicates.append(_time_range(field.replace("_at", "_ms"), low, high))
    return predicates


def _sort(params: QueryParams) -> tuple[str, bool]:
    raw = params.get("sort_by", "settled_at:asc")
    field, _, direction = raw.partition(":")
    if field not in SORT_FIELDS or direction not in ("", "asc", "desc"):
        raise QontoHTTPError(
            422,
            "invalid",
            "sort_by must be settled_at or updated_at with :asc or :desc",
            parameter="sort_by",
        )
    return field, direction == "desc"


def _listing_key(params: QueryParams) -> tuple[tuple[str, str], ...]:
    """The filters of a listing, without its page position: one cached result per listing."""
    ignored = {"page", "current_page", "per_page", "includes[]", "includes"}
    return tuple(sorted((k, v) for k, v in params.multi_items() if k not in ignored))


def _includes(params: QueryParams) -> frozenset[str]:
    """``includes[]`` values (the bare name too); an unknown value is a 422."""
    wanted = frozenset(_list_param(params, "includes"))
    if wanted - INCLUDES:
        raise QontoHTTPError(
            422,
            "invalid",
            f"includes[] must be among {', '.join(sorted(INCLUDES))}",
            parameter="includes[]",
        )
    return wanted


def _render(
    state: SandboxState, txn: Transaction, includes: frozenset[str], base_url: str
) -> TransactionWire:
    """One row with what ``includes[]`` asked for (the sandbox has no labels: an empty list)."""
    labels: list[TransactionLabel] | None = [] if "labels" in includes else None
    attachments = None
    if "attachments" in includes:
        found = [a for a in map(state.attachments.get, txn.attachment_ids) if a is not None]
        attachments = [attachment_wire(state.attachments, a, base_url) for a in found]
    return transaction_wire(txn, labels=labels, attachments=attachments)


@router.get("/v2/transactions")
async def list_transactions(request: Request) -> Response:
    state = get_state(request)  # not injected: one dependency less on the bulk paging path
    params = request.query_params
    predicates = _filters(params)
    sort_field, descending = _sort(params)
    includes = _includes(params)
    page = _int_param(params, "page", "current_page")
    per_page = _int_param(params, "per_page")
    with state.lock:
        account_id = _resolve_account(state, params)
        rows = state.banking.query(
            account_id,
            settled_from=_millis(params, "settled_at_from"),
            settled_to=_millis(params, "settled_at_to"),
            predicates=predicates,
            sort_field=sort_field,
            descending=descending,
            cache_key=_listing_key(params),
        )
        chunk, meta = paginate(rows, page, per_page)
        banking = state.banking
        if includes:
            base = str(request.base_url)
            items = b",".join([dumps(_render(state, t, includes, base)) for t in chunk])
        else:
            items = b",".join([transaction_bytes(banking, t) for t in chunk])
    body = b'{"transactions":[' + items + b'],"meta":' + dumps(meta) + b"}"
    return Response(body, media_type="application/json")


def find_transaction(state: SandboxState, transaction_id: str) -> Transaction:
    txn = state.banking.transaction(transaction_id)
    if txn is None:
        raise QontoHTTPError(404, "not_found", "Not found")
    return txn


@router.get("/v2/transactions/{transaction_id}")
async def get_transaction(transaction_id: str, request: Request) -> dict[str, object]:
    state = get_state(request)
    includes = _includes(request.query_params)
    with state.lock:
        txn = find_transaction(state, transaction_id)
        row = _render(state, txn, includes, str(request.base_url))
        return dump(assemble(TransactionEnvelope, transaction=row))


@router.patch("/v2/transactions/{transaction_id}")
async def update_transaction(
    transaction_id: str, request: Request, state: StateDep
) -> dict[str, object]:
    try:
        params = TransactionUpdateParams.model_validate(json.loads(await request.body() or b"{}"))
    except ValueError:
        raise refused("attachment_required", "attachment_required must be a boolean") from None
    with state.lock:
        txn = find_transaction(state, transaction_id)
        if params.attachment_required is not None:
            txn.attachment_required = params.attachment_required
            state.banking.touch(txn, state.now_ms())
        return dump(build(TransactionEnvelope, transaction=transaction_wire(txn)))
