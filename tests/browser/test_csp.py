"""The pages run under the Content-Security-Policy the back office sends: Chromium loads the
login page, the dashboard, the invoice list and /api/docs with their vendored assets and
reports no CSP violation; every answer carries the policy and ``no-store``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, sync_playwright

from tests.e2e.conftest import PASSWORD, Stack

PAGES = ("/", "/factures", "/api/docs")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-background-networking"],
        )
        yield launched
        launched.close()


def test_pages_and_their_assets_satisfy_the_policy(stack: Stack, browser: Browser) -> None:
    page = browser.new_page()
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    policies: list[tuple[str, str | None, str | None]] = []
    page.on(
        "response",
        lambda response: policies.append(
            (
                response.url,
                response.headers.get("content-security-policy"),
                response.headers.get("cache-control"),
            )
        ),
    )
    page.goto(stack.url + "/connexion")
    page.fill("input[name=email]", stack.users.accountant.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    for path in PAGES:
        page.goto(stack.url + path)
        page.wait_for_load_state("networkidle")
    page.wait_for_selector("#swagger-ui .info", timeout=15000)  # Swagger UI ran
    page.close()
    assert violations == [], "\n".join(violations)
    html = [(url, csp, cache) for url, csp, cache in policies if "/static/" not in url]
    assert html, "no page answered"
    for url, csp, cache in html:
        assert csp is not None, url
        assert "script-src 'self'" in csp, url
        assert "unsafe-inline" not in csp, url
        assert cache == "no-store", url
