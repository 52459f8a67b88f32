"""Saved searches in a real browser: an analyst searches, saves the search from the list's
sidebar with the keyboard, sees its new count after an article arrives (and never one
above their clearance), opens it, and manages it — every page passing axe-core."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser_support import assert_accessible, browser, sign_in  # noqa: F401 (the fixture)
from tests.factories import ArticleFactory
from workspace.models import SavedSearch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_save_a_search_see_its_new_count_open_it_and_manage_it(browser, live_server, make_user):  # noqa: F811
    green = make_user("green", username="gwen")
    ArticleFactory(title="Loader campaign hits clinics", tags=["loader"], tlp="green")
    page = sign_in(browser, live_server, "gwen")
    page.goto(f"{live_server.url}/articles/?tag=loader&after=")
    assert_accessible(page, "the filtered list with the save form")

    name = page.get_by_label("Save this search as")
    name.focus()
    page.keyboard.type("Loader watch")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "tag=loader" in url)
    expect(page.get_by_text("This search is saved as “Loader watch”")).to_be_visible()
    search = SavedSearch.objects.get(user=green)
    assert search.query == "tag=loader"

    # Two articles arrive: one the analyst may read, one above their clearance.
    ArticleFactory(title="Loader returns", tags=["loader"], tlp="green", published_at=timezone.now())
    ArticleFactory(title="Loader, amber", tags=["loader"], tlp="amber", published_at=timezone.now())
    SavedSearch.objects.filter(pk=search.pk).update(counted_at=None)  # as if the interval had passed
    page.goto(f"{live_server.url}/articles/")
    link = page.get_by_role("link", name="Loader watch")
    expect(link).to_be_visible()
    expect(page.locator(".saved-searches")).to_contain_text("Loader watch (1 new)")
    assert_accessible(page, "the list with a saved search and its count")

    link.click()
    page.wait_for_url(lambda url: url.endswith("/articles/?tag=loader"))
    expect(page.locator(".row__title")).to_have_count(2)  # the amber one is not there either
    expect(page.locator(".saved-searches")).to_contain_text("Loader watch (nothing new)")

    page.goto(f"{live_server.url}/workspace/searches/")
    assert_accessible(page, "the saved searches page")
    page.get_by_label("E-mail digest").select_option("weekly")
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_role("button", name="Save changes").click()
    # An empty name: the browser's own check stops the post; the field says why.
    assert page.get_by_label("Name", exact=True).evaluate("field => !field.validity.valid")
    page.get_by_label("Name", exact=True).fill("Loaders")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved the changes to “Loaders”.")).to_be_visible()
    search.refresh_from_db()
    assert (search.name, search.digest) == ("Loaders", "weekly")

    page.get_by_role("button", name="Delete “Loaders”").click()
    expect(page.get_by_text("No saved searches yet.")).to_be_visible()
    assert_accessible(page, "the saved searches page, empty")
