"""The weekly brief end to end in a real browser (Debian's Chromium, driven by Playwright):
an editor builds a brief from five articles, reorders them, sends it for review; a second
editor publishes it; it prints to PDF with its label; an analyst without AMBER clearance
cannot see it. axe-core checks every brief page on the way."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from briefs.models import Brief
from tests.browser_support import SCREENSHOTS, assert_accessible, browser, sign_in
from tests.factories import ArticleFactory
from tests.pdf_text import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser"]  # the fixture, imported for pytest

TITLES = [
    "Alpha botnet grows",
    "Bravo loader returns",
    "Charlie VPN flaw",
    "Delta patch Tuesday",
    "Echo leak",
]


@pytest.fixture
def week_articles():
    now = timezone.now()
    monday = timezone.localtime(now) - dt.timedelta(days=timezone.localtime(now).weekday())
    start = monday.replace(hour=0, minute=30, second=0, microsecond=0)
    categories = ["malware", "malware", "vulnerability", "vulnerability", "breach"]
    return [
        ArticleFactory(
            title=title,
            tlp="amber" if title.startswith("Echo") else "green",
            category=category,
            assessment=f"{title.split()[0]} matters to us.",
            published_at=min(start + dt.timedelta(minutes=n), now),
        )
        for n, (title, category) in enumerate(zip(TITLES, categories, strict=True))
    ]


def press(page, action: str, title: str) -> None:
    """Click the button "<action>: <title>" (the title is visually hidden text)."""
    name = re.compile(rf"^{re.escape(action)}\s*:?\s*“?{re.escape(title)}”?$")
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def item_titles(page) -> list[str]:
    return page.locator(".assembly__item-title > a").all_inner_texts()


def test_editor_builds_reviews_and_publishes_a_brief_that_a_green_analyst_cannot_see(
    browser, live_server, make_user, week_articles
):
    make_user("amber", "editor", username="ed-one")
    make_user("amber", "editor", username="ed-two")
    make_user("green", "analyst", username="green-analyst")
    make_user("amber", "analyst", username="amber-analyst")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page = sign_in(browser, live_server, "ed-one")
    page.goto(f"{live_server.url}/briefs/")
    assert_accessible(page, "the brief list (editor)")
    page.fill("#start-title", "Friday brief")
    page.get_by_role("button", name="Start the brief").click()
    page.wait_for_url("**/edit/")
    assert_accessible(page, "an empty brief's assembly page")

    for title in TITLES:
        press(page, "Add", title)
        page.wait_for_selector(f".assembly__item-title > a:has-text('{title}')")
    assert page.locator("#tlp .tlp").inner_text() == "TLP:AMBER"
    assert "rose from TLP:GREEN to TLP:AMBER" in page.locator(".messages").inner_text()
    assert item_titles(page) == TITLES  # sections follow the categories, items the order added

    press(page, "Move up", "Bravo loader returns")
    press(page, "Move down", "Charlie VPN flaw")
    reordered = [
        "Bravo loader returns",
        "Alpha botnet grows",
        "Delta patch Tuesday",
        "Charlie VPN flaw",
        "Echo leak",
    ]
    assert item_titles(page) == reordered

    page.get_by_label("Commentary on “Charlie VPN flaw”").fill("Patch the gateways this week.")
    press(page, "Save commentary on", "Charlie VPN flaw")
    page.fill("#new-judgment", "Exploitation of the VPN flaw is very likely within a month.")
    page.locator("#judgments fieldset label", has_text="Charlie VPN flaw").locator("input").check()
    page.get_by_role("button", name="Add the key judgment").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Draft the summary from the items").click()
    page.wait_for_load_state()
    assert "Charlie matters to us." in page.input_value("#brief-summary")
    page.get_by_role("button", name="Save title and summary").click()
    page.wait_for_load_state()
    assert_accessible(page, "the assembly page with five items")
    page.screenshot(path=str(SCREENSHOTS / "brief-assembly.png"), full_page=True)
    page.get_by_role("button", name="Send for review").click()
    page.wait_for_load_state()
    assert "another editor or an admin must approve it" in page.content()
    assert page.get_by_role("button", name="Approve and publish").count() == 0
    brief = Brief.objects.get()
    assert brief.status == "in_review"

    reviewer = sign_in(browser, live_server, "ed-two")
    reviewer.goto(f"{live_server.url}/briefs/{brief.pk}/edit/")
    assert_accessible(reviewer, "a brief in review")
    reviewer.get_by_role("button", name="Approve and publish").click()
    reviewer.wait_for_url(f"**/briefs/{brief.pk}/")
    assert reviewer.locator(".brief__marking .tlp").all_inner_texts() == ["TLP:AMBER", "TLP:AMBER"]
    assert reviewer.locator(".brief__item-title").all_inner_texts()[0].startswith("[1] Bravo loader returns")
    assert_accessible(reviewer, "the published brief")
    reviewer.screenshot(path=str(SCREENSHOTS / "brief-published.png"), full_page=True)

    pdf = reviewer.pdf(format="A4")
    printed = pdf_text(pdf)
    pages = pdf.count(b"/Type /Page\n")
    assert pages >= 2
    # The label at the top and the bottom of every printed page (FIRST: header and footer).
    assert printed.count("TLP:AMBER — share only as this label allows.") == pages
    assert printed.count(f"Friday brief · {brief.week_label}") == pages
    assert "Friday brief" in printed
    assert "Patch the gateways this week." in printed
    assert "almost no chance" in printed
    assert "Sign out" not in printed  # the portal's masthead is not printed

    reader = sign_in(browser, live_server, "amber-analyst")
    reader.goto(f"{live_server.url}/briefs/")
    reader.get_by_role("link", name="Friday brief").click()
    reader.wait_for_url(f"**/briefs/{brief.pk}/")
    assert_accessible(reader, "the published brief (reader)")

    outsider = sign_in(browser, live_server, "green-analyst")
    outsider.goto(f"{live_server.url}/briefs/")
    assert outsider.get_by_role("link", name="Friday brief").count() == 0
    assert_accessible(outsider, "the brief list of a GREEN analyst")
    response = outsider.goto(f"{live_server.url}/briefs/{brief.pk}/")
    assert response.status == 404
    assert outsider.goto(f"{live_server.url}/briefs/{brief.pk}/brief.md").status == 404


def test_the_send_feed_public_and_warning_pages_pass_axe(browser, live_server, make_user):
    from briefs import judgments
    from tests.briefs_support import draft, published

    author = make_user("amber", "editor", username="ax-one")
    approver = make_user("amber", "editor", username="ax-two")
    brief = published(author, approver, ArticleFactory(tlp="clear", title="Clear news"), title="Public brief")
    warned = draft(author, ArticleFactory(tlp="green"), week=50)
    judgments.add_judgment(
        warned, author, warned.version, "It is probable; we have high confidence it is likely.", "high", []
    )

    page = sign_in(browser, live_server, "ax-one")
    for path, what in [
        (f"/briefs/{brief.pk}/send/", "the send page"),
        ("/briefs/feed/", "the feed address page"),
        (f"/briefs/{warned.pk}/edit/", "an assembly page with estimative warnings"),
    ]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page, what)
    assert page.locator(".warning").count() >= 2

    anonymous = browser.new_page()
    anonymous.goto(f"{live_server.url}/briefs/public/")
    assert_accessible(anonymous, "the public brief list")
    anonymous.get_by_role("link", name="Public brief").click()
    anonymous.wait_for_url(f"**/briefs/public/{brief.pk}/")
    assert anonymous.locator(".brief__marking .tlp").all_inner_texts() == ["TLP:CLEAR", "TLP:CLEAR"]
    assert_accessible(anonymous, "a public brief")
