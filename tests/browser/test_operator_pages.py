"""The operator's pages in Chromium against the real server and sandbox: each loads, one of
its actions works, axe-core finds no serious or critical violation; screenshots saved."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import Ui


def test_integration_page_runs_the_diagnostic(ui: Ui) -> None:
    ui.login(ui.stack.users.admin.email)
    page = ui.goto("/integration")
    expect(page.get_by_role("heading", level=1)).to_have_text("Intégration Qonto")
    expect(page.get_by_text("Joignable")).to_be_visible()
    page.get_by_role("button", name="Lancer le diagnostic").click()
    credentials = page.locator('tr[data-check="credentials"]')
    expect(credentials).to_have_attribute("data-status", "ok")
    expect(page.locator('tr[data-check="migrations"]')).to_have_attribute("data-status", "ok")
    ui.check_page("integration")


def test_a_viewer_sees_the_integration_page_without_the_settle_button(ui: Ui) -> None:
    ui.login(ui.stack.users.viewer.email)
    page = ui.goto("/integration")
    expect(page.get_by_role("heading", level=1)).to_have_text("Intégration Qonto")
    expect(page.get_by_role("button", name="Régler les écritures en attente")).to_have_count(0)


def test_audit_journal_filters_and_verifies_the_chain(ui: Ui) -> None:
    ui.login(ui.stack.users.accountant.email)
    page = ui.goto("/audit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal d'audit")
    page.get_by_label("Action").select_option(label="Connexion")
    expect(page).to_have_url(re.compile(r"action=auth\.login"))
    expect(page.locator("#entries tbody tr").first).to_contain_text("Connexion")
    page.get_by_role("button", name="Vérifier la chaîne d'intégrité").click()
    expect(page.locator("#verification")).to_contain_text("Chaîne intègre")
    ui.check_page("audit")


def test_administration_creates_a_token_and_shows_its_secret_once(ui: Ui) -> None:
    ui.login(ui.stack.users.admin.email)
    page = ui.goto("/administration")
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    page.get_by_text("Créer un jeton").click()
    page.get_by_label("Nom du jeton").fill("Export comptable")
    page.get_by_role("button", name="Créer le jeton").click()
    expect(page.get_by_label("Jeton d'API")).to_have_value(re.compile(r"^vrn_"))
    ui.check_page("administration")
    page.get_by_text("Créer un utilisateur").click()
    page.get_by_label("E-mail", exact=True).fill("compta@verone")
    page.get_by_label("Mot de passe (12 caractères au moins)").fill("court")
    page.get_by_role("button", name="Créer l'utilisateur").click()
    expect(page.locator("#new-password + .field-error")).to_have_text("12 caractères au moins.")
    expect(page.locator("#new-email + .field-error")).to_have_text("Format invalide.")
    page.screenshot(path=str(ui.screenshots / "administration-errors.png"), full_page=True)


def test_a_viewer_has_no_administration(ui: Ui) -> None:
    ui.login(ui.stack.users.viewer.email)
    page = ui.goto("/")
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)
    expect(page.locator("button, [role=button]").filter(has_text="Régler")).to_have_count(0)
