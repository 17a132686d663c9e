"""How the sandbox builds every answer: the client's wire models, built and written strictly.

Every Qonto answer is a ``verone.qonto.types`` model (or a sandbox subclass that adds a field
the client does not read), built with :func:`build` and written with :func:`dump`:

- ``build`` validates the fields with ``extra="forbid"``, nested objects included, so a
  misspelt field is an error, never a silently dropped key (mypy checks the names too: the
  model's own signature types the keyword arguments);
- ``assemble`` is the hot-path twin for values that already have their field's type: the
  names are checked, the values are not validated again (transaction rows, 100 000 of them);
- ``dump`` is ``to_wire`` plus one rule: the fields listed in :data:`ONLY_WHEN_SET` appear
  only when the answer set them (``includes[]=labels``…), otherwise they are absent, not
  ``null``.

See docs/sandbox.md, "How answers are built".
"""

from __future__ import annotations

import functools
import json
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast, overload

from pydantic import BaseModel

if TYPE_CHECKING:
    from pydantic.main import IncEx

from verone.qonto.types.attachments import Attachment
from verone.qonto.types.errors import ErrorObject, ErrorSource
from verone.qonto.types.transactions import Transaction
from verone.qonto.types.webhooks import WebhookEvent

P = ParamSpec("P")
M = TypeVar("M", bound=BaseModel)

ONLY_WHEN_SET: Mapping[type[BaseModel], frozenset[str]] = {
    # added on request: ``includes[]=labels`` / ``includes[]=attachments``
    Transaction: frozenset({"labels", "attachments"}),
    # an upload answers only the new attachment's ``id``; a retrieve sets every field
    Attachment: frozenset(set(Attachment.model_fields) - {"id"}),
    # an error names its ``source`` (pointer or parameter) only when it has one
    ErrorObject: frozenset({"source"}),
    ErrorSource: frozenset({"pointer", "parameter"}),
    # the event name inside a webhook envelope is not established: not sent
    WebhookEvent: frozenset({"event"}),
}
"""Fields that are on the wire only when the answer set them (looked up along the MRO);
every other field of a model is always written, ``null`` when empty."""


class UnknownField(TypeError):
    """A sandbox answer named a field its wire model does not define."""


def build(model: Callable[P, M], /, *args: P.args, **fields: P.kwargs) -> M:
    """The answer ``model(**fields)``, refusing any field the model (or a nested one) lacks."""
    if args:
        raise TypeError("wire models take keyword arguments only")
    return cast("type[M]", model).model_validate(fields, extra="forbid")


def assemble(model: Callable[P, M], /, *args: P.args, **fields: P.kwargs) -> M:
    """``build`` for already-typed values: names checked, values trusted (no validation).

    Nested values must themselves come from ``build`` or ``assemble``.
    """
    cls = cast("type[M]", model)
    unknown = fields.keys() - cls.model_fields.keys()
    if args or unknown:
        raise UnknownField(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    values: dict[str, Any] = dict(fields)
    return cls.model_construct(None, **values)


@functools.cache
def _shape(cls: type[BaseModel]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The class's ``ONLY_WHEN_SET`` names (along the MRO) and the fields that may hold models."""
    names: frozenset[str] = frozenset()
    for base in cls.__mro__:
        found = ONLY_WHEN_SET.get(base)
        if found is not None:
            names = found
            break
    nested = tuple(name for name, info in cls.model_fields.items() if _holds_model(info.annotation))
    return names, nested


def _holds_model(annotation: object) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(arg) for arg in typing.get_args(annotation))


def _unrequested(model: BaseModel) -> dict[str | int, object] | None:
    """The nested ``exclude`` spec of the ``ONLY_WHEN_SET`` fields left unset (None if none)."""
    names, nested = _shape(type(model))
    spec: dict[str | int, object] = dict.fromkeys(names - model.model_fields_set, True)
    for name in nested:
        if name in spec:
            continue
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            inner = _unrequested(value)
            if inner:
                spec[name] = inner
        elif isinstance(value, list):
            rows = {
                i: inner
                for i, row in enumerate(value)
                if isinstance(row, BaseModel) and (inner := _unrequested(row))
            }
            if rows:
                spec[name] = rows
    return spec or None


def dump(model: BaseModel) -> dict[str, object]:
    """The answer's JSON object: ``to_wire`` without the ``ONLY_WHEN_SET`` fields left unset.

    Fields are written by their declared type: a sandbox subclass that adds a field is only
    written as such where the enclosing model declares that subclass.
    """
    exclude = cast("IncEx | None", _unrequested(model))
    return model.model_dump(mode="json", exclude=exclude)


def dumps(model: BaseModel) -> bytes:
    """``dump`` encoded as the routes send it (compact UTF-8 JSON)."""
    return encode(dump(model))


def attributes(source: object, names: str) -> dict[str, Any]:
    """``{name: source.name}`` for each of the space-separated ``names``: the fields an answer
    copies as they are from a stored record (``build`` still checks every name)."""
    return {name: getattr(source, name) for name in names.split()}


@overload
def to_millisecond(value: datetime) -> datetime: ...
@overload
def to_millisecond(value: None) -> None: ...
def to_millisecond(value: datetime | None) -> datetime | None:
    """``value`` cut to the millisecond: the precision of every sandbox timestamp on the wire."""
    if value is None:
        return None
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def encode(value: object) -> bytes:
    """Compact UTF-8 JSON, exactly as ``JSONResponse`` renders it."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
