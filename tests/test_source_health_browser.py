"""The health page in a real browser at 1280 px: a long last error wraps and is fully readable."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.factories import PASSWORD, SourceFactory
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401 (the Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_URL = "https://feeds.example-of-a-rather-long-host-name.org/" + "segment/" * 12 + "feed.xml"
LONG_ERROR = (
    f"Refused to fetch {LONG_URL}: feeds.example-of-a-rather-long-host-name.org resolves to "
    "10.1.2.3, which is a private-network address. Requests to internal addresses are blocked "
    "to protect the portal's own network. If this source really lives on an internal network, "
    "an administrator can add that network to FETCH_ALLOW_NETWORKS."
)


def test_a_long_last_error_wraps_inside_the_page_at_1280_px(browser, live_server, make_user):  # noqa: F811
    make_user("red", "admin", username="boss")
    for n in range(3):
        SourceFactory(
            name=f"Broken feed with a long name {n}",
            url=LONG_URL,
            consecutive_failures=3,
            last_error=LONG_ERROR,
            last_error_kind="blocked-address",
            last_error_at=timezone.now(),
            last_polled_at=timezone.now(),
        )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/sources/health/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/sources/health/")

    cell = page.locator(".source-row__error").first
    box = cell.bounding_box()
    layout = page.evaluate(
        """() => {
            const cell = document.querySelector('.source-row__error');
            return {
                pageWidth: document.documentElement.scrollWidth,
                cellScroll: cell.scrollWidth,
                cellClient: cell.clientWidth,
            };
        }"""
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "source-health-1280.png"), full_page=True)

    assert layout["pageWidth"] <= 1280, "the page scrolls sideways: the error does not wrap"
    assert box["x"] + box["width"] <= 1280
    assert layout["cellScroll"] <= layout["cellClient"], "part of the error is cut off"
    assert "FETCH_ALLOW_NETWORKS." in cell.inner_text()
    page.close()
