"""Decimals pre-filled in fields a person edits read as they would type them in French,
and come back through the form reader as the API's decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import BaseModel

from verone.backoffice.web import labels
from verone.backoffice.web.forms import _decimal_commas


class Amounts(BaseModel):
    amount: Decimal
    quantity: Decimal


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("4479.60"), "4479,60"),
        (Decimal("1234567.5"), "1234567,5"),
        (Decimal("2"), "2"),
        (Decimal("-12.30"), "-12,30"),
        ("0.125", "0,125"),
        (None, ""),
        ("", ""),
        ("pas un nombre", ""),
    ],
)
def test_a_decimal_is_shown_with_a_comma_and_no_grouping(value: object, shown: str) -> None:
    assert labels.typed(value) == shown


def test_what_is_shown_reads_back_as_the_same_decimal() -> None:
    for value in (Decimal("4479.60"), Decimal("0.5"), Decimal("1234567.89")):
        data: dict[str, object] = {"amount": labels.typed(value), "quantity": "1,5"}
        _decimal_commas(data, Amounts)
        assert Amounts.model_validate(data) == Amounts(amount=value, quantity=Decimal("1.5"))
