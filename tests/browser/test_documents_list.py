"""« Factures Qonto » in Chromium: the totals bar of a set too large to sum while the page
renders is loaded once the page is shown, with the sums the inline bar gives; the customer
filter's suggestions; dates typed the French way."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Ui
from verone.backoffice.services import document_views


def test_the_totals_of_a_large_set_arrive_after_the_page(
    ui: Ui, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        orders = api.get("/api/orders", params={"invoicingStatus": "not_invoiced"}).json()
        answer = api.post("/api/qonto/invoices", json={"salesOrderId": orders["items"][-2]["id"]})
        assert answer.status_code == 201, answer.text
    ui.login(ui.stack.users.accountant.email)
    page = ui.goto("/factures?statut=brouillons")
    bar = page.get_by_label("Totaux de la sélection")
    expect(bar).to_contain_text("Total TTC : ")
    inline = bar.inner_text()

    monkeypatch.setattr(document_views, "INLINE_TOTALS", 0)  # every set is « large »
    with page.expect_response(lambda answer: "/factures/totaux" in answer.url) as loaded:
        page.reload()
    assert loaded.value.status == 200
    expect(bar).to_have_text(inline)
    expect(bar).not_to_have_attribute("aria-busy", "true")
    ui.check_page("documents-totals-loaded")


def test_the_customer_filter_finds_a_customer_as_it_is_typed(ui: Ui) -> None:
    name = f"Atelier Quenouille {uuid.uuid4().hex[:6]} SAS"
    customer = {
        "kind": "company", "companyName": name, "email": "compta@quenouille.example",
        "billingStreet": "3 rue des Fileurs", "billingPostalCode": "59000",
        "billingCity": "Lille", "billingCountry": "FR",
    }  # fmt: skip
    item = {"title": "Tapis Atlas", "quantity": "1", "unitPrice": "300.00", "vatRate": "0.2"}
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        created = api.post("/api/customers", json=customer)
        assert created.status_code == 201, created.text
        answer = api.post(
            "/api/qonto/invoices/service",
            json={"customerId": created.json()["id"], "items": [item]},
        )
        assert answer.status_code == 201, answer.text
    ui.login(ui.stack.users.accountant.email)
    page = ui.goto("/factures")
    field = page.get_by_label("Client", exact=True)

    field.fill("quenouille")  # suggestions arrive as the name is typed
    expect(page.locator(f'#client-options option[value="{name}"]')).to_have_count(1)
    with page.expect_response(lambda r: "/factures?" in r.url and "client=" in r.url):
        field.fill(name)  # what choosing the suggestion puts in the field

    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(name)
    assert f"client={created.json()['id']}" in page.url
    page.reload()
    expect(field).to_have_value(name)
    ui.check_page("documents-customer-filter")

    field.fill("Personne de ce nom")
    field.blur()
    message = field.evaluate("input => input.validationMessage")
    assert message == "Choisissez un client proposé par la liste."
    expect(rows).to_have_count(1)  # the filter in force stays


def test_a_date_is_typed_day_first_as_in_france(ui: Ui) -> None:
    ui.login(ui.stack.users.viewer.email)
    page = ui.goto("/factures")
    since = page.get_by_label("Émise du")
    since.focus()  # on the first part, the day
    since.press_sequentially("04122026")  # 4 December 2026, typed jour, mois, année
    expect(since).to_have_value("2026-12-04")
    since.press("Enter")
    expect(page).to_have_url(re.compile(r"du=2026-12-04"))  # htmx pushes the filtered URL
    page.reload()
    expect(page.get_by_label("Émise du")).to_have_value("2026-12-04")
    ui.check_page("documents-date-filter")
