"""``api.parse``: the bodies that the API and the web forms both send to one service become
that service's keyword arguments."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from verone.backoffice.api import parse
from verone.backoffice.api import schemas as s
from verone.backoffice.api import schemas_admin as sa
from verone.backoffice.domain.users import Role
from verone.backoffice.edge.errors import EdgeError
from verone.backoffice.services import auth, invoicing, quotes, user_admin


@pytest.mark.parametrize(
    ("fields", "use_case"),
    [
        (parse.InvoiceFromOrderFields, invoicing.create_invoice_from_order),
        (parse.ServiceInvoiceFields, invoicing.create_service_invoice),
        (parse.ServiceQuoteFields, quotes.create_service_quote),
        (parse.NewUserFields, user_admin.add_user),
        (parse.NewTokenFields, auth.create_api_token),
    ],
)
def test_every_field_is_an_argument_of_its_service(
    fields: type, use_case: Callable[..., object]
) -> None:
    assert set(fields.__annotations__) <= set(inspect.signature(use_case).parameters)


def test_a_service_invoice_body_gives_its_lines_and_dates() -> None:
    body = s.ServiceInvoiceIn.model_validate(
        {
            "customerId": str(uuid.uuid4()),
            "items": [{"title": "Conseil", "quantity": "2", "unitPrice": "50", "vatRate": "0.2"}],
            "dueDate": "2026-01-31",
            "purchaseOrder": "PO-1",
        }
    )

    fields = parse.service_invoice(body)

    assert [item.quantity for item in fields["items"]] == [Decimal(2)]
    assert fields["due_date"] == date(2026, 1, 31)
    assert "purchase_order" not in fields  # the API passes it itself; the web form has none


def test_an_order_line_twice_is_refused_as_a_422() -> None:
    line = {"salesOrderItemId": str(uuid.uuid4()), "quantity": "1"}
    body = s.InvoiceFromOrderIn.model_validate(
        {"salesOrderId": str(uuid.uuid4()), "lines": [line, line]}
    )

    with pytest.raises(EdgeError) as refused:
        parse.invoice_from_order(body)
    assert refused.value.status == 422


def test_a_new_user_and_a_new_token_keep_every_field() -> None:
    user = sa.UserIn(email="a@b.fr", password="x" * 12, role=Role.VIEWER)
    token = sa.TokenIn(name="scripts")

    assert parse.new_user(user) == {
        "email": "a@b.fr",
        "password": "x" * 12,
        "role": Role.VIEWER,
        "display_name": None,
    }
    assert parse.new_token(token) == {"name": "scripts", "user_id": None, "expires_at": None}
