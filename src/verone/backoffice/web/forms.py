"""HTML forms → the API's own request models (``api/schemas.py``), so a form and a JSON body
are validated by the same rules. Field names nest with dashes: ``items-0-title`` is
``{"items": [{"title": …}]}``; an empty field is an absent one. Messages are French.
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterator
from decimal import Decimal
from typing import TypeVar, Union, get_args, get_origin

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

FRENCH = {
    "missing": "Champ obligatoire.",
    "string_too_short": "Champ obligatoire.",
    "string_too_long": "Texte trop long.",
    "too_short": "Ajoutez au moins une ligne.",
    "too_long": "Trop de lignes.",
    "uuid_parsing": "Choisissez une valeur dans la liste.",
    "date_from_datetime_parsing": "Date invalide (jj/mm/aaaa).",
    "date_parsing": "Date invalide (jj/mm/aaaa).",
    "int_parsing": "Nombre entier attendu.",
    "greater_than": "Montant positif attendu.",
    "greater_than_equal": "Valeur trop petite.",
    "duplicate_invoice": "Une facture ne peut figurer qu'une fois.",
    "less_than_equal": "Valeur trop grande.",
    "extra_forbidden": "Champ inconnu.",
    "enum": "Choisissez une valeur dans la liste.",
    "literal_error": "Choisissez une valeur dans la liste.",
    "string_pattern_mismatch": "Format invalide.",
    "value_error": "Valeur invalide : nombre décimal attendu (ex. 1234,50).",
}


def nest(pairs: list[tuple[str, str]]) -> dict[str, object]:
    """``[("items-0-title", "A")]`` → ``{"items": [{"title": "A"}]}``; lists keep index order."""
    root: dict[str, object] = {}
    for name, raw in pairs:
        value = raw.strip()
        if value == "":
            continue
        parts = name.split("-")
        node: dict[str, object] = root
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[parts[-1]] = value
    return _lists(root)


def _lists(node: object) -> dict[str, object]:
    assert isinstance(node, dict)
    out: dict[str, object] = {}
    for key, value in node.items():
        if isinstance(value, dict):
            if value and all(k.isdigit() for k in value):
                out[key] = [
                    _lists(value[k]) if isinstance(value[k], dict) else value[k]
                    for k in sorted(value, key=int)
                ]
            else:
                out[key] = _lists(value)
        else:
            out[key] = value
    return out


def french_errors(exc: ValidationError) -> list[dict[str, object]]:
    """Pydantic's errors with a French ``msg`` and a ``body.…`` location."""
    found: list[dict[str, object]] = []
    for error in exc.errors():
        message = FRENCH.get(str(error["type"]), "Valeur invalide.")
        minimum = (error.get("ctx") or {}).get("min_length")
        if error["type"] == "string_too_short" and isinstance(minimum, int) and minimum > 1:
            message = f"{minimum} caractères au moins."
        found.append({"loc": ("body", *error["loc"]), "msg": message, "type": error["type"]})
    return found


#: A decimal as typed in French: a comma, digits grouped by spaces (« 1 234,50 »)
_FRENCH_DECIMAL = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f]?\d{3})*,\d+$|^[+-]?\d+,\d+$")


def _leaves(annotation: object) -> Iterator[object]:
    """The types a field's annotation is made of (``list[ItemIn] | None`` → ``ItemIn``, None)."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType, list):
        for arg in get_args(annotation):
            yield from _leaves(arg)
    else:
        yield annotation


def _decimal_commas(data: dict[str, object], model: type[BaseModel]) -> None:
    """Decimal fields of ``model`` typed the French way read as the API's: « 1 234,50 » is
    ``"1234.50"``; nested rows (``items-0-unitPrice``) follow their own model."""
    for name, field in model.model_fields.items():
        key = field.alias or name
        value = data.get(key)
        for leaf in _leaves(field.annotation):
            if leaf is Decimal and isinstance(value, str) and _FRENCH_DECIMAL.match(value):
                data[key] = re.sub(r"[ \u00a0\u202f]", "", value).replace(",", ".")
            elif isinstance(leaf, type) and issubclass(leaf, BaseModel):
                rows = value if isinstance(value, list) else [value]
                for row in rows:
                    if isinstance(row, dict):
                        _decimal_commas(row, leaf)


def _drop_unpicked(data: dict[str, object], rows: str, by: str, required: bool) -> list[int]:
    """Rows of ``rows`` whose ``by`` field is empty or zero are not part of the request (an
    order line not invoiced, an invoice not in a split); the form indexes of those kept. No
    row kept: the list is absent, or empty when ``required`` (its model says what is missing)."""
    found = data.get(rows)
    if not isinstance(found, list):
        return []
    kept = [
        (index, row)
        for index, row in enumerate(found)
        if isinstance(row, dict)
        and isinstance(row.get(by), str)
        and str(row[by]).replace(",", ".").strip("0.") != ""
    ]
    if kept or required:
        data[rows] = [row for _, row in kept]
    else:
        del data[rows]
    return [index for index, _ in kept]


def _form_location(error: dict[str, object], rows: str, indexes: list[int]) -> dict[str, object]:
    """An error on a kept row names that row as the form does (``parts.3.amount``)."""
    loc = error["loc"]
    if isinstance(loc, tuple) and len(loc) > 2 and loc[1] == rows and isinstance(loc[2], int):
        if loc[2] < len(indexes):
            return {**error, "loc": (*loc[:2], indexes[loc[2]], *loc[3:])}
    return error


async def read_form(
    request: Request,
    model: type[M],
    *,
    optional_rows: tuple[str, str] | None = None,
    none_picked: str | None = None,
    ignore: tuple[str, ...] = (),
    **fixed: object,
) -> M:
    """The submitted form validated by ``model``; ``fixed`` values come from the route.

    ``optional_rows`` is ``(list, field)``: a row of the list counts only when its field is
    filled and not zero (an order line's quantity in partial invoicing, an invoice's amount
    in a split); an error names the row by its place in the form. ``none_picked`` is the
    message when no row counts (else the model's own: « Ajoutez au moins une ligne. »).
    ``ignore`` names fields the page itself reads (the typed FINALISER confirmation).
    """
    form = await request.form()
    pairs = [
        (name, value)
        for name, value in form.multi_items()
        if isinstance(value, str) and name not in ignore
    ]
    data = nest(pairs)
    _decimal_commas(data, model)
    kept: list[int] = []
    if optional_rows is not None:
        rows, by = optional_rows
        field = next(f for n, f in model.model_fields.items() if (f.alias or n) == rows)
        kept = _drop_unpicked(data, rows, by, field.is_required())
        if not kept and none_picked is not None:
            error = {"loc": ("body", rows), "msg": none_picked, "type": "too_short"}
            raise RequestValidationError([error])
    data.update({key: value for key, value in fixed.items() if value is not None})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        found = french_errors(exc)
        if optional_rows is not None:
            found = [_form_location(error, optional_rows[0], kept) for error in found]
        raise RequestValidationError(found) from None
