"""Keyboard triage in a real browser (Debian's Chromium, driven by Playwright)."""

from __future__ import annotations

import pytest

from tests.browser_support import SCREENSHOTS, assert_accessible, browser, sign_in
from tests.factories import PASSWORD, ArticleFactory
from workspace.models import ReadingState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser"]  # the fixture, imported for pytest


@pytest.fixture
def articles():
    # Newest first on the list: "Third" is the first row.
    return [ArticleFactory(title=title, tlp="green") for title in ("First", "Second", "Third")]


def focused_row_title(page) -> str | None:
    return page.evaluate(
        "() => { const r = document.activeElement.closest('article.row');"
        " return r ? r.querySelector('.row__title').innerText : null; }"
    )


def test_analyst_triages_the_list_from_the_keyboard(browser, live_server, make_user, articles):
    user = make_user("green", username="triager")
    first, second, _third = articles
    page = sign_in(browser, live_server, "triager")
    page.goto(f"{live_server.url}/articles/")
    assert page.locator(".badge-unread").count() == 3
    assert_accessible(page, "the article list with triage controls")

    page.keyboard.press("j")
    assert focused_row_title(page) == "Third"
    page.keyboard.press("j")
    assert focused_row_title(page) == "Second"

    page.keyboard.press("s")  # htmx swaps the star button in place
    page.wait_for_selector(f'#star-{second.pk}[aria-pressed="true"]')
    assert ReadingState.objects.get(user=user, article=second).starred_at is not None
    assert focused_row_title(page) == "Second"  # still on the same row after the swap

    page.keyboard.press("m")
    page.wait_for_selector(f"#read-{second.pk}:has-text('Mark unread')")
    assert page.locator(".badge-unread").count() == 2
    assert ReadingState.objects.get(user=user, article=second).read_at is not None

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "workspace-list.png"))
    page.keyboard.press("k")
    assert focused_row_title(page) == "Third"
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url(f"**{second.get_absolute_url()}")
    assert page.locator(f"#star-{second.pk}").get_attribute("aria-pressed") == "true"
    assert ReadingState.objects.filter(user=user, read_at__isnull=False).count() == 1
    assert first.pk not in ReadingState.objects.values_list("article_id", flat=True)

    # On the article page s and m act on the article itself.
    page.keyboard.press("s")
    page.wait_for_selector(f'#star-{second.pk}[aria-pressed="false"]')
    assert not ReadingState.objects.get(user=user, article=second).starred_at
    assert_accessible(page, "the article page with its triage panel")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "workspace-article.png"), full_page=True)


def test_the_help_overlay_is_a_dialog_that_escape_closes_returning_focus(
    browser, live_server, make_user, articles
):
    make_user("green", username="helpme")
    page = sign_in(browser, live_server, "helpme")
    page.goto(f"{live_server.url}/articles/")
    page.keyboard.press("j")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    dialog.wait_for()
    assert page.evaluate("document.getElementById('shortcuts-help').open")
    assert page.evaluate("document.getElementById('shortcuts-help').contains(document.activeElement)")
    assert "Star or unstar" in dialog.inner_text()
    page.keyboard.press("j")  # keys in the dialog do not move the list behind it
    assert_accessible(page, "the shortcuts overlay")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "workspace-shortcuts.png"))
    page.keyboard.press("Escape")
    page.wait_for_selector("#shortcuts-help:not([open])", state="attached")
    assert focused_row_title(page) == "Third"  # focus went back to where it was


def test_enter_on_a_focused_row_opens_it_and_marks_it_read(browser, live_server, make_user, articles):
    user = make_user("green", username="enterer")
    page = sign_in(browser, live_server, "enterer")
    page.goto(f"{live_server.url}/articles/")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{articles[2].get_absolute_url()}")
    assert ReadingState.objects.get(user=user, article=articles[2]).read_at is not None


def test_t_goes_to_the_tag_field_of_the_focused_row_or_the_article(browser, live_server, make_user, articles):
    make_user("green", username="tagger")
    third = articles[2]
    page = sign_in(browser, live_server, "tagger")
    page.goto(f"{live_server.url}/articles/")
    page.keyboard.press("j")
    page.keyboard.press("t")  # the row's editor is loaded in place, then focused
    page.wait_for_selector(f"#row-tag-input-{third.pk}:focus")
    assert page.evaluate("document.activeElement.value") == ""  # the t was not typed into it
    page.goto(f"{live_server.url}{third.get_absolute_url()}")
    page.keyboard.press("t")
    assert page.evaluate("document.activeElement.id") == f"tag-input-{third.pk}"


def test_all_on_this_page_selects_every_row_for_a_bulk_star(browser, live_server, make_user, articles):
    user = make_user("green", username="bulkstar")
    page = sign_in(browser, live_server, "bulkstar")
    page.goto(f"{live_server.url}/articles/")
    page.get_by_label("Select all on this page").check()
    page.click("text=Star selected")
    page.wait_for_selector("text=Starred 3 articles.")
    assert ReadingState.objects.filter(user=user, starred_at__isnull=False).count() == 3
    assert page.locator('[data-shortcut="star"][aria-pressed="true"]').count() == 3


def test_keys_typed_into_a_field_are_text_not_shortcuts(browser, live_server, make_user, articles):
    make_user("green", username="typist")
    page = sign_in(browser, live_server, "typist")
    page.goto(f"{live_server.url}/articles/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("jsm?")
    assert page.evaluate("document.activeElement.value") == "jsm?"
    assert not page.evaluate("document.getElementById('shortcuts-help').open")
    assert not ReadingState.objects.exists()


def test_star_and_bulk_actions_work_without_javascript(browser, live_server, make_user, articles):
    user = make_user("green", username="nojs")
    first, second, third = articles
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "nojs")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/articles/")

    page.click(f"#star-{first.pk}")
    page.wait_for_selector(f'#star-{first.pk}[aria-pressed="true"]')
    page.check(f'input[type="checkbox"][value="{second.pk}"]')
    page.check(f'input[type="checkbox"][value="{third.pk}"]')
    page.click("text=Mark selected read")
    page.wait_for_selector("text=Marked 2 articles read.")
    assert page.locator(".badge-unread").count() == 1
    assert set(
        ReadingState.objects.filter(user=user, read_at__isnull=False).values_list("article", flat=True)
    ) == {
        second.pk,
        third.pk,
    }
    page.click("text=Mark all on this page read")
    page.wait_for_selector("text=Marked 1 article read.")
    assert page.locator(".badge-unread").count() == 0
    context.close()


def test_new_and_starred_lists_pass_the_accessibility_check(browser, live_server, make_user, articles):
    from workspace import actions

    user = make_user("green", username="lists")
    actions.star(user, [articles[0].pk])
    page = sign_in(browser, live_server, "lists")
    for path in ["/workspace/starred/", "/workspace/new/"]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page, path)
    assert page.locator("h1").inner_text() == "New since your last visit"
