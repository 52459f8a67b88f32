"""The Source admin: health columns, filters, actions, the poll-now button and form rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.forms import SourceForm
from articles.models import Article, Source
from tests.factories import ArticleFactory, SourceFactory
from tests.feedserver import fixture_feed_server, fixture_local_feeds  # noqa: F401

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_source_changelist")


@pytest.fixture
def admin_client_(login, admin_user):
    return login(admin_user)


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def sources_with_recent_articles(count: int, start: int = 0) -> list[Source]:
    now = timezone.now()
    sources = []
    for n in range(start, start + count):
        source = SourceFactory(
            name=f"Feed {n:02}", last_error=f"error number {n}", consecutive_failures=n % 3
        )
        ArticleFactory(source=source, published_at=now - dt.timedelta(days=1))
        sources.append(source)
    return sources


def valid_form_data(**changes) -> dict:
    data = {
        "name": "New feed",
        "kind": "rss",
        "url": "https://feeds.example.org/new.xml",
        "folder": "",
        "enabled": "on",
        "poll_interval_minutes": "60",
        "include_keywords": "",
        "exclude_keywords": "",
        "default_tlp": "clear",
        "reliability": "C",
    }
    data.update(changes)
    return data


# --- the list --------------------------------------------------------------------------


def test_list_shows_health_columns_with_recent_items_and_a_shortened_error(admin_client_):
    now = timezone.now()
    source = SourceFactory(
        name="Noisy",
        consecutive_failures=2,
        last_error="x" * 200,
        last_success_at=now - dt.timedelta(days=2, minutes=1),
        next_poll_at=now + dt.timedelta(hours=3, minutes=1),
    )
    SourceFactory(name="Off", enabled=False)
    SourceFactory(name="Quiet")
    ArticleFactory(source=source, published_at=now - dt.timedelta(days=2))
    ArticleFactory(source=source, published_at=now - dt.timedelta(days=3))
    ArticleFactory(source=source, published_at=now - dt.timedelta(days=9))

    response = admin_client_.get(CHANGELIST)

    assert [(s.name, s.recent_items) for s in response.context["cl"].result_list] == [
        ("Noisy", 2),
        ("Off", 0),
        ("Quiet", 0),
    ]
    html = response.content.decode()
    noisy = html[html.index(">Noisy</a>") : html.index("</tr>", html.index(">Noisy</a>"))]
    assert ">2\xa0days ago</time></td>" in noisy
    assert ">in 3\xa0hours</time></td>" in noisy
    assert '<td class="field-failures">2</td>' in noisy
    assert '<td class="field-recent_items">2</td>' in noisy
    assert f'<span title="{"x" * 200}">{"x" * 79}…</span>' in noisy
    assert '<td class="field-next_poll">not scheduled</td>' in html
    assert '<td class="field-last_success">never</td><td class="field-failures">0</td>' in html
    assert '<td class="field-next_poll">due now</td>' in html


def test_recent_items_count_only_articles_the_admin_may_read(login, make_user):
    reader = make_user("green", "admin")
    source = SourceFactory(name="Mixed")
    ArticleFactory(source=source, published_at=timezone.now(), tlp="green")
    ArticleFactory(source=source, published_at=timezone.now(), tlp="amber")

    response = login(reader).get(CHANGELIST)

    assert response.context["cl"].result_list[0].recent_items == 1


def test_list_takes_the_same_number_of_queries_for_2_and_20_sources(admin_client_, django_assert_num_queries):
    sources_with_recent_articles(2)
    with CaptureQueriesContext(connection) as with_two:
        assert admin_client_.get(CHANGELIST).status_code == 200
    sources_with_recent_articles(18, start=2)

    with django_assert_num_queries(len(with_two)):
        response = admin_client_.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == 20


def test_failing_filter_keeps_only_sources_with_failures(admin_client_):
    SourceFactory(name="Fine")
    SourceFactory(name="Broken", consecutive_failures=4)

    failing = admin_client_.get(CHANGELIST, {"failing": "yes"})
    healthy = admin_client_.get(CHANGELIST, {"failing": "no"})

    assert [s.name for s in failing.context["cl"].result_list] == ["Broken"]
    assert [s.name for s in healthy.context["cl"].result_list] == ["Fine"]


def test_list_links_to_the_health_and_preview_pages(admin_client_):
    html = admin_client_.get(CHANGELIST).content.decode()
    assert f'href="{reverse("articles:sources-health")}"' in html
    assert f'href="{reverse("articles:sources-preview")}"' in html


# --- actions ---------------------------------------------------------------------------


def test_poll_now_action_queues_a_forced_poll_of_each_selected_source_after_commit(
    admin_client_, local_feeds, django_capture_on_commit_callbacks
):
    rss = SourceFactory(name="Rss", url=f"{local_feeds}/rss.xml", enabled=False)
    atom = SourceFactory(name="Atom", url=f"{local_feeds}/atom.xml")
    SourceFactory(name="Not selected", url=f"{local_feeds}/rdf.xml")

    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client_.post(
            CHANGELIST, {"action": "poll_now", "_selected_action": [rss.pk, atom.pk]}
        )
    assert len(callbacks) == 2
    # Run the queued polls (eager tasks) but not the enrichment they queue in turn.
    for queued in callbacks:
        queued()

    assert messages_of(response) == [
        (
            "success",
            "Queued a poll of 2 sources (Atom, Rss); the results appear in the health columns "
            "once the workers are done.",
        )
    ]
    assert Article.objects.filter(source=rss).count() == 3
    assert Article.objects.filter(source=atom).count() == 2
    assert not Article.objects.filter(source__name="Not selected").exists()
    rss.refresh_from_db()
    assert rss.last_success_at is not None


def test_poll_now_action_queues_nothing_before_the_commit(admin_client_, django_capture_on_commit_callbacks):
    source = SourceFactory(name="Later")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin_client_.post(CHANGELIST, {"action": "poll_now", "_selected_action": [source.pk]})
    source.refresh_from_db()
    assert len(callbacks) == 1
    assert source.last_polled_at is None


def test_poll_now_action_skips_manual_sources_and_says_so(admin_client_, django_capture_on_commit_callbacks):
    manual = SourceFactory(name="Typed in", kind="manual", url="")
    feed = SourceFactory(name="Feed")

    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client_.post(
            CHANGELIST, {"action": "poll_now", "_selected_action": [manual.pk, feed.pk]}
        )

    assert len(callbacks) == 1
    assert [text for _, text in messages_of(response)] == [
        "“Typed in” was not polled: a manual source has nothing to poll.",
        "Queued a poll of 1 source (Feed); the results appear in the health columns "
        "once the workers are done.",
    ]


def test_disable_action_switches_off_only_the_selected_sources(admin_client_):
    one, two = SourceFactory(name="One"), SourceFactory(name="Two")
    SourceFactory(name="Three")

    response = admin_client_.post(CHANGELIST, {"action": "disable", "_selected_action": [one.pk, two.pk]})

    assert messages_of(response) == [("success", "Disabled 2 sources.")]
    assert list(Source.objects.order_by("name").values_list("name", "enabled")) == [
        ("One", False),
        ("Three", True),
        ("Two", False),
    ]


def test_enable_action_switches_on_the_selected_sources_and_counts_only_real_changes(admin_client_):
    off = SourceFactory(name="Off", enabled=False)
    already_on = SourceFactory(name="On")

    response = admin_client_.post(
        CHANGELIST, {"action": "enable", "_selected_action": [off.pk, already_on.pk]}
    )

    assert messages_of(response) == [("success", "Enabled 1 source.")]
    assert list(Source.objects.order_by("name").values_list("name", "enabled")) == [
        ("Off", True),
        ("On", True),
    ]


# --- the change page -------------------------------------------------------------------


def test_change_page_has_a_poll_now_button_posting_to_the_poll_url(admin_client_):
    source = SourceFactory(name="Buttoned")
    html = admin_client_.get(reverse("admin:articles_source_change", args=[source.pk])).content.decode()
    poll_url = reverse("admin:articles_source_poll", args=[source.pk])
    assert f'<form method="post" action="{poll_url}" class="poll-now">' in html
    assert ">Poll now</button>" in html


def test_poll_now_button_queues_the_poll_after_commit_like_every_other_door(
    admin_client_, local_feeds, django_capture_on_commit_callbacks
):
    source = SourceFactory(name="Good", url=f"{local_feeds}/rss.xml")

    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client_.post(reverse("admin:articles_source_poll", args=[source.pk]))
    assert not Article.objects.exists()  # nothing is fetched inside the request
    for queued in callbacks:
        queued()

    assert response.status_code == 302
    assert response.url == reverse("admin:articles_source_change", args=[source.pk])
    assert messages_of(response) == [
        ("success", "A poll of “Good” was queued; reload the page in a moment to see the result.")
    ]
    assert Article.objects.filter(source=source).count() == 3
    page = admin_client_.get(reverse("admin:articles_source_change", args=[source.pk])).content.decode()
    assert "ok — 3 new, 0 updated, 0 unchanged, 0 filtered, 0 skipped" in page


def test_a_queued_poll_of_an_html_page_leaves_the_error_on_the_source_page(
    admin_client_, local_feeds, django_capture_on_commit_callbacks
):
    source = SourceFactory(name="Home page", url=f"{local_feeds}/page.html")
    expected = (
        f"{local_feeds}/page.html returned an HTML page, not a feed — is it the site's home page "
        "rather than its feed URL? Look for an RSS or Atom link on that page."
    )

    with django_capture_on_commit_callbacks(execute=True):
        admin_client_.post(reverse("admin:articles_source_poll", args=[source.pk]))

    source.refresh_from_db()
    assert (source.last_error, source.last_error_kind, source.consecutive_failures) == (expected, "parse", 1)
    page = admin_client_.get(reverse("admin:articles_source_change", args=[source.pk])).content.decode()
    assert "returned an HTML page, not a feed" in page
    assert not Article.objects.exists()


def test_manual_sources_have_no_poll_now_button_and_the_url_polls_nothing(admin_client_):
    manual = SourceFactory(name="Typed in", kind="manual", url="")
    html = admin_client_.get(reverse("admin:articles_source_change", args=[manual.pk])).content.decode()
    assert ">Poll now</button>" not in html

    response = admin_client_.post(reverse("admin:articles_source_poll", args=[manual.pk]))

    assert messages_of(response) == [
        ("warning", "“Typed in” was not polled: a manual source has nothing to poll.")
    ]
    manual.refresh_from_db()
    assert (manual.last_polled_at, manual.consecutive_failures) == (None, 0)


def test_poll_now_url_refuses_get(admin_client_):
    source = SourceFactory(name="Get")
    assert admin_client_.get(reverse("admin:articles_source_poll", args=[source.pk])).status_code == 405


def test_poll_now_url_is_for_admins_only(login, analyst):
    source = SourceFactory(name="Guarded")
    response = login(analyst).post(reverse("admin:articles_source_poll", args=[source.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    source.refresh_from_db()
    assert source.last_polled_at is None


def test_health_fields_are_read_only_in_the_admin(admin_client_):
    source = SourceFactory(name="Steady", last_error="old error", consecutive_failures=5)
    data = valid_form_data(
        name="Steady", last_error="overwritten", consecutive_failures="0", etag="forged", _save="Save"
    )

    response = admin_client_.post(reverse("admin:articles_source_change", args=[source.pk]), data)

    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.last_error, source.consecutive_failures, source.etag) == ("old error", 5, "")
    assert source.reliability == "C"


def test_admin_add_form_rejects_a_feed_without_url(admin_client_):
    response = admin_client_.post(reverse("admin:articles_source_add"), valid_form_data(kind="atom", url=""))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "url": ["Atom sources need the address of their feed."]
    }
    assert not Source.objects.exists()


# --- the form's rules ------------------------------------------------------------------


def test_feed_kinds_need_a_url():
    form = SourceForm(data=valid_form_data(kind="json", url=""))
    assert form.errors == {"url": ["JSON Feed sources need the address of their feed."]}


def test_url_must_be_http_or_https():
    form = SourceForm(data=valid_form_data(url="ftp://feeds.example.org/feed.xml"))
    assert form.errors == {
        "url": ["The address uses ftp://; only http:// and https:// feeds can be fetched."]
    }


def test_a_bare_host_gets_https():
    form = SourceForm(data=valid_form_data(url="feeds.example.org/feed.xml"))
    assert form.is_valid()
    assert form.cleaned_data["url"] == "https://feeds.example.org/feed.xml"


def test_seed_folder_must_exist(tmp_path, settings):
    settings.SEED_FOLDERS_ROOT = tmp_path
    missing = tmp_path / "nowhere"
    form = SourceForm(data=valid_form_data(kind="seed-folder", url="", folder=str(missing)))
    assert form.errors == {
        "folder": [
            f"The folder {str(missing)!r} does not exist on the server (or is not a folder); "
            "create it first or correct the path."
        ]
    }


def test_seed_folder_that_exists_is_accepted_without_url(tmp_path, settings):
    settings.SEED_FOLDERS_ROOT = tmp_path
    form = SourceForm(data=valid_form_data(kind="seed-folder", url="", folder=str(tmp_path)))
    assert form.is_valid(), form.errors


def test_seed_folder_needs_a_folder():
    form = SourceForm(data=valid_form_data(kind="seed-folder", url="", folder=""))
    assert form.errors == {"folder": ["A seed-folder source needs the folder to watch."]}


def test_manual_sources_need_no_url():
    assert SourceForm(data=valid_form_data(kind="manual", url="")).is_valid()


def test_interval_must_be_at_least_one_minute():
    form = SourceForm(data=valid_form_data(poll_interval_minutes="0"))
    assert form.errors["poll_interval_minutes"][0] == (
        "Poll at most once a minute: the interval must be at least 1."
    )
