"""Contract: ``/v2/clients`` of the sandbox over raw HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.invoicing_support import (
    JSON,
    TestClient,
    body,
    create_client,
    error,
    obj,
    sandbox,
)


@pytest.fixture
def api() -> Iterator[TestClient]:
    with sandbox() as (client, _):
        yield client


def names(client: TestClient, query: str) -> list[str]:
    response = client.get(f"/v2/clients?{query}")
    assert response.status_code == 200, response.text
    clients = body(response)["clients"]
    assert isinstance(clients, list)
    return [str(c["name"]) for c in clients]


def test_create_company_and_read_it_back(api: TestClient) -> None:
    created = create_client(api, phone={"country_code": "+33", "number": "612345678"})
    assert created["kind"] == "company"
    assert created["type"] == "company"
    assert created["currency"] == "EUR"
    assert created["billing_address"] == {
        "street_address": "3 quai du Lac",
        "city": "Annecy",
        "zip_code": "74000",
        "province_code": None,
        "country_code": "FR",
    }
    assert created["country_code"] == "fr"
    assert created["city"] == "Annecy"
    assert created["phone_number"] == "+33612345678"
    fetched = api.get(f"/v2/clients/{created['id']}")
    assert fetched.status_code == 200
    assert obj(fetched, "client") == created


def test_create_individual(api: TestClient) -> None:
    created = create_client(api, kind="individual", name=None, first_name="Léa", last_name="Martin")
    assert created["kind"] == "individual"
    assert (created["first_name"], created["last_name"]) == ("Léa", "Martin")
    assert created["name"] == "Léa Martin"


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        ({"currency": None}, "/data/attributes/currency"),
        ({"name": None}, "/data/attributes/name"),
        ({"kind": "individual", "first_name": "Léa"}, "/data/attributes/last_name"),
        ({"kind": "robot"}, "/data/attributes/kind"),
        ({"currency": "XYZ"}, "/data/attributes/currency"),
    ],
)
def test_create_refusals_point_at_the_field(api: TestClient, fields: JSON, pointer: str) -> None:
    payload: JSON = {"kind": "company", "name": "Maison Lambert", "currency": "EUR"}
    payload.update(fields)
    payload = {k: v for k, v in payload.items() if v is not None}
    response = api.post("/v2/clients", json=payload)
    assert response.status_code == 422
    assert error(response)["source"] == {"pointer": pointer}


def test_patch_is_partial(api: TestClient) -> None:
    created = create_client(api)
    response = api.patch(f"/v2/clients/{created['id']}", json={"email": "factures@lac.fr"})
    assert response.status_code == 200
    updated = obj(response, "client")
    assert updated["email"] == "factures@lac.fr"
    assert updated["name"] == created["name"]
    assert updated["billing_address"] == created["billing_address"]
    assert str(updated["updated_at"]) >= str(created["updated_at"])
    refused = api.patch(f"/v2/clients/{created['id']}", json={"name": None})
    assert refused.status_code == 422
    assert api.patch("/v2/clients/nope", json={"email": "x@y.fr"}).status_code == 404


def test_delete(api: TestClient) -> None:
    created = create_client(api)
    response = api.delete(f"/v2/clients/{created['id']}")
    assert response.status_code == 204
    assert api.get(f"/v2/clients/{created['id']}").status_code == 404
    assert api.delete(f"/v2/clients/{created['id']}").status_code == 404


def test_filters(api: TestClient) -> None:
    create_client(api, name="Hôtel du Lac", email="a@lac.fr", vat_number="FR11111111111")
    create_client(api, name="Hotel Belle Rive", email="b@rive.fr", tax_identification_number="1")
    create_client(api, name="Maison Lambert", email="c@lambert.fr", vat_number="FR22222222222")
    assert names(api, "filter[name]=hotel") == ["Hôtel du Lac", "Hotel Belle Rive"]
    assert names(api, "filter[name]=HÔT") == ["Hôtel du Lac", "Hotel Belle Rive"]
    assert names(api, "filter[name]=lamb") == ["Maison Lambert"]
    assert names(api, "filter[email]=B@RIVE.FR") == ["Hotel Belle Rive"]
    assert names(api, "filter[email]=rive.fr") == []
    assert names(api, "filter[vat_number]=FR22222222222") == ["Maison Lambert"]
    assert names(api, "filter[tax_identification_number]=1") == ["Hotel Belle Rive"]
    short = api.get("/v2/clients?filter[name]=h")
    assert short.status_code == 422
    assert error(short)["source"] == {"parameter": "filter[name]"}
    assert names(api, "sort_by=name:desc") == ["Maison Lambert", "Hôtel du Lac", "Hotel Belle Rive"]


def test_pagination_caps_at_100(api: TestClient) -> None:
    for index in range(3):
        create_client(api, name=f"Client {index}")
    response = api.get("/v2/clients?per_page=2&page=2")
    meta = body(response)["meta"]
    assert meta == {
        "current_page": 2,
        "next_page": None,
        "prev_page": 1,
        "total_pages": 2,
        "total_count": 3,
        "per_page": 2,
    }
    assert api.get("/v2/clients?per_page=101").status_code == 422
    assert api.get("/v2/clients?page=3&per_page=2").status_code == 422
