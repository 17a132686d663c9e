"""Edits in a real browser: a customer changed from its page (its Qonto client follows), with
the French error next to the field and the missing invoicing fields still flagged."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import Ui


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
