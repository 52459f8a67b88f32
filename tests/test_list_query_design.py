"""The article list's queries are shaped for a million rows (docs/architecture.md, "Scale").

These pin the design choices, not timings (bench/scale.py measures those): no DISTINCT
on column filters, authors and tags resolved to ids before the page query, the time
budget and its friendly answer, and the PostgreSQL session settings.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import filters
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db
URL = "/articles/"
needs_postgres = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="PostgreSQL behaviour (the run on PostgreSQL covers it)"
)


@pytest.fixture
def reader(client, make_user):
    client.force_login(make_user("amber"))
    return client


def page_queries(client, params) -> tuple[list[str], list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    titles = [a.title for a in response.context["page"].items]
    return titles, [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize(
    "params", [{"tlp": ["green", "amber"]}, {"category": "malware"}, {"intel_level": "tactical"}]
)
def test_column_filters_add_no_distinct(reader, params):
    ArticleFactory(title="match", tlp="green", category="malware", intel_level="tactical")
    titles, sql = page_queries(reader, params)
    assert titles == ["match"]
    article_queries = [q for q in sql if 'FROM "articles_article"' in q]
    assert article_queries and not any("SELECT DISTINCT" in q.upper() for q in article_queries)


def test_author_filter_looks_up_author_ids_first(reader):
    ann = AuthorFactory(name="Ann Analyst")
    ArticleFactory(title="by ann", authors=[ann])
    ArticleFactory(title="by bob", authors=[AuthorFactory(name="Bob Writer")])
    for value in [ann.slug, "analyst", "ANN"]:
        titles, sql = page_queries(reader, {"author": value})
        assert titles == ["by ann"], value
        page_query = next(q for q in sql if q.startswith('SELECT "articles_article"') and "ORDER BY" in q)
        # The page query names the author by id; no join on the author's name or slug.
        assert "articles_author" not in page_query, page_query
        assert str(ann.pk) in page_query


def test_unknown_author_or_tag_matches_nothing(reader):
    ArticleFactory(title="a", authors=[AuthorFactory(name="Ann")], tags=["apt"])
    assert page_queries(reader, {"author": "nobody-at-all"})[0] == []
    assert page_queries(reader, {"tag": "no-such-tag"})[0] == []


def test_tag_filter_by_slug_or_name(reader):
    ArticleFactory(title="tagged", tags=["Initial Access"])
    ArticleFactory(title="other", tags=["apt"])
    from articles.models import Tag

    tag = Tag.objects.get(name="Initial Access")
    for value in [tag.slug, "Initial Access"]:
        titles, sql = page_queries(reader, {"tag": value})
        assert titles == ["tagged"], value
        page_query = next(q for q in sql if q.startswith('SELECT "articles_article"') and "ORDER BY" in q)
        assert "articles_tag" not in page_query.replace("articles_tag.", "").replace('"articles_tag"."', "")


def test_a_vague_author_name_matching_many_authors_still_filters_correctly(reader, monkeypatch):
    monkeypatch.setattr(filters, "MAX_RESOLVED_IDS", 2)
    smiths = [AuthorFactory(name=f"Smith {n}") for n in range(4)]
    for n, smith in enumerate(smiths):
        ArticleFactory(title=f"by smith {n}", authors=[smith])
    ArticleFactory(title="by jones", authors=[AuthorFactory(name="Jones")])
    titles, _ = page_queries(reader, {"author": "smith"})
    assert sorted(titles) == [f"by smith {n}" for n in range(4)]


@needs_postgres
def test_list_that_runs_past_its_budget_asks_to_narrow_the_filters(reader, settings, monkeypatch):
    from articles.views import articles as view

    ArticleFactory(title="visible")
    settings.LIST_QUERY_BUDGET_MS = 50

    real_paginate = view.paginate

    def slow_paginate(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(2)")
        return real_paginate(*args, **kwargs)

    monkeypatch.setattr(view, "paginate", slow_paginate)
    response = reader.get(URL, {"q": "anything"})
    assert response.status_code == 503
    page = response.content.decode()
    assert "took too long" in page and "Narrow them" in page
    assert 'name="q"' in page  # the filters are still there to narrow
    # The budget ended with its transaction: the connection is healthy and unlimited again.
    monkeypatch.undo()
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] != "50ms"
    assert reader.get(URL).status_code == 200


@needs_postgres
def test_a_statement_timeout_anywhere_is_a_503_page_not_a_500(rf, make_user):
    from django.db import OperationalError, transaction

    from intelportal.middleware import QueryTimeoutPageMiddleware

    request = rf.get("/authors/x/")
    request.user = make_user("green")
    # A savepoint, so the test's own transaction survives the cancelled statement.
    with pytest.raises(OperationalError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 10")
        cursor.execute("SELECT pg_sleep(1)")
    response = QueryTimeoutPageMiddleware(lambda r: None).process_exception(request, caught.value)
    assert response.status_code == 503
    assert b"took too long" in response.content
    assert QueryTimeoutPageMiddleware(lambda r: None).process_exception(request, ValueError("x")) is None


@needs_postgres
def test_web_connections_run_without_jit_or_parallel_workers():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


@needs_postgres
def test_content_hash_has_one_plain_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'articles_article' AND indexdef LIKE %s",
            ["%(content_hash%"],
        )
        assert [row[0] for row in cursor.fetchall()] == ["article_content_hash_idx"]


@needs_postgres
def test_migrations_run_without_the_statement_timeout():
    from django.apps import apps

    from articles.apps import lift_statement_timeout

    lift_statement_timeout(apps.get_app_config("articles"), using="default")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
        cursor.execute("SET statement_timeout = 30000")  # as the connection started


@needs_postgres
def test_a_count_past_its_budget_says_more_than_the_page_shows(reader, settings, monkeypatch):
    from articles.views import articles as view

    for _ in range(3):
        ArticleFactory()
    settings.ARTICLES_PER_PAGE = 2
    settings.LIST_COUNT_BUDGET_MS = 20

    def slow_count(queryset, cap, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1)")
        return 0, False

    monkeypatch.setattr(view, "capped_count", slow_count)
    response = reader.get(URL)
    assert response.status_code == 200 and len(response.context["page"].items) == 2
    assert "More than 2 articles (too many to count quickly)" in response.content.decode()
    # The count ran last in the page's transaction (one BEGIN/COMMIT a page, not two); its
    # cancellation rolled that back, so the connection works and the budget is gone.
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] not in ("20ms", "5s")


def test_links_carry_their_articles_publication_date_through_every_write_path():
    """Triggers (migration 0013) keep the copy the tag and author filters sort by."""
    import datetime as dt

    from articles.models import Article, ArticleAuthor, ArticleEntity, ArticleTag, Entity, Tag

    when = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)
    article = ArticleFactory(published_at=when, authors=[AuthorFactory()], tags=["apt"])
    ArticleEntity.objects.create(article=article, entity=Entity.objects.create(kind="country", name="Peru"))

    def link_dates():
        return {
            *ArticleTag.objects.filter(article=article).values_list("published_at", flat=True),
            *ArticleAuthor.objects.filter(article=article).values_list("published_at", flat=True),
            *ArticleEntity.objects.filter(article=article).values_list("published_at", flat=True),
        }

    assert link_dates() == {when}
    later = when + dt.timedelta(days=3)
    article.published_at = later
    article.save()
    assert link_dates() == {later}
    Article.objects.filter(pk=article.pk).update(published_at=when)  # no save(), no signals
    assert link_dates() == {when}
    # A link written from Python (which never sets the copy) still gets the article's date.
    link = ArticleTag.objects.get(article=article)
    link.published_at = None
    link.save()
    more = Tag.objects.create(name="more", slug="more")
    ArticleTag.objects.bulk_create([ArticleTag(article=article, tag=more)])
    assert link_dates() == {when}


@pytest.mark.parametrize("param", ["tag", "author", "entity"])
def test_one_tag_author_or_entity_pages_newest_first_through_the_links_own_order(reader, settings, param):
    """The page is sorted by the link's copy of the date: same order, pages, no repeats."""
    import datetime as dt

    from articles.models import ArticleEntity, Entity

    settings.ARTICLES_PER_PAGE = 2
    ann = AuthorFactory(name="Ann")
    peru = Entity.objects.create(kind="country", name="Peru")
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    same_time = start + dt.timedelta(days=10)
    for n in range(5):
        # Two share a timestamp, so the id breaks the tie on the page boundary.
        when = same_time if n in (3, 4) else start + dt.timedelta(days=n)
        match = ArticleFactory(title=f"match {n}", published_at=when, authors=[ann], tags=["rare"])
        ArticleEntity.objects.create(article=match, entity=peru, mentions=3)
    ArticleFactory(title="other", published_at=start + dt.timedelta(days=20), tags=["common"])
    value = {"tag": "rare", "author": ann.slug, "entity": peru.pk}[param]
    seen, after, pages = [], None, 0
    while True:
        response = reader.get(URL, {param: value, **({"after": after} if after else {})})
        page = response.context["page"]
        seen += [a.title for a in page.items]
        pages += 1
        after = page.older_cursor
        if not after:
            break
    assert seen == ["match 4", "match 3", "match 2", "match 1", "match 0"] and pages == 3
    # Back one page from the last one gives the middle page again.
    response = reader.get(URL, {param: value, "before": page.newer_cursor})
    assert [a.title for a in response.context["page"].items] == ["match 2", "match 1"]


