"""The gateway's pure parts: error mapping onto the domain tree, canonical decimals, params."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.integration.services.support import make_customer
from tests.unit.domain.factories import make_document, make_item, make_user
from verone.backoffice.domain import errors
from verone.backoffice.integrations.qonto_gateway import qonto_errors
from verone.backoffice.integrations.qonto_mapping import (
    canonical,
    client_params,
    invoice_items,
)
from verone.qonto import (
    NotFound,
    QontoAmbiguousOutcome,
    QontoConnectionError,
    RateLimited,
    ServerError,
    Unauthorized,
)


def api_error(
    cls: type[ServerError | RateLimited | NotFound | Unauthorized], status: int
) -> Exception:
    return cls(status=status, code="x", detail="boom", trace_id="trace-123")


def test_server_errors_on_writes_are_ambiguous_and_on_reads_unavailable() -> None:
    with pytest.raises(errors.QontoOutcomeUnknown) as write, qonto_errors(write=True):
        raise api_error(ServerError, 503)
    assert write.value.trace_id == "trace-123"
    with pytest.raises(errors.QontoUnavailable) as read, qonto_errors():
        raise api_error(ServerError, 503)
    assert not isinstance(read.value, errors.QontoOutcomeUnknown)


def test_rejections_carry_the_trace_id_and_the_seed_hint() -> None:
    with pytest.raises(errors.QontoRejected) as caught, qonto_errors():
        raise api_error(Unauthorized, 401)
    assert caught.value.status == 401
    assert caught.value.trace_id == "trace-123"
    assert caught.value.hint is not None
    assert "régénérez" in caught.value.hint
    with pytest.raises(errors.QontoRejected), qonto_errors(write=True):
        raise api_error(NotFound, 404)


def test_transport_failures() -> None:
    with pytest.raises(errors.QontoOutcomeUnknown), qonto_errors(write=True):
        raise QontoAmbiguousOutcome(method="POST", path="/v2/x", idempotency_key="k", cause="t")
    with pytest.raises(errors.QontoUnavailable), qonto_errors(write=True):
        raise QontoConnectionError("refused")
    with pytest.raises(errors.QontoUnavailable), qonto_errors(write=True):
        raise api_error(RateLimited, 429)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("4.000", 0, "4"),
        ("100", 0, "100"),
        ("1E+2", 0, "100"),
        ("149.9", 2, "149.90"),
        ("0.055000", 0, "0.055"),
        ("12.345", 2, "12.345"),
    ],
)
def test_canonical_spelling(value: str, places: int, expected: str) -> None:
    assert str(canonical(Decimal(value), places)) == expected


def test_long_titles_are_cut_to_forty_characters_and_kept_in_the_description() -> None:
    title = "Canapé trois places en velours côtelé vert sapin"
    document = make_document(make_user().id, items=[make_item(title=title)])
    (line,) = invoice_items(document)
    assert line.title == title[:40]
    assert line.description == title


def test_client_params_from_a_company() -> None:
    params = client_params(make_customer("Maison Lefèvre"))
    assert params.name == "Maison Lefèvre"
    assert params.tax_identification_number == "123456789"
    assert params.billing_address is not None
    assert params.billing_address.city == "Paris"
