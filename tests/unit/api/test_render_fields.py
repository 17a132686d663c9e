"""``render.fields``: an answer model from the attributes of the same names."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import pytest

from verone.backoffice.api import render
from verone.backoffice.api import schemas as s


class Side(StrEnum):
    CREDIT = "credit"


@dataclass
class Source:
    qonto_id: str
    amount: Decimal
    side: Side
    tags: tuple[str, ...]
    secret: str = "never on the wire"


class Out(s.ApiModel):
    id: str
    amount: s.Amount
    side: str
    tags: list[str]


def test_copies_the_fields_of_the_model_and_takes_the_computed_ones() -> None:
    out = render.fields(Out, Source("q-1", Decimal("2.5"), Side.CREDIT, ("a",)), id="local-1")

    assert out.model_dump(by_alias=True, mode="json") == {
        "id": "local-1",
        "amount": "2.50",
        "side": "credit",
        "tags": ["a"],
    }


def test_a_field_the_source_lacks_is_an_error_not_a_default() -> None:
    with pytest.raises(AttributeError, match="id"):
        render.fields(Out, Source("q-1", Decimal(1), Side.CREDIT, ()))


def test_a_computed_value_is_validated_like_the_others() -> None:
    with pytest.raises(ValueError, match="amount"):
        render.fields(Out, Source("q-1", Decimal(1), Side.CREDIT, ()), id="x", amount="many")
