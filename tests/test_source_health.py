"""The source health page: failing sources first, their errors in words, and "poll now"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, SourceFactory
from tests.feedserver import fixture_feed_server, fixture_local_feeds  # noqa: F401

pytestmark = pytest.mark.django_db

HEALTH = reverse("articles:sources-health")


@pytest.fixture
def staff_client(login, admin_user):
    return login(admin_user)


def row_names(html: str) -> list[str]:
    """Source names in page order (each row's heading links to the admin)."""
    return re.findall(r'<th scope="row">\s*<a href="/admin/articles/source/\d+/change/">([^<]+)</a>', html)


def row_html(html: str, source_id: int) -> str:
    start = html.index(f'id="source-{source_id}"')
    return html[start : html.index("</tr>", start)]


def test_failing_sources_come_first_by_failures_then_name_and_healthy_ones_below(staff_client):
    SourceFactory(name="Echo")
    SourceFactory(name="Bravo", consecutive_failures=1, last_error="b")
    SourceFactory(name="Delta")
    SourceFactory(name="Charlie", consecutive_failures=3, last_error="c")
    SourceFactory(name="Alpha", consecutive_failures=3, last_error="a")

    response = staff_client.get(HEALTH)

    assert [s.name for s in response.context["failing"]] == ["Alpha", "Charlie", "Bravo"]
    assert [s.name for s in response.context["healthy"]] == ["Delta", "Echo"]
    html = response.content.decode()
    assert row_names(html) == ["Alpha", "Charlie", "Bravo", "Delta", "Echo"]
    assert (
        html.index(">Failing</h2>")
        < html.index(">Alpha<")
        < html.index(">Healthy</h2>")
        < html.index(">Delta<")
    )


def test_a_failing_source_shows_its_error_in_words_with_the_kind_as_a_label(staff_client):
    now = timezone.now()
    source = SourceFactory(
        name="Gone",
        consecutive_failures=2,
        last_error="https://gone.example.com/feed answered HTTP 404 Not Found. The feed is not (or no "
        "longer) at this address; look for its new URL.",
        last_error_kind="http-status",
        last_error_at=now - dt.timedelta(hours=3),
        last_polled_at=now - dt.timedelta(hours=3),
        last_success_at=now - dt.timedelta(days=2),
        next_poll_at=now + dt.timedelta(hours=1),
    )

    row = row_html(staff_client.get(HEALTH).content.decode(), source.pk)

    assert '<span class="label label--error">http-status</span>' in row
    assert "answered HTTP 404 Not Found. The feed is not (or no longer) at this address" in row
    assert ">3\xa0hours ago</time>" in row
    assert ">2\xa0days ago</time>" in row
    assert ">in 59\xa0minutes</time>" in row or ">in 1\xa0hour</time>" in row
    assert '<td class="num">2</td>' in row


def test_rows_count_articles_of_the_last_seven_days(staff_client):
    now = timezone.now()
    source = SourceFactory(name="Busy")
    for days in (0, 1, 6):
        ArticleFactory(source=source, published_at=now - dt.timedelta(days=days, hours=1))
    ArticleFactory(source=source, published_at=now - dt.timedelta(days=8))

    response = staff_client.get(HEALTH)

    assert [(s.name, s.recent_items) for s in response.context["healthy"]] == [("Busy", 3)]
    assert '<td class="num">3</td>' in row_html(response.content.decode(), source.pk)


def test_a_healthy_source_shows_its_last_result_and_labels_for_its_state(staff_client):
    polled = SourceFactory(
        name="Polled",
        last_polled_at=timezone.now(),
        last_result={"status": "ok", "new": 4, "updated": 1, "warnings": ["one", "two"]},
    )
    new = [ArticleFactory(source=polled).pk for _ in range(4)]
    polled.last_result["article_ids"] = {"new": new, "updated": [ArticleFactory(source=polled).pk]}
    polled.save()
    never = SourceFactory(name="Never", enabled=False)
    overdue = SourceFactory(name="Stuck", next_poll_at=timezone.now() - dt.timedelta(hours=2))

    html = staff_client.get(HEALTH).content.decode()

    assert "ok: 4 new, 1 updated, 2 warnings" in row_html(html, polled.pk)
    never_row = row_html(html, never.pk)
    assert '<span class="label label--off">disabled</span>' in never_row
    assert never_row.count('<span class="muted">never</span>') == 2
    assert '<span class="muted">not scheduled</span>' in never_row
    assert ">overdue</span>" in row_html(html, overdue.pk)
    assert ">overdue</span>" not in row_html(html, polled.pk)


def test_health_page_takes_the_same_number_of_queries_for_2_and_20_sources(
    staff_client, django_assert_num_queries
):
    def add(start: int, count: int) -> None:
        for n in range(start, start + count):
            source = SourceFactory(name=f"S{n:02}", consecutive_failures=n % 2, last_error="e")
            ArticleFactory(source=source, published_at=timezone.now())

    add(0, 2)
    with CaptureQueriesContext(connection) as with_two:
        staff_client.get(HEALTH)
    add(2, 18)

    with django_assert_num_queries(len(with_two)):
        response = staff_client.get(HEALTH)

    assert len(response.context["failing"]) + len(response.context["healthy"]) == 20


def test_analysts_get_403(login, analyst):
    assert login(analyst).get(HEALTH).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(HEALTH)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_staff_see_a_sources_link_in_the_nav_and_analysts_do_not(login, admin_user, analyst):
    link = f'<a href="{HEALTH}">Sources</a>'
    assert link in login(admin_user).get(reverse("articles:list")).content.decode()
    assert link not in Client().get(reverse("articles:list")).content.decode()
    assert link not in login(analyst).get(reverse("articles:list")).content.decode()


# --- poll now ---------------------------------------------------------------------------


def test_poll_now_queues_a_poll_after_commit_and_returns_to_the_page(
    staff_client, local_feeds, django_capture_on_commit_callbacks
):
    source = SourceFactory(name="Wire", url=f"{local_feeds}/rss.xml", enabled=False)

    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(reverse("articles:sources-poll", args=[source.pk]))
    source.refresh_from_db()
    assert source.last_polled_at is None  # nothing happens before the commit
    assert len(callbacks) == 1
    callbacks[0]()

    assert response.status_code == 302
    assert response.url == HEALTH
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "A poll of “Wire” was queued; reload the page in a moment to see the result."
    ]
    source.refresh_from_db()
    assert source.last_result["new"] == 3
    assert Article.objects.filter(source=source).count() == 3


