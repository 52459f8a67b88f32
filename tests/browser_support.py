"""What the browser tests share: Debian's Chromium driven by Playwright, signing in, and
axe-core's WCAG check of a page.

Import the ``browser`` fixture into a test module (``from tests.browser_support import
browser``) and mark the module ``browser``. ``assert_accessible(page)`` runs axe-core (from
its npm package, installed by ``npm ci`` in scripts/test.sh) against the page as it stands
and fails with one line per violation and element.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.factories import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "var" / "test" / "screenshots"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what the portal promises (docs/accessibility.md).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    from tests.conftest import require_service

    require_service("Chromium", bool(shutil.which(CHROMIUM)))
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django's ORM refuses to run beside one unless
    # told it is safe. Only while the browser runs: later tests start processes (gunicorn,
    # check --deploy) that inherit the environment and must not see it.
    was_set = "DJANGO_ALLOW_ASYNC_UNSAFE" in os.environ
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        # The background-networking flags stop Chromium calling home on a machine with no internet.
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
    if not was_set:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def new_page(browser: Browser, viewport: dict[str, int] = DESKTOP) -> Page:
    """A page that records every Content-Security-Policy violation in ``page.csp_violations``
    (the browser reports them on the console), so a test can also say the page needs no
    inline script or style."""
    page = browser.new_page(viewport=viewport)
    page.csp_violations = []  # type: ignore[attr-defined]

    def record(message) -> None:
        if "Content Security Policy" in message.text:
            page.csp_violations.append(message.text)  # type: ignore[attr-defined]

    page.on("console", record)
    return page


def sign_in(browser: Browser, live_server, username: str, viewport: dict[str, int] = DESKTOP) -> Page:
    """A new page signed in through the login form as ``username`` (password: PASSWORD)."""
    page = new_page(browser, viewport)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it is now."""
    from tests.conftest import require_service

    require_service("axe-core (run `npm ci`)", AXE_JS.is_file())
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # page.add_script_tag(path=...) would add an inline <script>, which the portal's CSP
        # (script-src 'self') rightly refuses. Evaluating the file through the DevTools
        # protocol is not subject to the page's CSP, so the policy stays on for the test.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;void 0")
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
             .then(r => r.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
             })))""",
        AXE_TAGS,
    )
    return list(result)


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(" ".join(part) if isinstance(part, list) else part for part in node["target"])
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {target} — {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page, what: str = "") -> None:
    """Fail with a readable list (rule, impact, elements) when axe-core finds any WCAG A/AA
    violation on the page, or when the page broke its Content-Security-Policy."""
    violations = axe_violations(page)
    where = what or page.url
    assert not violations, f"axe-core found WCAG violations on {where}:\n{describe_violations(violations)}"
    csp = getattr(page, "csp_violations", [])
    assert not csp, f"{where} broke the Content-Security-Policy:\n" + "\n".join(csp)
