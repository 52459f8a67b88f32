"""A real browser (Debian's Chromium, driven by Playwright) signs in and reads the seed."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import call_command

# The Chromium fixture lives in tests/browser_support.py; other browser tests import it from
# there (test_source_health_browser.py still imports it from here).
from tests.browser_support import SCREENSHOTS, browser  # noqa: F401
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_signs_in_and_reads_the_seed_article(browser, live_server, make_user):  # noqa: F811
    call_command("load_seeds")
    make_user("green", username="reader")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/articles/")
    assert "/accounts/login/" in page.url  # every page needs a login

    page.fill("#id_username", "reader")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/articles/")
    assert page.locator(".count").inner_text() == "1 article"

    page.click("text=Microsoft Bets $10B to Boost Japan's AI, Cybersecurity")
    page.wait_for_selector("h1.story__title")
    assert (
        page.locator("h1.story__title").inner_text()
        == "Microsoft Bets $10B to Boost Japan's AI, Cybersecurity"
    )
    assert "Robert Lemos" in page.locator(".dateline").inner_text()
    assert page.locator(".story .tlp").inner_text() == "TLP:CLEAR"
    headings = [h.upper() for h in page.locator(".story h2").all_inner_texts()]
    sections = [h for h in headings if h in {"EXECUTIVE SUMMARY", "SUMMARY", "PUBLISHED ANALYSIS"}]
    assert sections == ["EXECUTIVE SUMMARY", "SUMMARY", "PUBLISHED ANALYSIS"]

    # Enrichment ran (eagerly in tests): the findings panel names Microsoft and Japan, and
    # clicking a finding highlights each place it occurs in the text.
    assert "strategic" in page.locator(".panel--assessment").inner_text().lower()
    page.click(".finding-link:has-text('Japan')")
    highlighted = page.locator("mark.finding.is-active").all_inner_texts()
    assert highlighted and set(highlighted) == {"Japan"}
    # ...in every section it occurs in: title, teaser, executive summary and analysis.
    assert page.locator("h1 mark.finding.is-active").count() == 1
    assert page.locator(".story__teaser mark.finding.is-active").count() == 1
    assert len(highlighted) == 1 + 1 + 2 + 2
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "seed-article.png"), full_page=True)


def test_filter_sidebar_works_on_a_phone_sized_screen(browser, live_server, make_user):  # noqa: F811
    call_command("load_seeds")
    make_user("clear", username="phone")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/?next=/articles/")  # sign-in lands on the dashboard
    page.fill("#id_username", "phone")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/articles/")
    page.fill("#id_q", "nothing-matches-this")
    page.click("text=Apply")
    page.wait_for_selector(".empty")
    assert "q=nothing-matches-this" in page.url
    page.click(".chip__remove")
    page.wait_for_selector(".row__title")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "phone-list.png"), full_page=True)


def test_article_with_long_hashes_and_urls_does_not_overflow_a_phone(browser, live_server, make_user):  # noqa: F811
    from articles.processing import process_article
    from tests.factories import ArticleFactory

    make_user("clear", username="phone")
    # 128 hex characters, one unbreakable word (a repeated pattern like "ab12" * 32 is a placeholder)
    sha512 = hashlib.sha512(b"loader").hexdigest()
    url = "https://files.example.org/download/" + "x" * 265  # 300 characters, no break opportunity
    text = f"The loader drops {sha512} and fetches {url} before it calls home."
    article = ArticleFactory(
        title=f"Loader fetches {url}",
        teaser=f"Hash {sha512} seen.",
        executive_summary=text,
        summary=text,
        body_text=text,
        body_html=f"<p>{text}</p><table><tr><td>{sha512}</td><td>{url}</td></tr></table><pre>{url}</pre>",
        tags=[f'misp-galaxy:malpedia="{sha512}"'],
        processing_status="pending",
    )
    process_article(article.pk)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/?next=/articles/")  # sign-in lands on the dashboard
    page.fill("#id_username", "phone")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/articles/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the list row
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.wait_for_selector(".findings")
    # The original formatting (a table and a <pre>) must fit too once opened.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "phone-long-values.png"), full_page=True)
    assert page.locator("mark.finding").count() >= 5  # every section has its findings marked
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
