"""The feed preview: what a URL would bring in, fetched and parsed for real, saving nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Source
from articles.views import sources as source_views
from tests.feedserver import fixture_feed_server, fixture_local_feeds  # noqa: F401

pytestmark = pytest.mark.django_db

PREVIEW = reverse("articles:sources-preview")


@pytest.fixture
def staff_client(login, admin_user):
    return login(admin_user)


def url_errors(response) -> list[str]:
    return response.context["form"].errors.get("url", [])


def test_preview_shows_the_feed_and_each_entry_as_it_would_be_ingested(staff_client, local_feeds):
    response = staff_client.post(PREVIEW, {"url": f"{local_feeds}/rss.xml"})

    assert response.status_code == 200
    assert url_errors(response) == []
    html = response.content.decode()
    assert '<h2 class="section-title">Example Security News</h2>' in html
    assert '<span class="label">RSS</span>' in html
    assert "3 entries" in html
    assert "No parse warnings." in html
    # First entry: linked title, date, author, categories, text excerpt.
    assert (
        '<a href="https://news.example.com/2024/05/hospital-ransomware" rel="noopener noreferrer">'
        "Ransomware gang hits regional hospital network</a>"
    ) in html
    assert '<time datetime="2024-05-14T07:30:00+00:00">2024-05-14 07:30 UTC</time>' in html
    assert "· Jane Doe" in html
    assert '<span class="tag">Ransomware</span><span class="tag">Healthcare</span>' in html
    assert (
        '<p class="row__teaser">A ransomware group disrupted three hospitals in the region on Monday. '
        "Emergency rooms diverted ambulances for six hours.</p>"
    ) in html
    # Second entry has no date; third has no link and no author.
    assert "no date" in html
    assert "· John Smith" in html
    assert '<h3 class="row__title">Weekly roundup</h3>' in html
    assert "· no author" in html


def test_preview_shows_the_first_entries_and_counts_the_rest(staff_client, local_feeds, monkeypatch):
    # The real cap is 50; two keeps the fixture feed small (parsing 10,000 entries takes seconds).
    monkeypatch.setattr(source_views, "PREVIEW_MAX_ENTRIES", 2)

    response = staff_client.post(PREVIEW, {"url": f"{local_feeds}/rss.xml"})

    assert [item["entry"].title for item in response.context["entries"]] == [
        "Ransomware gang hits regional hospital network",
        "Patch Tuesday fixed 61 vulnerabilities, two of them exploited in the wild…",
    ]
    assert response.context["hidden_entries"] == 1
    assert "… and 1 more entry not shown." in response.content.decode()


def test_long_entry_text_is_cut_to_200_characters_with_an_ellipsis():
    text = "word " * 100
    assert source_views._excerpt(text) == ("word " * 40).strip() + "…"
    assert len(source_views._excerpt(text)) == 200
    assert source_views._excerpt("  short\n text ") == "short text"


def test_preview_saves_nothing(staff_client, local_feeds):
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.post(PREVIEW, {"url": f"{local_feeds}/rss.xml"})

    assert len(response.context["entries"]) == 3
    assert Article.objects.count() == 0
    assert Source.objects.count() == 0
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_preview_lists_the_parse_warnings_of_a_malformed_feed_and_the_entries_that_survived(
    staff_client, local_feeds
):
    response = staff_client.post(PREVIEW, {"url": f"{local_feeds}/malformed.xml"})

    feed = response.context["feed"]
    assert [e.title for e in feed.entries][:1] == ["First good entry"]
    assert len(feed.errors) == 1
    assert feed.errors[0].startswith(f"{local_feeds}/malformed.xml is not well-formed XML")
    assert '<ul class="preview-warnings">' in response.content.decode()


def test_preview_of_an_html_page_shows_a_readable_error_on_the_form(staff_client, local_feeds):
    response = staff_client.post(PREVIEW, {"url": f"{local_feeds}/page.html"})

    assert response.status_code == 200
    assert url_errors(response) == [
        f"{local_feeds}/page.html returned an HTML page, not a feed — is it the site's home page rather "
        "than its feed URL? Look for an RSS or Atom link on that page."
    ]
    assert response.context["feed"] is None
    assert '<p class="error" role="alert">' in response.content.decode()


def test_preview_of_loopback_without_the_allowance_is_refused_as_a_blocked_address(
    staff_client, feed_server, settings
):
    settings.FETCH_ALLOW_NETWORKS = []
    url = f"{feed_server}/"

    response = staff_client.post(PREVIEW, {"url": url})

    assert response.status_code == 200
    [error] = url_errors(response)
    assert error.startswith(
        f"Refused to fetch {url}: 127.0.0.1 resolves to 127.0.0.1, which is a loopback address. "
        "Requests to internal addresses are blocked"
    )
    assert "FETCH_ALLOW_NETWORKS" in error


def test_preview_of_a_slow_site_times_out_with_a_message(staff_client, local_feeds, settings):
    settings.FETCH_TIMEOUT_SECONDS = 1
    response = staff_client.post(PREVIEW, {"url": f"{local_feeds}/slow-drip"})
    assert url_errors(response) == [
        f"{local_feeds}/slow-drip did not answer completely in time; the site may be slow or "
        "overloaded. It will be retried at the next poll."
    ]


def test_preview_of_a_missing_feed_shows_the_http_status(staff_client, local_feeds):
    response = staff_client.post(PREVIEW, {"url": f"{local_feeds}/status/404"})
    [error] = url_errors(response)
    assert error.startswith(f"{local_feeds}/status/404 answered HTTP 404 Not Found.")


def test_preview_refuses_a_non_web_url_before_fetching(staff_client):
    response = staff_client.post(PREVIEW, {"url": "ftp://feeds.example.org/feed.xml"})
    assert url_errors(response) == [
        "The address uses ftp://; only http:// and https:// feeds can be fetched."
    ]


def test_get_shows_the_form_prefilled_from_the_query_without_fetching(staff_client):
    response = staff_client.get(PREVIEW, {"url": "https://feeds.example.org/feed.xml"})
    assert response.status_code == 200
    assert response.context["feed"] is None
    assert 'value="https://feeds.example.org/feed.xml"' in response.content.decode()


def test_analysts_get_403(login, analyst, local_feeds):
    client = login(analyst)
    assert client.get(PREVIEW).status_code == 403
    assert client.post(PREVIEW, {"url": f"{local_feeds}/rss.xml"}).status_code == 403