def test_each_row_has_a_poll_now_form_with_a_csrf_token(staff_client):
    source = SourceFactory(name="Form")
    row = row_html(staff_client.get(HEALTH).content.decode(), source.pk)
    assert f'<form method="post" action="{reverse("articles:sources-poll", args=[source.pk])}"' in row
    assert 'name="csrfmiddlewaretoken"' in row


def test_manual_sources_get_no_poll_button_and_polling_one_is_refused(
    staff_client, django_capture_on_commit_callbacks
):
    manual = SourceFactory(name="Typed in", kind="manual", url="")
    assert "Poll now" not in row_html(staff_client.get(HEALTH).content.decode(), manual.pk)

    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(reverse("articles:sources-poll", args=[manual.pk]))

    assert callbacks == []
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "“Typed in” was not polled: a manual source has nothing to poll."
    ]


def test_poll_now_without_a_csrf_token_is_refused(admin_user, django_capture_on_commit_callbacks):
    source = SourceFactory(name="Csrf")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    with django_capture_on_commit_callbacks() as callbacks:
        response = strict.post(reverse("articles:sources-poll", args=[source.pk]))
    assert response.status_code == 403
    assert callbacks == []


def test_poll_now_refuses_get_and_non_staff(staff_client, login, analyst, django_capture_on_commit_callbacks):
    source = SourceFactory(name="Guarded")
    url = reverse("articles:sources-poll", args=[source.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        assert staff_client.get(url).status_code == 405
        assert login(analyst).post(url).status_code == 403
    assert callbacks == []


def test_poll_now_of_an_unknown_source_is_404(staff_client):
    assert staff_client.post(reverse("articles:sources-poll", args=[999_999])).status_code == 404
