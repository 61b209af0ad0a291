"""Browser tests: Chromium driven by Playwright against pytest-django's live
server. Every page a test visits is checked with axe-core."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from mentoring.celery import app
from tests.sso.oidc_idp import *  # noqa: F403 - the identity providers' fixtures, for the sign-in journeys
from tests.sso.saml_idp import *  # noqa: F403

AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail(
            "Chromium is needed for the browser tests: `apt-get install chromium`, or set CHROMIUM=/path."
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Browser:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Page:
    # axe is injected as a script; the page's own CSP would (rightly) refuse it.
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def eager_tasks():
    """Runs tasks in the live server's thread instead of sending them to Redis,
    so the emails they send land in ``mailoutbox`` of this process. (Delivery
    through the real broker and worker is tested in tests/test_celery.py.)"""
    before = {name: app.conf[name] for name in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(before)


def screenshot(page: Page, name: str) -> Path:
    """Saves a full-page screenshot under test-results/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page: Page) -> None:
    """Runs axe-core on the page as it is now; fails listing every violation."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"
    )
    assert violations == [], f"axe-core found violations on {page.url}:\n" + "\n".join(violations)