@needs_postgres
def test_one_tag_is_read_off_the_tag_links_newest_first_index(reader):
    ArticleFactory(title="tagged", tags=["rare"])
    titles, sql = page_queries(reader, {"tag": "rare"})
    page_query = next(q for q in sql if q.startswith('SELECT "articles_article"') and "ORDER BY" in q)
    assert titles == ["tagged"]
    assert 'ORDER BY "articles_articletag"."published_at" DESC' in page_query
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table would be scanned anyway
        cursor.execute("EXPLAIN " + page_query)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "articletag_newest_idx" in plan, plan


def test_the_entity_chip_names_the_entity_only_when_a_readable_article_mentions_it(client, make_user):
    from articles.models import ArticleEntity, Entity

    client.force_login(make_user("green"))
    secret = Entity.objects.create(kind="threat-actor", name="Codename Nightjar")
    ArticleEntity.objects.create(article=ArticleFactory(tlp="amber"), entity=secret)
    page = client.get(URL, {"entity": secret.pk}).content.decode()
    assert "Codename Nightjar" not in page and f"<strong>{secret.pk}</strong>" in page
    ArticleEntity.objects.create(article=ArticleFactory(tlp="green"), entity=secret)
    assert "<strong>Codename Nightjar</strong>" in client.get(URL, {"entity": secret.pk}).content.decode()


def test_each_filter_set_gets_its_own_copies_of_the_declared_filters():
    # They are copied shallowly (articles/filters.py, _DeclaredFilters): what one filter set
    # changes must stay its own, and a method filter must call its own filter set.
    from articles.models import Article

    ArticleFilter = filters.ArticleFilter
    first = ArticleFilter(data={"q": "ransomware"}, queryset=Article.objects.none())
    second = ArticleFilter(data={}, queryset=Article.objects.none())
    declared = ArticleFilter.base_filters
    for name in declared:
        assert first.filters[name] is not second.filters[name] is not declared[name]
        assert first.filters[name].parent is first and second.filters[name].parent is second
    assert first.filters["q"].filter.f is first.filters["q"]
    first.filters["tlp"].extra["choices"] = []
    assert second.filters["tlp"].extra["choices"] and declared["tlp"].extra["choices"]
    assert first.is_valid() and list(first.qs) == []
