"""Edits in a real browser: a customer changed from its page (its Qonto client follows), with
the French error next to the field and the missing invoicing fields still flagged."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import Ui
from verone.money import format_money_fr


def test_a_customer_is_edited_from_its_page(ui: Ui) -> None:
    page = ui.page
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        made = api.post(
            "/api/customers",
            json={"kind": "company", "companyName": "Brasserie du Port", "siren": "987654321"},
        )
        assert made.status_code == 201, made.text
        customer = made.json()
    ui.login(ui.stack.users.accountant.email)
    ui.goto(f"/clients/{customer['id']}")
    expect(page.get_by_role("alert")).to_contain_text("adresse de facturation, e-mail")
    page.get_by_role("button", name="Modifier").click()
    dialog = page.locator("dialog[open]")
    expect(dialog.get_by_label("Raison sociale")).to_have_value("Brasserie du Port")
    expect(dialog.get_by_label("SIREN")).to_have_value("987654321")
    dialog.get_by_label("SIREN").fill("12")
    dialog.get_by_role("button", name="Enregistrer").click()
    expect(dialog.locator(".field-error")).to_contain_text("Format invalide")
    page.screenshot(path=str(ui.screenshots / "40-client-modifier-erreur.png"))
    ui.console_errors.clear()  # the browser logs the expected 422 answer
    dialog.get_by_label("SIREN").fill("987654321")
    dialog.get_by_label("E-mail de facturation").fill("compta@brasserie-du-port.example")
    dialog.get_by_label("Raison sociale").fill("Brasserie du Port SARL")
    dialog.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".flash")).to_have_text("Client modifié.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Brasserie du Port SARL")
    expect(page.get_by_role("alert")).to_contain_text("adresse de facturation")
    expect(page.get_by_role("alert")).not_to_contain_text("e-mail")
    ui.check_page("41-client-modifie")


def _service_draft(ui: Ui, item: dict[str, str]) -> dict[str, Any]:
    """An invoice draft of one line for the first customer, made through the API."""
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        customer = api.get("/api/customers", params={"perPage": 1}).json()["items"][0]
        made = api.post(
            "/api/qonto/invoices/service", json={"customerId": customer["id"], "items": [item]}
        )
        assert made.status_code == 201, made.text
        return cast(dict[str, Any], made.json()["document"])


def test_a_drafts_lines_are_edited_with_live_totals(ui: Ui) -> None:
    page = ui.page
    item = {"title": "Pose de luminaires", "quantity": "2", "unitPrice": "100", "vatRate": "0.2"}
    draft = _service_draft(ui, item)
    ui.login(ui.stack.users.accountant.email)
    ui.goto(f"/factures/{draft['id']}")
    page.get_by_role("button", name="Modifier").click()
    dialog = page.locator("dialog[open]")
    expect(dialog.get_by_label("Désignation")).to_have_value("Pose de luminaires")
    expect(dialog.locator("[data-total-ttc]")).to_have_text("240,00\u00a0€")
    dialog.get_by_label("Quantité").fill("3")
    expect(dialog.locator("[data-total-ttc]")).to_have_text("360,00\u00a0€")
    dialog.get_by_label("Notes").fill("Intervention sur deux jours")
    ui.check_page("42-brouillon-modifier")
    dialog.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator(".flash")).to_have_text("Brouillon modifié.")
    expect(page.locator("main")).to_contain_text("360,00")
    ui.check_page("43-brouillon-modifie")
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        stored = api.get(f"/api/qonto/invoices/{draft['id']}").json()
    assert stored["totalAmount"] == "360.00"
    assert stored["notes"] == "Intervention sur deux jours"


def test_a_drafts_line_discount_is_kept_by_the_editor(ui: Ui) -> None:
    page = ui.page
    item = {
        "title": "Étude d'éclairage",
        "quantity": "1",
        "unitPrice": "333.33",
        "vatRate": "0.2",
        "discountKind": "percentage",
        "discountValue": "0.15",
    }
    draft = _service_draft(ui, item)
    ui.login(ui.stack.users.accountant.email)
    ui.goto(f"/factures/{draft['id']}")
    page.get_by_role("button", name="Modifier").click()
    dialog = page.locator("dialog[open]")
    expect(dialog.get_by_role("columnheader", name="Remise")).to_be_visible()
    ttc = format_money_fr(Decimal(draft["totalAmount"]))  # 333.33 less 15 %, plus VAT
    expect(dialog.locator("[data-total-ttc]")).to_have_text(ttc)
    dialog.get_by_label("Quantité").fill("2")
    dialog.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator(".flash")).to_have_text("Brouillon modifié.")
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        stored = api.get(f"/api/qonto/invoices/{draft['id']}").json()
    assert stored["items"][0]["discountKind"] == "percentage"
    assert stored["items"][0]["discountValue"] == "0.15"
    assert stored["totalHt"] == "566.66"  # 666.66 less 15 % (100.00)


def test_an_issued_document_offers_no_edit(ui: Ui) -> None:
    # the browser stack is shared: orders from the end of the list, so the golden path's
    # « Créer la facture » on the first order finds it as the demo data made it
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        orders = api.get("/api/orders", params={"invoicingStatus": "not_invoiced"}).json()
        made = api.post("/api/qonto/invoices", json={"salesOrderId": orders["items"][-1]["id"]})
        draft = made.json()["document"]
        preview = api.get(f"/api/qonto/invoices/{draft['id']}/finalize-preview").json()
        done = api.post(
            f"/api/qonto/invoices/{draft['id']}/finalize",
            json={"confirmationToken": preview["confirmationToken"]},
        )
        assert done.status_code == 200, done.text
        refused = api.get(f"/factures/{draft['id']}/modifier")
        assert refused.status_code in {409, 422}
    ui.login(ui.stack.users.accountant.email)
    ui.goto(f"/factures/{draft['id']}")
    expect(ui.page.get_by_role("heading", level=1)).to_be_visible()
    expect(ui.page.get_by_role("button", name="Modifier")).to_have_count(0)


def test_a_draft_made_from_an_order_is_not_offered_to_the_lines_editor(ui: Ui) -> None:
    """Its lines count what the order has left to invoice: the editor would detach them."""
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        orders = api.get("/api/orders", params={"invoicingStatus": "not_invoiced"}).json()
        made = api.post("/api/qonto/invoices", json={"salesOrderId": orders["items"][-2]["id"]})
        assert made.status_code == 201, made.text
        draft = made.json()["document"]
        refused = api.get(f"/factures/{draft['id']}/modifier")
        assert refused.status_code == 409, refused.text
        assert "les détacherait de la commande" in refused.text
    ui.login(ui.stack.users.accountant.email)
    ui.goto(f"/factures/{draft['id']}")
    expect(ui.page.get_by_role("heading", level=1)).to_contain_text("Brouillon")
    expect(ui.page.get_by_role("button", name="Supprimer le brouillon")).to_be_visible()
    expect(ui.page.get_by_role("button", name="Modifier")).to_have_count(0)


def _discounted_order(api: httpx.Client) -> dict[str, Any]:
    """A demo order with a line discount and a document discount, away from both ends of the
    list (the golden path takes the first, the edit tests the last two)."""
    orders = api.get(
        "/api/orders", params={"invoicingStatus": "not_invoiced", "perPage": 100}
    ).json()["items"]
    for summary in reversed(orders[1:-2]):
        order = api.get(f"/api/orders/{summary['id']}").json()
        lines = [line for line in order["items"] if line["discountKind"] is not None]
        if order["discountKind"] is not None and lines:
            return cast(dict[str, Any], order)
    raise AssertionError("the demo data has no order with both kinds of discount")


def test_a_credit_note_from_a_discounted_invoice_credits_it_exactly(ui: Ui) -> None:
    """The dialog keeps each line's discount and the invoice's: the proposed credit note is the
    invoice's TTC, accepted as it is, and the invoice page shows the discounts."""
    page = ui.page
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        order = _discounted_order(api)
        made = api.post("/api/qonto/invoices", json={"salesOrderId": order["id"]})
        assert made.status_code == 201, made.text
        draft = made.json()["document"]
        preview = api.get(f"/api/qonto/invoices/{draft['id']}/finalize-preview").json()
        done = api.post(
            f"/api/qonto/invoices/{draft['id']}/finalize",
            json={"confirmationToken": preview["confirmationToken"]},
        )
        assert done.status_code == 200, done.text
        invoice = done.json()["document"]
    ttc = format_money_fr(Decimal(invoice["totalAmount"]))
    ui.login(ui.stack.users.accountant.email)
    ui.goto(f"/factures/{invoice['id']}")
    lines = page.locator("#lignes")
    expect(lines.get_by_role("columnheader", name="Remise")).to_be_visible()
    expect(lines).to_contain_text("Remise globale")
    expect(lines.locator("tfoot")).to_contain_text(ttc)
    ui.check_page("44-facture-remises")
    page.get_by_role("button", name="Créer un avoir").click()
    dialog = page.locator("dialog[open]")
    expect(dialog.locator("[data-total-ttc]")).to_have_text(ttc)
    expect(dialog).to_contain_text("Remise globale")
    dialog.get_by_label("Motif").fill("Annulation de la commande")
    ui.check_page("45-avoir-remises")
    dialog.get_by_role("button", name="Créer le brouillon d'avoir").click()
    expect(page.locator(".flash")).to_have_text("Brouillon d'avoir créé.")
    expect(page.locator("main")).to_contain_text(ttc)
    note_id = ui.document_id()
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        note = api.get(f"/api/qonto/credit-notes/{note_id}").json()
    assert note["totalAmount"] == invoice["totalAmount"]
    assert note["discountKind"] == order["discountKind"]
    assert [line["discountKind"] for line in note["items"]] == [
        line["discountKind"] for line in invoice["items"]
    ]
