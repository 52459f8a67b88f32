"""The article list: filters, active filter chips, keyset pages, bad input, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, AuthorFactory, SourceFactory, list_budget_queries

pytestmark = pytest.mark.django_db
URL = "/articles/"


@pytest.fixture
def reader(client, make_user):
    client.force_login(make_user("amber"))
    return client


def titles(response) -> list[str]:
    return [a.title for a in response.context["page"].items]


def test_newest_first(reader):
    ArticleFactory(title="old", published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    ArticleFactory(title="new", published_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    ArticleFactory(title="mid", published_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    assert titles(reader.get(URL)) == ["new", "mid", "old"]


def test_text_filter_matches_title_teaser_and_body(reader):
    ArticleFactory(title="Ransomware hits hospital", teaser="t", body_text="b")
    ArticleFactory(title="Other", teaser="A ransomware gang", body_text="b")
    ArticleFactory(title="Third", teaser="t", body_text="The ransomware encrypted files")
    ArticleFactory(title="Unrelated", teaser="t", body_text="Nothing to see")
    assert sorted(titles(reader.get(URL, {"q": "ransomware"}))) == [
        "Other",
        "Ransomware hits hospital",
        "Third",
    ]


def test_source_author_tag_tlp_category_level_and_date_filters(reader):
    src = SourceFactory(name="Wire")
    ann = AuthorFactory(name="Ann Analyst")
    target = ArticleFactory(
        title="target",
        source=src,
        authors=[ann],
        tags=["apt"],
        tlp="green",
        category="malware",
        intel_level="tactical",
        published_at=dt.datetime(2026, 5, 10, 12, tzinfo=dt.UTC),
    )
    ArticleFactory(
        title="other",
        tlp="clear",
        category="breach",
        intel_level="strategic",
        published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    cases = [
        {"source": src.pk},
        {"author": ann.slug},
        {"author": "ann"},
        {"tag": "apt"},
        {"tlp": "green"},
        {"category": "malware"},
        {"intel_level": "tactical"},
        {"published_from": "2026-05-10", "published_to": "2026-05-10"},
    ]
    for params in cases:
        assert titles(reader.get(URL, params)) == [target.title], params


def test_multiple_values_of_one_filter_are_ored(reader):
    ArticleFactory(title="a", category="malware")
    ArticleFactory(title="b", category="breach")
    ArticleFactory(title="c", category="fraud-phishing")
    assert sorted(titles(reader.get(URL, {"category": ["malware", "breach"]}))) == ["a", "b"]


def test_active_filters_are_shown_with_links_that_remove_them(reader):
    ArticleFactory(title="x", category="malware", tlp="green")
    response = reader.get(URL, {"category": ["malware", "breach"], "tlp": "green"})
    chips = {(c["label"], c["value"]): c["remove"] for c in response.context["active_filters"]}
    assert chips[("Category", "Malware")] == "category=breach&tlp=green"
    assert chips[("TLP", "TLP:GREEN")] == "category=malware&category=breach"
    assert b"Remove Category Malware" in response.content


@pytest.mark.parametrize(
    "params",
    [
        {"published_from": "not-a-date"},
        {"tlp": "ultraviolet"},
        {"source": "99999"},
        {"source": "'; DROP TABLE articles_article; --"},
        {"q": "x" * 5000},
        {"after": "garbage"},
        {"before": "1.2.3"},
        {"after": "99999999999999999999999.1"},
    ],
)
def test_bad_query_strings_get_a_clear_message_not_an_error_page(reader, params):
    # A NUL character never reaches the page: it is a 400 for every URL (tests/test_hostile_input.py).
    ArticleFactory(title="still here")
    response = reader.get(URL, params)
    assert response.status_code == 200
    assert titles(response) == ["still here"]
    page = response.content.decode()
    assert 'class="error"' in page


def test_keyset_pages_walk_older_and_back_newer_without_gaps_or_repeats(reader, settings):
    settings.ARTICLES_PER_PAGE = 3
    same_time = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    for n in range(8):  # equal timestamps: the id breaks the tie
        ArticleFactory(title=f"a{n}", published_at=same_time)
    seen, response = [], reader.get(URL)
    pages = []
    while True:
        pages.append(titles(response))
        seen += titles(response)
        older = response.context["page"].older_cursor
        if not older:
            break
        response = reader.get(URL, {"after": older})
    assert seen == [f"a{n}" for n in reversed(range(8))]
    newer = response.context["page"].newer_cursor
    assert titles(reader.get(URL, {"before": newer})) == pages[-2]


def test_pager_links_keep_the_filters(reader, settings):
    settings.ARTICLES_PER_PAGE = 1
    ArticleFactory(title="m1", category="malware")
    ArticleFactory(title="m2", category="malware")
    content = reader.get(URL, {"category": "malware"}).content.decode()
    assert "?category=malware&amp;after=" in content


def test_count_is_capped_for_speed(reader, monkeypatch, settings):
    import articles.views.articles as view

    settings.ARTICLES_PER_PAGE = 1  # more than one page: the count is a query

    real = view.capped_count
    monkeypatch.setattr(view, "capped_count", lambda qs, cap, **kw: real(qs, cap=2, **kw))
    for _ in range(3):
        ArticleFactory()
    response = reader.get(URL)
    assert response.context["count"] == 2 and response.context["count_is_capped"]
    assert b"2+ articles" in response.content


def test_a_single_page_is_its_own_count(reader, django_assert_max_num_queries):
    for _ in range(3):
        ArticleFactory()
    with django_assert_max_num_queries(20) as queries:
        response = reader.get(URL)
    assert response.context["count"] == 3 and not response.context["count_is_capped"]
    assert not any(q["sql"].startswith("SELECT COUNT(*)") for q in queries.captured_queries)


def test_query_count_does_not_grow_with_rows(reader, django_assert_max_num_queries, settings):
    settings.ARTICLES_PER_PAGE = 50

    def add_rows(n):
        for _ in range(n):
            ArticleFactory(authors=[AuthorFactory(), AuthorFactory()], tags=["one", "two"])

    add_rows(2)
    # The list's own 9, and what the workspace's hooks add (read state, visit, role).
    with django_assert_max_num_queries(12 + list_budget_queries()) as few:
        reader.get(URL)
    add_rows(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = reader.get(URL)
    assert len(response.context["page"].items) == 42


def test_article_page_shows_dateline_tlp_sections_and_sanitized_body(reader):
    ann = AuthorFactory(name="Ann Analyst")
    article = ArticleFactory(
        title="Hello",
        tlp="amber",
        authors=[ann],
        executive_summary="Exec words.",
        summary="Sum words.",
        body_html='<p>Safe <a href="https://x.example" rel="noopener noreferrer nofollow">link</a></p>',
        tags=["tlp:amber"],
    )
    page = reader.get(reverse("articles:detail", args=[article.pk])).content.decode()
    for fragment in [
        "Exec words.",
        "Sum words.",
        "Executive Summary",
        "Published Analysis",
        'class="tlp tlp--amber"',
        "TLP:AMBER",
        "Ann Analyst",
        "tlp:amber",
        ">link</a>",
    ]:
        assert fragment in page, fragment


def test_article_page_query_count_does_not_grow_with_authors_and_tags(
    reader, django_assert_num_queries, django_assert_max_num_queries
):
    few = ArticleFactory(authors=[AuthorFactory()], tags=["t0"])
    many = ArticleFactory(authors=[AuthorFactory() for _ in range(8)], tags=[f"t{n}" for n in range(8)])
    # The page's own 10 and the workspace's panels (reading state, tags, notes).
    with django_assert_max_num_queries(18) as first:
        reader.get(reverse("articles:detail", args=[few.pk]))
    with django_assert_num_queries(len(first.captured_queries)):
        reader.get(reverse("articles:detail", args=[many.pk]))


def test_a_search_counts_to_a_lower_cap(reader, monkeypatch, settings):
    import articles.views.articles as view

    settings.ARTICLES_PER_PAGE = 1
    caps = []
    real = view.capped_count

    def recording(queryset, cap, in_list_order):
        caps.append((cap, in_list_order))
        return real(queryset, cap=cap, in_list_order=in_list_order)

    monkeypatch.setattr(view, "capped_count", recording)
    for _ in range(2):
        ArticleFactory(title="ransomware note")
    reader.get(URL)
    reader.get(URL, {"q": "ransomware"})
    # Filtered, the count walks on along the page's own index (newest first).
    assert caps == [(view.COUNT_CAP, False), (view.SEARCH_COUNT_CAP, True)]
    assert view.SEARCH_COUNT_CAP < view.COUNT_CAP
