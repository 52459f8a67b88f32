"""Every page an analyst sees passes axe-core's WCAG 2.1 A/AA rules in a real browser, and the
keyboard paths the issue names work: Tab reaches the first article in a few presses, and a
finding's highlight toggle says it is pressed, moves focus and announces the count."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from articles.ingest.upsert import IncomingArticle, upsert_article
from articles.models import Article, Entity
from articles.processing import process_article
from tests.browser_support import (  # noqa: F401 (browser: the Chromium fixture)
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    assert_accessible,
    axe_violations,
    browser,
    new_page,
    sign_in,
)
from tests.factories import ArticleFactory, AuthorFactory, SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IOC_TEXT = (
    "APT28 staged the loader on 185.220.101.4 and tested it against 203.0.113.5 before the "
    "campaign. The dropper (SHA-256 {sha}) calls c2.update-checker.net and exploits "
    "CVE-2023-23397 in Microsoft Outlook against ministries in Germany. APT28 kept using "
    "185.220.101.4 for weeks."
).format(sha="9f" * 32)


def ingest(source_name: str, guid: str, title: str, text: str, day: int) -> Article:
    incoming = IncomingArticle(
        guid=guid,
        title=title,
        url="",
        published_at=dt.datetime(2026, 5, day, tzinfo=dt.UTC),
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        body_text=text,
        tlp="clear",
    )
    with transaction.atomic():
        article, _ = upsert_article(SourceFactory(name=source_name), incoming)
    return article


def newsroom() -> dict[str, Article]:
    """The seed, an enriched article with indicators (one of them benign) and an author, and a
    story two sources reported."""
    call_command("load_seeds")
    iocs = ArticleFactory(
        title="APT28 loader calls home to c2.update-checker.net",
        teaser="A new dropper and its infrastructure.",
        executive_summary=IOC_TEXT,
        body_text=IOC_TEXT,
        body_html=f"<p>{IOC_TEXT}</p>",
        authors=[AuthorFactory(name="Jane Analyst")],
        tags=["tlp:clear", 'misp-galaxy:threat-actor="APT28"'],
        processing_status="pending",
    )
    process_article(iocs.pk)
    story_text = (
        "Ransomware shut down the records system of a regional hospital network on Monday. "
        "Staff moved to paper charts while the attackers demanded payment."
    )
    first = ingest("Wire", "story-a", "Ransomware shuts down hospital records", story_text, day=1)
    ingest("Daily", "story-b", "Ransomware shuts down hospital records", story_text + " Updated.", day=2)
    return {"iocs": Article.objects.get(pk=iocs.pk), "story": Article.objects.get(pk=first.pk)}


def test_sign_in_page_and_its_error_pass_axe(browser, live_server, make_user):  # noqa: F811
    make_user("clear", username="reader")
    page = new_page(browser)
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page, "the sign-in page")
    page.fill("#id_username", "reader")
    page.fill("#id_password", "not the password")
    page.click("button[type=submit]")
    page.wait_for_selector(".error")
    assert_accessible(page, "the sign-in page with an error")
    page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_article_list_passes_axe_plain_filtered_with_an_error_and_empty(
    browser,  # noqa: F811
    live_server,
    make_user,
    viewport,
):
    newsroom()
    make_user("amber", username="reader")
    page = sign_in(browser, live_server, "reader", viewport)
    for query, what in [
        ("", "the article list"),
        ("?tlp=clear&category=threat-actor&intel_level=tactical&indicator_type=ipv4", "a filtered list"),
        ("?published_from=not-a-date&source=999999", "a list whose filter form has errors"),
        ("?q=nothing-matches-this-word", "an empty list"),
    ]:
        page.goto(f"{live_server.url}/articles/{query}")
        assert_accessible(page, f"{what} ({viewport['width']} px)")
        if not query:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"list-{viewport['width']}.png"), full_page=True)
    page.close()


def test_article_author_entity_and_story_pages_pass_axe(browser, live_server, make_user):  # noqa: F811
    articles = newsroom()
    make_user("amber", username="reader")
    page = sign_in(browser, live_server, "reader")
    iocs = articles["iocs"]
    page.goto(f"{live_server.url}{iocs.get_absolute_url()}")
    page.wait_for_selector(".findings")
    assert page.locator("li.benign").count() >= 1  # the contrast check covers a benign indicator
    assert_accessible(page, "an article with findings")
    # With a finding highlighted, and every <details> open (the original formatting, the
    # classification form).
    page.locator(".finding-toggle").first.click()
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert_accessible(page, "an article with a finding highlighted and its details open")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "article-findings-highlighted.png"), full_page=True)

    page.goto(f"{live_server.url}{iocs.authors.get().get_absolute_url()}")
    assert_accessible(page, "an author page")
    entity = Entity.objects.get(name="APT28")
    page.goto(f"{live_server.url}{entity.get_absolute_url()}")
    assert_accessible(page, "an entity page")
    page.goto(f"{live_server.url}/stories/{articles['story'].story_id}/")
    assert page.locator(".timeline__item").count() == 2
    assert_accessible(page, "a story page")
    page.goto(f"{live_server.url}/articles/999999999/")
    assert_accessible(page, "the 404 page")
    page.close()


def test_sources_health_page_passes_axe_for_an_admin(browser, live_server, make_user):  # noqa: F811
    make_user("red", "admin", username="boss")
    SourceFactory(name="Healthy feed", last_polled_at=timezone.now(), last_success_at=timezone.now())
    SourceFactory(
        name="Broken feed",
        consecutive_failures=3,
        last_error="HTTP 500 from the feed",
        last_error_kind="http",
        last_error_at=timezone.now(),
        last_polled_at=timezone.now(),
    )
    page = sign_in(browser, live_server, "boss")
    page.goto(f"{live_server.url}/sources/health/")
    assert_accessible(page, "the sources health page")
    page.close()


def test_tab_from_the_skip_links_reaches_the_first_article_before_any_filter(
    browser,  # noqa: F811
    live_server,
    make_user,
):
    newsroom()
    make_user("amber", username="reader")
    page = sign_in(browser, live_server, "reader")
    page.goto(f"{live_server.url}/articles/")
    first_title = page.locator(".row__title a").first.inner_text()

    # "Skip to results" (the second Tab) lands on the rows: one more Tab is the first article.
    page.keyboard.press("Tab")
    assert focused_text(page) == "Skip to content"
    page.keyboard.press("Tab")
    assert focused_text(page) == "Skip to results"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused_text(page) == first_title

    # "Skip to content" then Tab: the results come before the filters in the document, so the
    # first article is a few presses away (it took 45, through every filter, before).
    page.goto(f"{live_server.url}/articles/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    for _press in range(12):
        page.keyboard.press("Tab")
        assert not page.evaluate("document.activeElement.closest('#filter-form') !== null"), (
            "a filter got focus before the first article"
        )
        if page.evaluate("document.activeElement.closest('.row__title') !== null"):
            break
    else:
        pytest.fail(f"12 presses after the skip link, focus is on {focused_html(page)}")
    assert focused_text(page) == first_title


def focused_text(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def focused_html(page) -> str:
    return page.evaluate("document.activeElement.outerHTML.slice(0, 200)")


def test_a_highlight_toggle_pressed_with_enter_is_pressed_moves_focus_and_announces(
    browser,  # noqa: F811
    live_server,
    make_user,
):
    articles = newsroom()
    make_user("amber", username="reader")
    page = sign_in(browser, live_server, "reader")
    page.goto(f"{live_server.url}{articles['iocs'].get_absolute_url()}")
    toggle = page.locator(".finding-toggle", has_text="APT28")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-pressed") == "true"
    focused = page.evaluate(
        "[document.activeElement.tagName, document.activeElement.textContent, "
        "document.activeElement.classList.contains('is-active')]"
    )
    assert focused == ["MARK", "APT28", True]
    status = page.locator("#findings-status")
    assert status.get_attribute("aria-live") == "polite"
    count = page.locator("mark.finding.is-active").count()
    assert count >= 2
    expect(status).to_have_text(f"{count} occurrences highlighted")
    # Escape on the highlight takes focus back to its toggle.
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "true"

    # Pressing it again turns the highlight off and says so; another finding turns this one off.
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.locator("mark.finding.is-active").count() == 0
    expect(status).to_have_text("Highlight removed")
    page.locator(".finding-toggle", has_text="Germany").focus()
    page.keyboard.press("Space")
    assert page.locator(".finding-toggle[aria-pressed=true]").all_inner_texts() == ["Germany"]
    page.keyboard.press("Escape")
    page.locator(".finding-toggle", has_text="APT28").click()
    assert page.locator(".finding-toggle[aria-pressed=true]").all_inner_texts() == ["APT28"]
    page.close()


def test_sign_in_field_errors_are_the_ones_the_fields_point_at(browser, live_server):  # noqa: F811
    page = new_page(browser)
    page.goto(f"{live_server.url}/accounts/login/")
    # Submit empty fields the way a browser without form validation would.
    page.evaluate("document.querySelector('form[action$=\"/login/\"]').noValidate = true")
    page.click("button[type=submit]")
    page.wait_for_selector(".error")
    for field in ("#id_username", "#id_password"):
        described = page.locator(field).get_attribute("aria-describedby")
        assert page.locator(field).get_attribute("aria-invalid") == "true"
        assert described and page.locator(f"#{described}").inner_text() == "This field is required."
    assert page.title().startswith("Error: ")
    assert_accessible(page, "the sign-in page with field errors")
    page.close()


def test_the_checks_catch_what_they_look_for_and_htmx_runs_under_the_policy(
    browser,  # noqa: F811
    live_server,
    make_user,
):
    make_user("clear", username="reader")
    page = sign_in(browser, live_server, "reader")
    page.goto(f"{live_server.url}/articles/")
    # htmx loaded, read its settings from the meta tag, and injected no <style> of its own.
    config = "[htmx.config.allowEval, htmx.config.includeIndicatorStyles, htmx.config.historyCacheSize]"
    assert page.evaluate(config) == [False, False, 0]
    assert page.locator("head style").count() == 0
    assert_accessible(page, "the list with htmx running")

    # The controls, so the silence above means something: axe reports an image without a text
    # alternative, and an inline script is refused by the policy and reported as well.
    page.evaluate("document.body.append(Object.assign(document.createElement('img'), {id: 'bare'}))")
    assert "image-alt" in [violation["id"] for violation in axe_violations(page)]
    page.evaluate("document.getElementById('bare').remove()")
    page.evaluate("document.body.append(Object.assign(document.createElement('script'), {text: '1'}))")
    page.wait_for_timeout(200)  # the console message arrives asynchronously
    with pytest.raises(AssertionError, match="broke the Content-Security-Policy"):
        assert_accessible(page, "the list with an inline script")
    page.close()
