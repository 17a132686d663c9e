"""``/v2/clients``: list with filters, retrieve, create, partial update, delete."""

from __future__ import annotations

import unicodedata

from fastapi import APIRouter, Request, Response

from verone.qonto.types.clients import AddressParams, ClientEnvelope, ClientList, PhoneParams
from verone.sandbox.deps import StateDep
from verone.sandbox.errors import QontoHTTPError, refused
from verone.sandbox.invoicing.params import ClientIn, ClientPatch, prepare_client
from verone.sandbox.invoicing.records import AddressRecord, ClientRecord, PhoneRecord
from verone.sandbox.invoicing.routes.common import JSON, page_of, parse_body, sort_spec
from verone.sandbox.invoicing.rules import SUPPORTED_CURRENCIES, check_client_kind
from verone.sandbox.invoicing.wire import client_wire
from verone.sandbox.wire import build, dump

router = APIRouter()


def fold(text: str) -> str:
    """Lower-case, accents removed: the comparison key of the name filter."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _render(client: ClientRecord) -> JSON:
    return dump(build(ClientEnvelope, client=client_wire(client)))


def _address(body: AddressParams | None) -> AddressRecord | None:
    if body is None:
        return None
    data = body.model_dump()
    if data.get("country_code"):
        data["country_code"] = str(data["country_code"]).upper()
    return AddressRecord.model_validate(data)


def _phone(body: PhoneParams | None) -> PhoneRecord | None:
    return PhoneRecord.model_validate(body.model_dump()) if body else None


def _check_currency(currency: str) -> None:
    if currency.upper() not in SUPPORTED_CURRENCIES:
        raise refused("currency", "currency is not supported", "not_in_list")


def _matches(client: ClientRecord, request: Request) -> bool:
    params = request.query_params
    name = params.get("filter[name]")
    if name is not None:
        haystack = fold(
            " ".join(p for p in (client.name, client.first_name, client.last_name) if p)
        )
        if fold(name) not in haystack:
            return False
    for key in ("email", "vat_number", "tax_identification_number"):
        wanted = params.get(f"filter[{key}]")
        value = getattr(client, key)
        if wanted is not None and (value is None or value.casefold() != wanted.casefold()):
            return False
    return True


@router.get("/v2/clients")
def list_clients(request: Request, state: StateDep) -> JSON:
    name = request.query_params.get("filter[name]")
    if name is not None and len(name.strip()) < 2:
        raise QontoHTTPError(
            422, "invalid", "filter[name] needs at least 2 characters", parameter="filter[name]"
        )
    field, descending = sort_spec(request, {"created_at", "updated_at", "name"}, "created_at:asc")
    with state.lock:
        found = [c for c in state.invoicing.clients.values() if _matches(c, request)]
        if field == "name":
            found.sort(key=lambda c: fold(c.display_name()), reverse=descending)
        else:
            found.sort(key=lambda c: getattr(c, field), reverse=descending)
        chunk, meta = page_of(request, found)
        return dump(build(ClientList, clients=[client_wire(c) for c in chunk], meta=meta))


@router.get("/v2/clients/{client_id}")
def get_client(client_id: str, state: StateDep) -> JSON:
    with state.lock:
        return _render(state.invoicing.client(client_id))


@router.post("/v2/clients", status_code=201)
async def create_client(request: Request, state: StateDep) -> JSON:
    body = await parse_body(request, ClientIn, prepare_client)
    kind = body.kind.value
    check_client_kind(kind, body.name, body.first_name, body.last_name)
    _check_currency(body.currency)
    billing = _address(body.billing_address)
    if billing is None and (body.address or body.city or body.zip_code):
        billing = AddressRecord(
            street_address=body.address,
            city=body.city,
            zip_code=body.zip_code,
            province_code=body.province_code,
            country_code=(body.country_code or "").upper() or None,
        )
    with state.lock:
        now = state.clock.now()
        client = ClientRecord(
            id=state.new_id(),
            kind=kind,
            name=body.name,
            first_name=body.first_name,
            last_name=body.last_name,
            email=body.email,
            extra_emails=body.extra_emails or [],
            phone=_phone(body.phone),
            vat_number=body.vat_number,
            tax_identification_number=body.tax_identification_number,
            e_invoicing_address=body.e_invoicing_address,
            recipient_code=body.recipient_code,
            billing_address=billing,
            delivery_address=_address(body.delivery_address),
            currency=body.currency.upper(),
            locale=body.locale,
            created_at=now,
            updated_at=now,
        )
        state.invoicing.clients[client.id] = client
        return _render(client)


@router.patch("/v2/clients/{client_id}")
async def update_client(client_id: str, request: Request, state: StateDep) -> JSON:
    body = await parse_body(request, ClientPatch, prepare_client)
    sent = body.model_fields_set
    with state.lock:
        client = state.invoicing.client(client_id)
        kind = body.kind.value if body.kind else client.kind
        name = body.name if "name" in sent else client.name
        first = body.first_name if "first_name" in sent else client.first_name
        last = body.last_name if "last_name" in sent else client.last_name
        check_client_kind(kind, name, first, last)
        if "currency" in sent:
            if not body.currency:
                raise refused("currency", "currency is required", "blank")
            _check_currency(body.currency)
            client.currency = body.currency.upper()
        client.kind, client.name, client.first_name, client.last_name = kind, name, first, last
        for key in (
            "email",
            "vat_number",
            "tax_identification_number",
            "e_invoicing_address",
            "recipient_code",
            "locale",
        ):
            if key in sent:
                setattr(client, key, getattr(body, key))
        if "extra_emails" in sent:
            client.extra_emails = body.extra_emails or []
        if "phone" in sent:
            client.phone = _phone(body.phone)
        if "billing_address" in sent:
            client.billing_address = _address(body.billing_address)
        if "delivery_address" in sent:
            client.delivery_address = _address(body.delivery_address)
        client.updated_at = state.clock.now()
        return _render(client)


@router.delete("/v2/clients/{client_id}", status_code=204)
def delete_client(client_id: str, state: StateDep) -> Response:
    with state.lock:
        state.invoicing.client(client_id)
        del state.invoicing.clients[client_id]
    return Response(status_code=204)
