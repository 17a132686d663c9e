"""``/v2/transactions``: one account's movements, filtered, sorted and paginated.

Records stay compact in the store; each row's wire JSON (``to_wire`` of its model) is built
once and cached until the row changes, so a page is a join of cached bytes.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import QueryParams

from verone.money import from_cents
from verone.qonto.types._base import to_wire
from verone.qonto.types.transactions import Transaction as TransactionWire
from verone.qonto.types.transactions import TransactionUpdateParams, TransferDetails
from verone.sandbox.banking import BankingStore, Transaction, TxnFilter
from verone.sandbox.deps import StateDep, get_state
from verone.sandbox.errors import QontoHTTPError
from verone.sandbox.pagination import paginate
from verone.sandbox.routes.organization import timestamp
from verone.sandbox.state import SandboxState

router = APIRouter()

STATUSES = {"pending", "declined", "completed"}
SIDES = {"credit", "debit"}
DATE_FIELDS = ("settled_at", "updated_at", "emitted_at", "created_at")
SORT_FIELDS = {"settled_at", "updated_at"}


def transaction_wire(txn: Transaction) -> TransactionWire:
    """The wire model of a stored row, built from already-typed values (no re-validation).

    Every value has its field's type (``Decimal`` amounts, UTC datetimes, a ``TransferDetails``),
    so ``to_wire`` serializes it exactly as a validated model; a unit test checks the round trip.
    """
    amount = from_cents(txn.amount_cents)
    transfer = None
    if txn.counterparty_iban:
        transfer = TransferDetails.model_construct(
            counterparty_account_number=txn.counterparty_iban,
            counterparty_account_number_format="IBAN",
            counterparty_bank_identifier=txn.counterparty_bic,
            counterparty_bank_identifier_format="SWIFT_BIC",
        )
    vat = txn.vat_amount_cents
    balance = txn.balance_cents
    return TransactionWire.model_construct(
        id=txn.id,
        transaction_id=txn.slug,
        bank_account_id=txn.bank_account_id,
        amount=amount,
        amount_cents=txn.amount_cents,
        settled_balance=None if balance is None else from_cents(balance),
        settled_balance_cents=balance,
        local_amount=amount,
        local_amount_cents=txn.amount_cents,
        side=txn.side,
        operation_type=txn.operation_type,
        currency="EUR",
        local_currency="EUR",
        label=txn.label,
        clean_counterparty_name=txn.counterparty_name,
        reference=txn.reference,
        note=txn.note,
        status=txn.status,
        settled_at=None if txn.settled_ms is None else timestamp(txn.settled_ms),
        emitted_at=timestamp(txn.emitted_ms),
        created_at=timestamp(txn.created_ms),
        updated_at=timestamp(txn.updated_ms),
        vat_amount=None if vat is None else from_cents(vat),
        vat_amount_cents=vat,
        vat_rate=None if txn.vat_rate is None else Decimal(txn.vat_rate) * 100,
        card_last_digits=txn.card_last_digits,
        category=txn.category,
        subject_type="Transfer" if transfer else None,
        is_external_transaction=False,
        attachment_ids=list(txn.attachment_ids),
        attachment_lost=False,
        attachment_required=txn.attachment_required,
        label_ids=[],
        transfer=transfer,
    )


def _dumps(value: object) -> bytes:
    """JSON exactly as ``JSONResponse`` renders it (compact, UTF-8)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def transaction_bytes(banking: BankingStore, txn: Transaction) -> bytes:
    """``to_wire(transaction_wire(txn))`` as JSON, built once per row and version of the row.

    ``BankingStore.touch`` and ``load`` drop the cached entry, so an answer never goes stale.
    """
    cached = banking.wire_cache.get(txn.id)
    if cached is None:
        cached = _dumps(to_wire(transaction_wire(txn)))
        banking.cache_wire(txn.id, cached)
    return cached


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
            try:
                return int(raw)
            except ValueError:
                raise QontoHTTPError(
                    422, "invalid", f"{name} must be an integer", parameter=name
                ) from None
    return None


def _millis(params: QueryParams, name: str) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise QontoHTTPError(
            422, "invalid", f"{name} must be an ISO 8601 date-time", parameter=name
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timestamp(0).tzinfo)
    return int(parsed.timestamp() * 1000)


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
    ignored = {"page", "current_page", "per_page"}
    return tuple(sorted((k, v) for k, v in params.multi_items() if k not in ignored))


@router.get("/v2/transactions")
async def list_transactions(request: Request) -> Response:
    state = get_state(request)  # not injected: one dependency less on the bulk paging path
    params = request.query_params
    predicates = _filters(params)
    sort_field, descending = _sort(params)
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
        items = b",".join([transaction_bytes(banking, t) for t in chunk])
    body = b'{"transactions":[' + items + b'],"meta":' + _dumps(meta.as_dict()) + b"}"
    return Response(body, media_type="application/json")


def find_transaction(state: SandboxState, transaction_id: str) -> Transaction:
    txn = state.banking.transaction(transaction_id)
    if txn is None:
        raise QontoHTTPError(404, "not_found", "Not found")
    return txn


@router.get("/v2/transactions/{transaction_id}")
async def get_transaction(transaction_id: str, state: StateDep) -> dict[str, object]:
    with state.lock:
        return {"transaction": to_wire(transaction_wire(find_transaction(state, transaction_id)))}


@router.patch("/v2/transactions/{transaction_id}")
async def update_transaction(
    transaction_id: str, request: Request, state: StateDep
) -> dict[str, object]:
    try:
        params = TransactionUpdateParams.model_validate(json.loads(await request.body() or b"{}"))
    except ValueError:
        raise QontoHTTPError(
            422,
            "invalid",
            "attachment_required must be a boolean",
            pointer="/data/attributes/attachment_required",
        ) from None
    with state.lock:
        txn = find_transaction(state, transaction_id)
        if params.attachment_required is not None:
            txn.attachment_required = params.attachment_required
            state.banking.touch(txn, state.now_ms())
        return {"transaction": to_wire(transaction_wire(txn))}
