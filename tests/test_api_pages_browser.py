# ruff: noqa: F811 (browser: the Chromium fixture, imported then named as an argument)
"""The API token page and the API reference pass axe-core in a real browser, on a desktop
and a phone, and a token is created, copied from the page and revoked with the keyboard alone."""

from __future__ import annotations

import pytest

from api.models import ApiToken
from tests.browser_support import DESKTOP, PHONE, assert_accessible, browser, sign_in  # noqa: F401


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_token_page_passes_axe_empty_with_an_error_and_with_a_new_token(
    browser, live_server, make_user, viewport
):
    make_user("amber", username="scripter")
    page = sign_in(browser, live_server, "scripter", viewport)
    page.goto(f"{live_server.url}/settings/api-tokens/")
    assert_accessible(page, "the token page, empty")
    page.click("button:has-text('Create token')")
    page.wait_for_selector(".error")
    assert_accessible(page, "the token page with an error")
    page.fill("#id_name", "SIEM lookup")
    page.check("#id_scope_1")
    page.click("button:has-text('Create token')")
    page.wait_for_selector("#new-token")
    assert_accessible(page, "the token page with a new token")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the page is {width} px wide on a {viewport['width']} px screen"
    page.close()


def test_a_token_is_made_and_revoked_with_the_keyboard(browser, live_server, make_user):
    make_user("amber", username="keyboarder")
    page = sign_in(browser, live_server, "keyboarder")
    page.goto(f"{live_server.url}/settings/api-tokens/")
    page.focus("#id_name")
    page.keyboard.type("From the keyboard")
    page.keyboard.press("Enter")
    page.wait_for_selector("#new-token")
    secret = page.input_value("#new-token")
    token = ApiToken.objects.get(name="From the keyboard")
    assert secret.startswith(token.display_prefix)
    page.focus(f"#token-{token.pk} button")
    page.keyboard.press("Enter")
    page.wait_for_selector(".message")
    token.refresh_from_db()
    assert token.revoked_at is not None
    page.close()


def test_the_api_reference_passes_axe(browser, live_server, make_user):
    make_user("clear", username="docreader")
    page = sign_in(browser, live_server, "docreader", PHONE)
    page.goto(f"{live_server.url}/api/v1/docs/")
    assert_accessible(page, "the API reference")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the reference is {width} px wide on a phone"
    page.close()
