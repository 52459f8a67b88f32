"""What source pages count or refuse never reveals articles the viewer cannot read.

A poll stores the ids of the articles it created, updated or found unchanged; the
health page and the admin count, per viewer, only those ``visible_to`` them. The
delete page keeps a used source with the same words whether or not it holds
articles the admin cannot read.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles.ingest import collector
from articles.models import Source
from tests.factories import ArticleFactory, SourceFactory
from tests.feedserver import fixture_feed_server, fixture_local_feeds  # noqa: F401

pytestmark = pytest.mark.django_db

HEALTH = reverse("articles:sources-health")


@pytest.fixture
def amber_feed(local_feeds) -> Source:
    """A feed whose three articles arrive at TLP:AMBER, polled once."""
    source = SourceFactory(name="Amber wire", url=f"{local_feeds}/rss.xml", default_tlp="amber")
    assert collector.poll(source.pk, force=True).new == 3
    return source


@pytest.fixture
def green_staff(make_user):
    user = make_user("green", "analyst")
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_source", "change_source"]))
    return user


def health_row(client, source: Source) -> str:
    html = client.get(HEALTH).content.decode()
    start = html.index(f'id="source-{source.pk}"')
    return html[start : html.index("</tr>", start)]


def test_the_health_page_counts_a_polls_new_articles_only_for_those_who_may_read_them(
    amber_feed, green_staff, login, make_user
):
    amber_staff = make_user("amber", "admin")

    assert "ok: 0 new, 0 updated" in health_row(login(green_staff), amber_feed)
    assert "ok: 3 new, 0 updated" in health_row(login(amber_staff), amber_feed)


def test_the_admin_change_page_shows_the_last_result_counted_for_the_viewer(amber_feed, login, make_user):
    url = reverse("admin:articles_source_change", args=[amber_feed.pk])
    green_html = login(make_user("green", "admin")).get(url).content.decode()
    amber_html = login(make_user("amber", "admin")).get(url).content.decode()

    assert "ok — 0 new, 0 updated, 0 unchanged, 0 filtered, 0 skipped" in green_html
    assert "ok — 3 new, 0 updated, 0 unchanged, 0 filtered, 0 skipped" in amber_html


def test_a_second_poll_counts_unchanged_articles_for_the_viewer_too(amber_feed, login, make_user):
    collector.poll(amber_feed.pk, force=True)
    url = reverse("admin:articles_source_change", args=[amber_feed.pk])
    assert "— 0 new, 0 updated, 0 unchanged" in login(make_user("green", "admin")).get(url).content.decode()


def test_seed_folder_polls_store_the_ids_they_touched(tmp_path, settings):
    settings.SEED_FOLDERS_ROOT = tmp_path
    (tmp_path / "a.txt").write_text("Jan 2, 2026 • Ann\nTitle\nTeaser\nSummary\nText.\n")
    source = Source.objects.create(name="Drop", kind="seed-folder", folder=str(tmp_path), default_tlp="red")

    collector.poll(source.pk, force=True)

    source.refresh_from_db()
    assert source.last_result["article_ids"] == {
        "new": list(source.articles.values_list("pk", flat=True)),
        "updated": [],
        "unchanged": [],
    }


def delete_page(client, source: Source) -> str:
    return client.get(reverse("admin:articles_source_delete", args=[source.pk])).content.decode()


def test_the_delete_page_keeps_a_polled_source_with_the_same_words_whether_or_not_it_hides_articles(
    amber_feed, login, make_user
):
    empty = SourceFactory(name="Empty wire")
    collector.poll(empty.pk, force=True)  # fails (no such host) but was polled
    client = login(make_user("green", "admin"))

    with_hidden = delete_page(client, amber_feed)
    without = delete_page(client, empty)

    expected = "is kept: a source that has been polled, that has nothing to poll"
    assert expected in with_hidden and expected in without
    assert with_hidden.replace("Amber wire", "X").count("article") == without.replace(
        "Empty wire", "X"
    ).count("article")
    response = client.post(reverse("admin:articles_source_delete", args=[empty.pk]), {"post": "yes"})
    assert response.status_code == 200
    assert Source.objects.filter(pk=empty.pk).exists()


def test_a_source_never_polled_and_holding_nothing_can_still_be_deleted(login, admin_user):
    typo = SourceFactory(name="Typo")
    client = login(admin_user)
    assert "is kept" not in delete_page(client, typo)
    client.post(reverse("admin:articles_source_delete", args=[typo.pk]), {"post": "yes"})
    assert not Source.objects.filter(pk=typo.pk).exists()


def test_a_manual_source_is_kept_even_when_all_its_articles_are_hidden(login, make_user):
    manual = SourceFactory(name="Typed in", kind="manual", url="")
    ArticleFactory(source=manual, tlp="red")
    assert "is kept" in delete_page(login(make_user("green", "admin")), manual)
