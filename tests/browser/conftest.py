"""Browser tests: Playwright for Python driving Debian's Chromium (``/usr/bin/chromium``,
installed by ``.ci/run``; Playwright's own browser download is never used) against the real
back office and the real sandbox on loopback ports (``tests/e2e/conftest.py``'s stack).

Every main page is screenshotted into ``VERONE_SCREENSHOTS`` (default: the test's tmp dir)
and checked with axe-core, injected from the vendored copy.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.conftest import PASSWORD, Stack, running_stack
from verone.backoffice.web.templating import STATIC_DIR

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FRENCH = "/usr/lib/chromium/locales/fr.pak"
# Chromium draws a date field in its own interface language, which on Linux it takes from the
# environment (not from --lang, nor from the page's locale) and only when Debian's
# chromium-l10n is installed: French, so a date reads and types as jour/mois/année.
FRENCH_BROWSER_ENV: dict[str, str | float | bool] = {
    **os.environ,
    "LANGUAGE": "fr_FR:fr",
    "LANG": "fr_FR.UTF-8",
}
AXE = STATIC_DIR / "vendor" / "axe-core" / "axe.min.js"
assert AXE.exists(), "axe-core is vendored under static/ (scripts/vendor-assets.sh)"
BLOCKING = {"serious", "critical"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir: Path = tmp_path_factory.mktemp("browser-stack")
    with running_stack(workdir, f"sqlite:///{workdir / 'verone.sqlite3'}") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Per module: Playwright's sync API runs an event loop that must be gone before the
    tests that call ``asyncio.run`` themselves."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does)")
    if not Path(CHROMIUM_FRENCH).exists():
        pytest.fail(
            f"{CHROMIUM_FRENCH} is missing: install Debian's chromium-l10n (make test does)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking"],
            env=FRENCH_BROWSER_ENV,
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("VERONE_SCREENSHOTS")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Ui:
    """One logged-in browser tab, with the checks every main page goes through."""

    def __init__(self, page: Page, stack: Stack, screenshots: Path) -> None:
        self.page = page
        self.stack = stack
        self.screenshots = screenshots
        self.console_errors: list[str] = []
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )

    def goto(self, path: str) -> Page:
        self.page.goto(self.stack.url + path)
        return self.page

    def login(self, email: str, password: str = PASSWORD) -> None:
        self.goto("/connexion")
        self.page.get_by_label("Adresse e-mail").fill(email)
        self.page.get_by_label("Mot de passe").fill(password)
        self.page.get_by_role("button", name="Se connecter").click()
        expect(self.page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    def check_page(self, name: str) -> None:
        """Screenshot, then axe-core: no serious or critical violation, no console error."""
        self.page.wait_for_load_state("networkidle")
        self.page.screenshot(path=str(self.screenshots / f"{name}.png"), full_page=True)
        # Served by the product itself, so the pages' CSP (script-src 'self') allows it.
        self.page.add_script_tag(url=f"{self.stack.url}/static/vendor/axe-core/axe.min.js")
        result = self.page.evaluate("async () => JSON.stringify(await axe.run(document))")
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in json.loads(result)["violations"]
            if v["impact"] in BLOCKING
        ]
        assert violations == [], f"axe-core on {name}"
        assert self.console_errors == [], f"console errors on {name}"

    def flash(self) -> str:
        return self.page.locator(".flash").inner_text()

    def document_id(self) -> str:
        found = re.search(r"/factures/([0-9a-f-]{36})", self.page.url)
        assert found is not None, self.page.url
        return found.group(1)


@pytest.fixture
def ui(browser: Browser, stack: Stack, screenshots: Path) -> Iterator[Ui]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1360, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield Ui(page, stack, screenshots)
    context.close()
