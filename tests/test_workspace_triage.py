"""Triage: read marks, stars, bulk actions and "new since your last visit" (workspace app)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, list_budget_queries
from workspace import actions
from workspace.models import ListVisit, ReadingState

pytestmark = pytest.mark.django_db
LIST = "/articles/"


@pytest.fixture
def green(make_user):
    return make_user("green", username="green-analyst")


@pytest.fixture
def reader(client, green):
    client.force_login(green)
    return client


def state(user, article) -> ReadingState | None:
    return ReadingState.objects.filter(user=user, article=article).first()


def post(client, name, data, **extra):
    return client.post(reverse(f"workspace:{name}"), data, **extra)


# --- star and read toggles ---------------------------------------------------------------


def test_starring_from_a_list_row_redirects_back_and_shows_a_pressed_star(reader, green):
    article = ArticleFactory(title="Loader report")
    response = post(reader, "star", {"article": article.pk, "on": "1", "next": LIST + "?q=loader"})
    assert response.status_code == 303 and response["Location"] == LIST + "?q=loader"
    assert state(green, article).starred_at is not None
    page = reader.get(LIST).content.decode()
    assert 'aria-pressed="true" aria-label="Star Loader report"' in page


def test_unstarring_clears_the_star_and_a_row_with_nothing_left_is_deleted(reader, green):
    article = ArticleFactory()
    actions.star(green, [article.pk])
    post(reader, "star", {"article": article.pk, "on": "0", "next": LIST})
    assert state(green, article) is None
    assert 'aria-pressed="false"' in reader.get(LIST).content.decode()


def test_starring_twice_keeps_the_first_star_time(green):
    article = ArticleFactory()
    assert actions.star(green, [article.pk]) == 1
    first = state(green, article).starred_at
    assert actions.star(green, [article.pk]) == 0
    assert state(green, article).starred_at == first
    assert ReadingState.objects.count() == 1


def test_opening_an_article_marks_it_read_and_the_list_no_longer_says_unread(reader, green):
    article = ArticleFactory(title="Fresh")
    assert "Unread" in reader.get(LIST).content.decode()
    detail = reader.get(article.get_absolute_url()).content.decode()
    assert state(green, article).read_at is not None
    assert "Mark unread: Fresh" in detail and 'aria-label="Star Fresh"' in detail
    assert "js/workspace.js" in detail and 'id="shortcuts-help"' in detail
    listing = reader.get(LIST).content.decode()
    assert "badge-unread" not in listing and "Mark unread: Fresh" in listing


def test_opening_again_keeps_the_first_read_time(reader, green):
    article = ArticleFactory()
    reader.get(article.get_absolute_url())
    first = state(green, article).read_at
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        reader.get(article.get_absolute_url())
    assert state(green, article).read_at == first


def test_mark_unread_on_the_article_page_goes_back_to_the_list(reader, green):
    article = ArticleFactory()
    reader.get(article.get_absolute_url())
    detail = reader.get(article.get_absolute_url()).content.decode()
    assert f'name="next" value="{LIST}"' in detail  # reopening the article would mark it read again
    response = post(reader, "read", {"article": article.pk, "on": "0", "next": LIST})
    assert response["Location"] == LIST
    assert state(green, article) is None
    assert "badge-unread" in reader.get(LIST).content.decode()


def test_an_htmx_toggle_gets_only_the_swapped_control_back(reader, green):
    article = ArticleFactory(title="Swap <me>")
    response = post(reader, "star", {"article": article.pk, "on": "1", "next": LIST}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith("<form") and body.endswith("</form>")
    assert f'id="star-{article.pk}"' in body and 'aria-pressed="true"' in body
    assert 'name="on" value="0"' in body  # pressing it again unstars
    assert "Star Swap &lt;me&gt;" in body
    read = post(reader, "read", {"article": article.pk, "on": "1", "next": LIST}, HTTP_HX_REQUEST="true")
    assert (
        "Mark unread: Swap &lt;me&gt;" in read.content.decode()
        and "badge-unread" not in read.content.decode()
    )


# --- page and bulk actions -----------------------------------------------------------------


def test_mark_all_on_this_page_read_marks_exactly_the_posted_rows(reader, green):
    shown = [ArticleFactory() for _ in range(3)]
    other = ArticleFactory()
    page = reader.get(LIST).content.decode()
    assert "Mark all on this page read" in page
    response = post(reader, "page-read", {"ids": [a.pk for a in shown], "next": LIST})
    assert response.status_code == 303
    assert {s.article_id for s in ReadingState.objects.filter(user=green, read_at__isnull=False)} == {
        a.pk for a in shown
    }
    assert state(green, other) is None
    assert "Marked 3 articles read." in reader.get(LIST).content.decode()


@pytest.mark.parametrize(
    ("action", "field", "expected"),
    [
        ("read", "read_at", True),
        ("star", "starred_at", True),
        ("unread", "read_at", False),
        ("unstar", "starred_at", False),
    ],
)
def test_bulk_actions_change_only_the_selected_rows(reader, green, action, field, expected):
    selected, left = [ArticleFactory(), ArticleFactory()], ArticleFactory()
    everything = [a.pk for a in [*selected, left]]
    if not expected:  # start from all set, so clearing has something to clear
        (actions.mark_read if field == "read_at" else actions.star)(green, everything)
    response = post(reader, "bulk", {"action": action, "ids": [a.pk for a in selected], "next": LIST})
    assert response.status_code == 303
    for article in selected:
        current = state(green, article)
        assert (current is not None and getattr(current, field) is not None) is expected
    assert (getattr(state(green, left), field, None) is not None) is (not expected)


def test_bulk_form_and_row_checkboxes_are_joined_by_the_form_attribute(reader):
    article = ArticleFactory(title="Pick me")
    page = reader.get(LIST).content.decode()
    assert '<form method="post" action="/workspace/bulk/" id="triage-bulk"' in page
    assert f'name="ids" value="{article.pk}" form="triage-bulk" aria-label="Select Pick me"' in page
    for label in ["Mark selected read", "Mark selected unread", "Star selected", "Unstar selected"]:
        assert label in page


def test_a_bulk_action_with_nothing_selected_writes_nothing_and_says_so(reader):
    ArticleFactory()
    response = post(reader, "bulk", {"action": "star", "next": LIST}, follow=True)
    assert "Select one or more articles first" in response.content.decode()
    assert not ReadingState.objects.exists()


# --- forged and broken requests: refused, nothing written --------------------------------


def test_an_amber_article_cannot_be_starred_or_read_by_a_green_analyst(reader):
    secret = ArticleFactory(tlp="amber")
    for name in ["star", "read"]:
        assert post(reader, name, {"article": secret.pk, "on": "1", "next": LIST}).status_code == 404
    assert post(reader, "page-read", {"ids": [secret.pk], "next": LIST}).status_code == 404
    assert not ReadingState.objects.exists()


def test_one_hidden_id_in_a_bulk_form_refuses_the_whole_form(reader):
    visible = ArticleFactory(tlp="green")
    secret = ArticleFactory(tlp="red")
    missing = Article.objects.order_by("-pk").first().pk + 1000
    for ids in ([visible.pk, secret.pk], [visible.pk, missing]):
        assert post(reader, "bulk", {"action": "read", "ids": ids, "next": LIST}).status_code == 404
    assert not ReadingState.objects.exists()


def test_a_posted_user_field_cannot_touch_another_users_state(reader, green, make_user):
    other = make_user("green", username="colleague")
    article = ArticleFactory()
    actions.star(other, [article.pk])
    before = state(other, article).starred_at
    post(reader, "star", {"article": article.pk, "on": "0", "user": other.pk, "next": LIST})
    post(reader, "bulk", {"action": "unstar", "ids": [article.pk], "user": other.pk, "next": LIST})
    assert state(other, article).starred_at == before
    assert state(green, article) is None


@pytest.mark.parametrize("bad", ["https://evil.example/", "//evil.example/articles/", "javascript:alert(1)"])
def test_a_return_address_off_the_site_is_refused_before_writing(reader, bad):
    article = ArticleFactory()
    assert post(reader, "star", {"article": article.pk, "on": "1", "next": bad}).status_code == 400
    assert post(reader, "bulk", {"action": "star", "ids": [article.pk], "next": bad}).status_code == 400
    assert post(reader, "page-read", {"ids": [article.pk], "next": bad}).status_code == 400
    assert not ReadingState.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(green):
    browser_like = Client(enforce_csrf_checks=True)
    browser_like.force_login(green)
    article = ArticleFactory()
    assert post(browser_like, "star", {"article": article.pk, "on": "1", "next": LIST}).status_code == 403
    assert post(browser_like, "bulk", {"action": "read", "ids": [article.pk]}).status_code == 403
    assert not ReadingState.objects.exists()
    # ...while the token the page printed is accepted.
    page = browser_like.get(LIST).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    data = {"article": article.pk, "on": "1", "next": LIST, "csrfmiddlewaretoken": token}
    assert post(browser_like, "star", data).status_code == 303
    assert state(green, article).starred_at is not None


@pytest.mark.parametrize(
    "data",
    [{"article": "x", "on": "1"}, {"article": "1", "on": "yes"}, {"article": "9" * 19, "on": "1"}, {}],
)
def test_a_damaged_toggle_form_is_a_bad_request(reader, data):
    ArticleFactory()
    assert post(reader, "star", data).status_code == 400
    assert not ReadingState.objects.exists()


def test_triage_endpoints_take_only_posts(reader):
    for name in ["star", "read", "bulk", "page-read"]:
        assert reader.get(reverse(f"workspace:{name}")).status_code == 405


def test_signed_out_posts_go_to_the_login_page():
    article = ArticleFactory()
    response = Client().post(reverse("workspace:star"), {"article": article.pk, "on": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ReadingState.objects.exists()


# --- the list stays cheap ---------------------------------------------------------------------


def test_list_query_count_with_triage_controls_does_not_grow_with_rows(
    reader, green, django_assert_max_num_queries, settings
):
    settings.ARTICLES_PER_PAGE = 50
    first = [ArticleFactory(tags=["one"]) for _ in range(2)]
    actions.star(green, [first[0].pk])
    reader.get(LIST)  # the first visit creates the visit row; a previous one makes the count run
    ListVisit.objects.filter(user=green).update(new_since=timezone.now() - dt.timedelta(hours=1))
    with django_assert_max_num_queries(20 + list_budget_queries()) as few:
        reader.get(LIST)
    more = [ArticleFactory(tags=["one"]) for _ in range(38)]
    actions.mark_read(green, [a.pk for a in more[:10]])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = reader.get(LIST)
    assert len(response.context["page"].items) == 40
    page = response.content.decode()
    assert page.count('data-shortcut="star"') == 40 and page.count('class="badge-unread"') == 30
    assert "New since your last visit" in page


# --- new since your last visit ----------------------------------------------------------------


def get_at(client, user, when: dt.datetime, url: str = LIST) -> str:
    """The page as ``user`` sees it at ``when`` (signed in afresh: sessions end when idle)."""
    with time_machine.travel(when, tick=False):
        client.force_login(user)
        return client.get(url).content.decode()


def arrived(article: Article, at: dt.datetime) -> Article:
    Article.objects.filter(pk=article.pk).update(ingested_at=at, published_at=at)
    return article


def test_new_since_last_visit_counts_unread_visible_arrivals_after_the_previous_visit(reader, green):
    start = timezone.now()
    page = get_at(reader, green, start)
    assert "New since your last visit" not in page  # a first visit has nothing to compare with
    fresh = [arrived(ArticleFactory(tlp="green"), start + dt.timedelta(minutes=m)) for m in (10, 20, 30)]
    arrived(ArticleFactory(tlp="amber"), start + dt.timedelta(minutes=15))  # not readable: never counted
    arrived(ArticleFactory(), start - dt.timedelta(days=1))  # there before the last visit
    actions.mark_read(green, [fresh[0].pk])
    page = get_at(reader, green, start + dt.timedelta(hours=2))
    assert 'New since your last visit <span class="triage-nav__count">(2 unread)</span>' in page
    listed = get_at(reader, green, start + dt.timedelta(hours=2, minutes=1), reverse("workspace:new"))
    assert all(f'value="{a.pk}" form="triage-bulk"' in listed for a in fresh[1:])
    assert f'value="{fresh[0].pk}" form="triage-bulk"' not in listed
    assert listed.count('data-shortcut="star"') == 2


def test_views_within_half_an_hour_are_one_visit(reader, green):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        reader.get(LIST)
    for minutes in (20, 45, 70):  # each gap is 25 minutes or less
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            reader.get(LIST)
    visit = ListVisit.objects.get(user=green)
    assert visit.new_since is None
    get_at(reader, green, start + dt.timedelta(minutes=120))
    visit.refresh_from_db()
    assert visit.new_since == start + dt.timedelta(minutes=70)


def test_the_new_count_is_capped_like_the_lists(reader, green, monkeypatch):
    import workspace.visits

    monkeypatch.setattr(workspace.visits, "COUNT_CAP", 2)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        reader.get(LIST)
    for minutes in (5, 6, 7):
        arrived(ArticleFactory(), start + dt.timedelta(minutes=minutes))
    assert "(2+ unread)" in get_at(reader, green, start + dt.timedelta(minutes=50))


def test_the_new_page_on_a_first_visit_explains_itself(reader):
    page = reader.get(reverse("workspace:new")).content.decode()
    assert "This is your first visit" in page


# --- the starred list -------------------------------------------------------------------------


def test_starred_list_shows_visible_stars_most_recently_starred_first(reader, green, settings):
    settings.ARTICLES_PER_PAGE = 2
    articles = [ArticleFactory(title=f"Starred {n}") for n in range(3)]
    start = timezone.now()
    for n, article in enumerate(articles):
        with time_machine.travel(start + dt.timedelta(minutes=n), tick=False):
            actions.star(green, [article.pk])
    ArticleFactory(title="Not starred")
    first = reader.get(reverse("workspace:starred")).content.decode()
    assert first.index("Starred 2") < first.index("Starred 1") and "Starred 0" not in first
    assert "Not starred" not in first
    older = first.split('rel="next" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    second = reader.get(reverse("workspace:starred") + older).content.decode()
    assert "Starred 0" in second and "Starred 2" not in second
    newer = second.split('rel="prev" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "Starred 2" in reader.get(reverse("workspace:starred") + newer).content.decode()


def test_a_starred_article_raised_above_the_readers_clearance_leaves_their_starred_list(reader, green):
    article = ArticleFactory(title="Was green", tlp="green")
    actions.star(green, [article.pk])
    assert "Was green" in reader.get(reverse("workspace:starred")).content.decode()
    Article.objects.filter(pk=article.pk).update(tlp="amber")
    assert "Was green" not in reader.get(reverse("workspace:starred")).content.decode()


def test_a_damaged_page_link_on_the_starred_list_is_not_found(reader):
    assert reader.get(reverse("workspace:starred") + "?after=garbage").status_code == 404
