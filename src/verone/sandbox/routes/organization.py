"""``GET /v2/organization``: Verone SAS, its legal identity and its bank accounts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verone.money import from_cents
from verone.qonto.types._base import to_wire
from verone.qonto.types.organization import BankAccount as BankAccountWire
from verone.qonto.types.organization import OrganizationEnvelope
from verone.sandbox.banking import BankAccount, BankingStore
from verone.sandbox.deps import get_state

router = APIRouter()
BODY_KEY = "GET /v2/organization"


def timestamp(millis: int) -> datetime:
    return datetime.fromtimestamp(millis / 1000, UTC)


def account_wire(banking: BankingStore, account: BankAccount) -> BankAccountWire:
    authorized = banking.authorized_balance_cents(account)
    return BankAccountWire(
        id=account.id,
        slug=account.slug,
        name=account.name,
        iban=account.iban,
        bic=account.bic,
        currency=account.currency,
        balance=from_cents(account.balance_cents),
        balance_cents=account.balance_cents,
        authorized_balance=from_cents(authorized),
        authorized_balance_cents=authorized,
        status=account.status,
        main=account.main,
        organization_id=banking.organization.id,
        is_external_account=False,
        account_number=None,
        updated_at=timestamp(account.updated_ms),
    )


@router.get("/v2/organization")
async def get_organization(request: Request) -> Response:
    """Rendered once per version of the banking store (any write there renders it again).

    The state is read from the request, not injected: one dependency less on a hot path.
    """
    state = get_state(request)
    with state.lock:
        banking = state.banking
        body = banking.bodies.get(BODY_KEY)
        if body is None:
            body = _render(banking)
            banking.bodies[BODY_KEY] = body
    return Response(body, media_type="application/json")


def _render(banking: BankingStore) -> bytes:
    """The organization as JSON: ``to_wire`` of its envelope, plus the VAT number."""
    org = banking.organization
    address = org.address
    envelope = OrganizationEnvelope.model_validate(
        {
            "organization": {
                "id": org.id,
                "name": org.name,
                "slug": org.slug,
                "legal_name": org.legal_name,
                "locale": org.locale,
                "legal_share_capital": Decimal(org.legal_share_capital),
                "legal_country": org.legal_country,
                "legal_registration_date": date.fromisoformat(org.legal_registration_date),
                "legal_form": org.legal_form,
                "legal_address": f"{address.street_address}, {address.zip_code} {address.city}",
                "address": {
                    "street_address": address.street_address,
                    "city": address.city,
                    "zip_code": address.zip_code,
                    "country_code": address.country,
                },
                "legal_sector": org.legal_sector,
                "legal_number": org.legal_number,
                "contract_signed_at": timestamp(org.contract_signed_at_ms),
                "bank_accounts": [account_wire(banking, a) for a in org.bank_accounts],
            }
        }
    )
    body = to_wire(envelope)
    organization = body["organization"]
    assert isinstance(organization, dict)
    organization["vat_number"] = org.vat_number
    return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
