"""Saved searches: save from the article list, rename, delete, open, and the new-match
counts beside the filters (workspace/saved_searches.py, docs/workspace.md)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleGrant
from tests.factories import ArticleFactory, SourceFactory, list_budget_queries
from workspace import saved_searches
from workspace.models import SavedSearch

pytestmark = pytest.mark.django_db
LIST = "/articles/"


@pytest.fixture
def green(make_user):
    return make_user("green", username="green-analyst")


@pytest.fixture
def reader(client, green):
    client.force_login(green)
    return client


def fresh(**fields) -> Article:
    """An article that arrives now and was published now: new for any search saved before."""
    return ArticleFactory(published_at=timezone.now(), **fields)


def save(client, name: str, query: str, **extra):
    return client.post(
        reverse("workspace:search-save"), {"name": name, "query": query, "next": f"{LIST}?{query}"}, **extra
    )


def counts(user) -> dict[str, tuple[int, bool]]:
    return {search.name: (count, capped) for search, count, capped in saved_searches.with_new_counts(user)}


# --- the query string ---------------------------------------------------------------------------


def test_a_query_is_normalized_to_known_filters_sorted_without_cursors_or_blanks():
    raw = "tag=loader&q=+ransomware+&after=123.4&utm_source=mail&tlp=green&tlp=clear&author=&sort="
    assert saved_searches.normalize_query(raw) == "q=ransomware&tag=loader&tlp=clear&tlp=green"


def test_the_same_filters_in_another_order_are_the_same_query():
    assert saved_searches.normalize_query("tlp=green&q=x") == saved_searches.normalize_query("q=x&tlp=green")


def test_the_order_alone_is_not_a_search_worth_saving():
    assert not saved_searches.has_filters(saved_searches.normalize_query("sort=relevance&before=1.2"))
    assert saved_searches.has_filters(saved_searches.normalize_query("sort=relevance&q=loader"))


# --- saving, renaming, deleting -----------------------------------------------------------------


def test_the_list_offers_to_save_only_when_it_is_searched_or_filtered(reader):
    assert "Save this search as" not in reader.get(LIST).content.decode()
    page = reader.get(LIST + "?q=ransomware&after=1.2").content.decode()
    assert "Save this search as" in page
    assert 'name="query" value="q=ransomware"' in page


def test_saving_stores_the_normalized_query_and_goes_back_to_the_list(reader, green):
    response = save(reader, "  Ransomware   news ", "tlp=green&q=ransomware&after=99.1")
    assert response.status_code == 303
    assert response["Location"] == f"{LIST}?tlp=green&q=ransomware&after=99.1"
    search = SavedSearch.objects.get(user=green)
    assert (search.name, search.query) == ("Ransomware news", "q=ransomware&tlp=green")
    assert search.summary == "Search: ransomware · TLP:GREEN"
    page = reader.get(f"{LIST}?q=ransomware&tlp=green").content.decode()
    assert "This search is saved as “Ransomware news”" in page


def test_the_summary_names_sources_choices_and_yes_or_no(green):
    source = SourceFactory(name="Wire")
    ArticleFactory(source=source)
    query = f"has_indicators=false&source={source.pk}&category=ransomware&published_from=2026-01-02"
    search = saved_searches.save_search(green, "Summary", query)
    assert (
        search.summary
        == "Source: Wire · Published from: 2026-01-02 · Category: Ransomware · Has indicators: No"
    )


def test_a_name_already_used_in_any_case_is_a_form_error(reader, green):
    save(reader, "Loader", "q=loader")
    response = save(reader, "LOADER", "q=other")
    assert response.status_code == 200
    assert "already have a saved search called “LOADER”" in response.content.decode()
    assert SavedSearch.objects.filter(user=green).count() == 1


def test_another_person_may_use_the_same_name(reader, make_user):
    save(reader, "Loader", "q=loader")
    other = Client()
    other.force_login(make_user("green"))
    assert save(other, "Loader", "q=loader").status_code == 303
    assert SavedSearch.objects.count() == 2


@pytest.mark.parametrize(
    "query, error",
    [
        ("published_from=2026-13-45", "Published from"),
        ("tlp=amber", "TLP"),  # above a GREEN clearance: not a choice for this reader
        ("entity=abc", "Entity"),
        ("sort=relevance", "nothing to save"),
        ("", "nothing to save"),
    ],
)
def test_a_query_the_filters_reject_is_a_form_error_and_nothing_is_saved(reader, green, query, error):
    response = save(reader, "Bad", query)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page and error in page
    assert not SavedSearch.objects.filter(user=green).exists()


def test_a_source_the_reader_cannot_see_cannot_be_saved(reader, green):
    hidden = SourceFactory(name="Closed circle")
    ArticleFactory(source=hidden, tlp="amber")
    response = save(reader, "Closed", f"source={hidden.pk}")
    assert response.status_code == 200 and "Source" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_renaming_and_choosing_a_digest(reader, green):
    save(reader, "Loader", "q=loader")
    search = SavedSearch.objects.get(user=green)
    prefix = f"s{search.pk}"
    response = reader.post(
        reverse("workspace:search-edit", args=[search.pk]),
        {f"{prefix}-name": "Loaders", f"{prefix}-digest": "weekly"},
    )
    assert response.status_code == 303 and response["Location"] == reverse("workspace:searches")
    search.refresh_from_db()
    assert (search.name, search.digest) == ("Loaders", "weekly")
    assert search.last_digest_at is not None  # the first digest covers what arrives from now on


def test_renaming_to_a_name_in_use_is_a_form_error(reader, green):
    save(reader, "Loader", "q=loader")
    save(reader, "Phishing", "q=phishing")
    search = SavedSearch.objects.get(user=green, name="Phishing")
    prefix = f"s{search.pk}"
    response = reader.post(
        reverse("workspace:search-edit", args=[search.pk]),
        {f"{prefix}-name": "loader", f"{prefix}-digest": ""},
    )
    assert response.status_code == 200
    assert "already have a saved search called “loader”" in response.content.decode()
    search.refresh_from_db()
    assert search.name == "Phishing"


def test_deleting_a_saved_search(reader, green):
    save(reader, "Loader", "q=loader")
    search = SavedSearch.objects.get(user=green)
    response = reader.post(reverse("workspace:search-delete", args=[search.pk]))
    assert response.status_code == 303
    assert not SavedSearch.objects.exists()


def test_the_page_lists_them_with_their_filters_in_words(reader, settings):
    settings.DIGESTS_ENABLED = True
    save(reader, "Loader", "q=loader&tlp=clear")
    page = reader.get(reverse("workspace:searches")).content.decode()
    assert "Loader" in page and "Search: loader · TLP:CLEAR" in page
    assert "your account has no e-mail address" in page
    settings.DIGESTS_ENABLED = False
    page = reader.get(reverse("workspace:searches")).content.decode()
    assert "this portal has no mail server configured" in page


# --- forged requests ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["search-edit", "search-delete", "search-open"])
def test_another_persons_saved_search_is_a_404(reader, make_user, action):
    owner = make_user("green")
    theirs = saved_searches.save_search(owner, "Theirs", "q=loader")
    data = {f"s{theirs.pk}-name": "Mine now", f"s{theirs.pk}-digest": "daily"}
    url = reverse(f"workspace:{action}", args=[theirs.pk])
    response = reader.get(url) if action == "search-open" else reader.post(url, data)
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.digest) == ("Theirs", "")


@pytest.mark.parametrize("suffix", ["open/", "edit/", "delete/"])
def test_an_id_too_long_for_a_database_key_is_a_404(reader, suffix):
    address = f"/workspace/searches/{'9' * 30}/{suffix}"
    response = reader.get(address) if suffix == "open/" else reader.post(address)
    assert response.status_code == 404


@pytest.mark.parametrize("action", ["search-save", "search-edit", "search-delete"])
def test_a_post_without_the_csrf_token_is_refused(green, action):
    search = saved_searches.save_search(green, "Mine", "q=loader")
    client = Client(enforce_csrf_checks=True)
    client.force_login(green)
    args = [] if action == "search-save" else [search.pk]
    response = client.post(reverse(f"workspace:{action}", args=args), {"name": "Other", "query": "q=x"})
    assert response.status_code == 403
    assert list(SavedSearch.objects.values_list("name", flat=True)) == ["Mine"]


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(reverse("workspace:searches"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- opening and counting ------------------------------------------------------------------------


def test_opening_goes_to_the_list_and_resets_what_is_new(reader, green):
    search = saved_searches.save_search(green, "Loader", "q=loader&tlp=green")
    fresh(title="Loader returns", tlp="green")
    assert counts(green)["Loader"] == (1, False)
    response = reader.get(reverse("workspace:search-open", args=[search.pk]))
    assert response.status_code == 302 and response["Location"] == f"{LIST}?q=loader&tlp=green"
    assert counts(green)["Loader"] == (0, False)
    search.refresh_from_db()
    assert search.last_opened_at > search.created_at


def test_new_matches_count_only_articles_the_owner_may_read(green, make_user):
    amber = make_user("amber")
    for user in (green, amber):
        saved_searches.save_search(user, "Loader", "tag=loader")
    fresh(tags=["loader"], tlp="green")
    fresh(tags=["loader"], tlp="amber")
    fresh(tags=["other"], tlp="green")
    assert counts(green)["Loader"] == (1, False)
    assert counts(amber)["Loader"] == (2, False)


def test_a_red_article_counts_only_for_a_red_reader_with_a_grant(make_user):
    red, granted = make_user("red"), make_user("red")
    for user in (red, granted):
        saved_searches.save_search(user, "Loader", "tag=loader")
    article = fresh(tags=["loader"], tlp="red")
    ArticleGrant.objects.create(article=article, user=granted)
    assert counts(red)["Loader"] == (0, False)
    assert counts(granted)["Loader"] == (1, False)
    ArticleGrant.objects.filter(user=granted).delete()  # revoked: the stored count is not reused
    assert counts(granted)["Loader"] == (0, False)


def test_a_lowered_clearance_is_counted_again_at_once(make_user):
    user = make_user("amber")
    saved_searches.save_search(user, "Loader", "tag=loader")
    fresh(tags=["loader"], tlp="amber")
    assert counts(user)["Loader"] == (1, False)
    user.clearance = "green"
    user.save(update_fields=["clearance"])
    assert counts(user)["Loader"] == (0, False)


def test_a_search_that_no_longer_validates_counts_nothing_rather_than_more(make_user):
    user = make_user("amber")
    saved_searches.save_search(user, "Amber loader", "tag=loader&tlp=amber")
    fresh(tags=["loader"], tlp="green")
    user.clearance = "green"
    user.save(update_fields=["clearance"])
    assert counts(user)["Amber loader"] == (0, False)


def test_articles_from_before_saving_are_not_new(green):
    fresh(tags=["loader"], tlp="green")
    saved_searches.save_search(green, "Loader", "tag=loader")
    assert counts(green)["Loader"] == (0, False)


def test_counts_stop_at_the_cap(green, monkeypatch):
    monkeypatch.setattr(saved_searches, "NEW_COUNT_CAP", 2)
    saved_searches.save_search(green, "Loader", "tag=loader")
    for _ in range(3):
        fresh(tags=["loader"])
    assert counts(green)["Loader"] == (2, True)


def test_counts_are_stored_and_recounted_only_after_the_interval(green, settings):
    settings.SAVED_SEARCH_COUNT_MINUTES = 5
    saved_searches.save_search(green, "Loader", "tag=loader")
    assert counts(green)["Loader"] == (0, False)
    fresh(tags=["loader"])
    assert counts(green)["Loader"] == (0, False)  # the stored count, not a new search
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        assert counts(green)["Loader"] == (1, False)


def test_a_count_that_runs_out_of_time_is_shown_as_not_known(green, monkeypatch):
    from articles.query_budget import QueryTooSlow

    saved_searches.save_search(green, "Loader", "tag=loader")

    def too_slow(*args, **kwargs):
        raise QueryTooSlow("statement timeout")

    monkeypatch.setattr(saved_searches, "capped_count", too_slow)
    assert counts(green)["Loader"] == (0, True)


def test_a_count_too_slow_for_the_page_is_made_by_a_worker_with_a_longer_budget(
    green, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.LIST_COUNT_BUDGET_MS, settings.SAVED_SEARCH_BACKGROUND_COUNT_MS = 25, 2000
    saved_searches.save_search(green, "Loader", "tag=loader")
    fresh(tags=["loader"])
    real = saved_searches.count_new
    budgets = []

    def slow_on_pages(search, user, budget_ms):
        budgets.append(budget_ms)
        return (None, False) if budget_ms == 25 else real(search, user, budget_ms)

    monkeypatch.setattr(saved_searches, "count_new", slow_on_pages)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert counts(green)["Loader"] == (0, True)  # not known while the worker counts
    assert len(queued) == 1 and budgets == [25, 2000]
    assert counts(green)["Loader"] == (1, False)


def test_the_sidebar_lists_searches_with_their_new_matches(reader, green):
    search = saved_searches.save_search(green, "Loader", "tag=loader")
    saved_searches.save_search(green, "Quiet", "tag=quiet")
    fresh(tags=["loader"])
    fresh(tags=["loader"])
    page = reader.get(LIST).content.decode()
    assert f'href="{reverse("workspace:search-open", args=[search.pk])}">Loader</a>' in page
    assert "(2 new)" in page and "(nothing new)" in page


def test_list_views_do_not_search_again_for_each_saved_search(reader, green, settings):
    """Five saved searches: the first view counts them; later views read the stored counts,
    in as many queries as with one saved search."""
    settings.ARTICLES_PER_PAGE = 10
    for n in range(10):
        fresh(tags=["loader"], title=f"Loader {n}")
    saved_searches.save_search(green, "Search 0", "tag=loader")
    reader.get(LIST)  # counts the one search
    with CaptureQueriesContext(connection) as one:
        reader.get(LIST)
    with_one = len(one)  # now: each request clears Django's query log
    for n in range(1, 5):
        saved_searches.save_search(green, f"Search {n}", f"tag=loader&q=loader+{n}")
    with CaptureQueriesContext(connection) as counting:
        reader.get(LIST)  # counts the four new ones
    counted = sum('"ingested_at" >' in query["sql"] for query in counting.captured_queries)
    with CaptureQueriesContext(connection) as five:
        reader.get(LIST)
    with_five, five_queries = len(five), list(five.captured_queries)
    with CaptureQueriesContext(connection) as again:
        reader.get(LIST)
    assert with_one > 5 and with_five == with_one == len(again)
    assert counted == 4
    # A new-match count is the only query that filters on arrival time.
    assert not any('"ingested_at" >' in query["sql"] for query in five_queries)
    assert any('"workspace_savedsearch"' in query["sql"] for query in five_queries)


def test_a_page_view_recounts_at_most_a_few_searches(green, monkeypatch):
    for n in range(saved_searches.REFRESH_PER_CALL + 3):
        saved_searches.save_search(green, f"Search {n}", f"q=word{n}")
    counted = []
    real = saved_searches.count_new
    monkeypatch.setattr(saved_searches, "count_new", lambda s, u, ms: counted.append(s.pk) or real(s, u, ms))
    first = counts(green)
    assert len(counted) == saved_searches.REFRESH_PER_CALL
    assert sum(1 for count, capped in first.values() if capped and not count) == 3  # not known yet
    counts(green)
    assert len(counted) == saved_searches.REFRESH_PER_CALL + 3


def test_the_saved_searches_page_query_count_does_not_grow_with_searches(
    reader, green, django_assert_max_num_queries
):
    saved_searches.save_search(green, "Search 0", "q=loader")
    reader.get(reverse("workspace:searches"))
    with django_assert_max_num_queries(12 + list_budget_queries()) as few:
        reader.get(reverse("workspace:searches"))
    baseline = len(few.captured_queries)  # now: each request clears Django's query log
    for n in range(1, 5):
        saved_searches.save_search(green, f"Search {n}", f"q=loader{n}")
    reader.get(reverse("workspace:searches"))
    with django_assert_max_num_queries(baseline):
        response = reader.get(reverse("workspace:searches"))
    assert response.content.decode().count('class="note" id="search-') == 5


def test_nobody_signed_out_has_saved_searches():
    from django.contrib.auth.models import AnonymousUser

    assert saved_searches.with_new_counts(AnonymousUser()) == []
