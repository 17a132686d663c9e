"""The one definition of Qonto's wire format: base models, money and time types, and the
single serializer (``to_wire``) and parser (``from_wire``) used by the client and the sandbox.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from verone.money import Money

ModelT = TypeVar("ModelT", bound=BaseModel)
EnumT = TypeVar("EnumT", bound=StrEnum)


class WireModel(BaseModel):
    """A response model: unknown fields are ignored, missing optional fields are fine."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class ParamsModel(BaseModel):
    """A request model (``*Params``): unknown fields are refused, assignments are validated."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True)


def _refuse_float(value: object) -> object:
    """Money and quantities never go through a float: refuse one before pydantic converts it."""
    if isinstance(value, float):
        raise ValueError("a float is not accepted here: send a decimal string, an int or a Decimal")
    if isinstance(value, bool):
        raise ValueError("a boolean is not a decimal number")
    return value


def _decimal_as_string(value: Decimal) -> str:
    """Invoicing domain: a decimal goes on the wire as a string, written as it was read."""
    return format(value, "f")


def _decimal_as_number(value: Decimal) -> int | float:
    """Banking domain: Qonto sends JSON numbers in major units (``"amount": 12.5``).

    This is the only place where a Decimal becomes a JSON number. An integral value without
    decimal places becomes an ``int``; anything else becomes the float whose shortest repr is
    the same decimal (exact for amounts with at most 15 significant digits, checked here).
    Readers parse JSON with ``parse_float=Decimal`` so the value never lives as a float.
    """
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    number = float(value)
    if Decimal(repr(number)) != value:
        raise ValueError(f"{value} cannot be written as an exact JSON number")
    return number


def _timestamp_as_string(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` (naive datetimes are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    micro = value.microsecond
    timespec = "milliseconds" if micro and micro % 1000 == 0 else "auto"
    return value.isoformat(timespec=timespec).replace("+00:00", "Z")


DecimalString = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    PlainSerializer(_decimal_as_string, return_type=str, when_used="json"),
]
"""A decimal written as a string on the wire (invoicing money, quantities, VAT rates)."""

DecimalNumber = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    PlainSerializer(_decimal_as_number, return_type=int | float, when_used="json"),
]
"""A decimal written as a JSON number on the wire (banking amounts and balances)."""

Timestamp = Annotated[
    datetime,
    PlainSerializer(_timestamp_as_string, return_type=str, when_used="json"),
]
"""An ISO 8601 timestamp, written in UTC with a ``Z``."""


OrOther = Annotated[EnumT | str, Field(union_mode="left_to_right")]
"""A value Qonto may extend (``OrOther[InvoiceStatus]``): a member of the enum when it is one,
else the string as sent, so that a value added by Qonto later does not fail a whole answer."""


class Amount(WireModel):
    """Invoicing money in a response: ``{"value": "12.50", "currency": "EUR"}``."""

    value: DecimalString
    currency: str

    def as_money(self) -> Money:
        """The amount as a ``Money`` (quantized to the cent)."""
        return Money.of(self.value, self.currency)


class AmountParam(ParamsModel):
    """Invoicing money in a request; ``value`` is a Decimal here and a string on the wire."""

    value: DecimalString
    currency: str


def to_wire(model: BaseModel) -> dict[str, object]:
    """The JSON-ready dict of a model, exactly as Qonto sends (responses) or expects (params).

    Dates are ISO, timestamps ISO with ``Z``, invoicing decimals strings, banking decimals
    numbers, ``None`` kept as ``null``. Request params carry only the fields that were set
    (an explicit ``None`` is sent as ``null``), so a PATCH says only what changes.
    """
    if isinstance(model, ParamsModel):
        return model.model_dump(mode="json", exclude_unset=True)
    return model.model_dump(mode="json")


def from_wire(model_cls: type[ModelT], data: object) -> ModelT:
    """Parse already-decoded JSON (numbers as ``Decimal``/``int``) into a model."""
    return model_cls.model_validate(data)


def loads_wire(text: str | bytes) -> object:
    """Decode a JSON body the only accepted way: non-integral numbers become ``Decimal``."""
    decoded: object = json.loads(text, parse_float=Decimal)
    return decoded


def from_wire_json(model_cls: type[ModelT], text: str | bytes) -> ModelT:
    """Parse a JSON body into a model without any number passing through a float."""
    return from_wire(model_cls, loads_wire(text))
