# ruff: noqa: F811 (the fixtures of tests/api_support.py are imported, then named as arguments)
"""The articles endpoints: the list page's filters and search, cursor pages, constant queries,
an article's findings with their spans, and tagging through ``articles.tagging``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import ArticleTag, Entity, Indicator, Mention, Sighting
from audit.models import AuditEvent
from tests.api_support import api  # noqa: F401 (fixture)
from tests.factories import ArticleFactory, AuthorFactory, SourceFactory, list_budget_queries

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def varied(db):
    cisa = SourceFactory(name="CISA")
    vendor = SourceFactory(name="Vendor blog")
    jane = AuthorFactory(name="Jane Doe")
    day = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    rows = [
        ArticleFactory(title="Ransomware hits hospital", source=cisa, tags=["ransomware"], published_at=day),
        ArticleFactory(
            title="Phishing wave",
            source=vendor,
            authors=[jane],
            category="fraud-phishing",
            published_at=day + dt.timedelta(days=1),
        ),
        ArticleFactory(
            title="Patch Tuesday", source=cisa, tlp="amber", published_at=day + dt.timedelta(days=2)
        ),
        ArticleFactory(
            title="Ransomware payments fall",
            source=vendor,
            tags=["ransomware", "policy"],
            published_at=day + dt.timedelta(days=3),
        ),
    ]
    return {"cisa": cisa, "vendor": vendor, "rows": rows}


QUERIES = [
    {},
    {"q": "ransomware"},
    {"q": "ransomware -payments"},
    {"q": "tag:policy"},
    {"tag": "ransomware"},
    {"author": "Jane"},
    {"tlp": ["amber"]},
    {"category": ["fraud-phishing"]},
    {"published_from": "2026-03-02", "published_to": "2026-03-03"},
    {"has_indicators": "false"},
]


@pytest.mark.parametrize("params", QUERIES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all")
def test_the_list_filters_and_searches_like_the_list_page(varied, api, client, make_user, params):
    user = make_user("amber")
    client.force_login(user)
    page = client.get("/articles/", params)
    expected = [article.pk for article in page.context["page"].items]
    assert expected  # every query matches something
    assert ids(api(user).get(f"{V1}/articles/", params)) == expected


def test_the_source_filter_takes_an_id_like_the_list_page(varied, api, make_user):
    found = ids(api(make_user("amber")).get(f"{V1}/articles/", {"source": varied["cisa"].pk}))
    assert found == [varied["rows"][2].pk, varied["rows"][0].pk]


def test_bad_filters_are_400_with_the_fields_named(varied, api, make_user):
    client = api(make_user("amber"))
    response = client.get(f"{V1}/articles/", {"published_from": "yesterday-ish", "tlp": "purple"})
    assert response.status_code == 400
    assert set(response.json()) == {"published_from", "tlp"}


def test_cursor_pages_go_forward_and_back_without_repeats(varied, api, make_user):
    client = api(make_user("amber"))
    newest_first = [a.pk for a in reversed(varied["rows"])]
    first = client.get(f"{V1}/articles/", {"page_size": 3}).json()
    assert [r["id"] for r in first["results"]] == newest_first[:3] and first["previous"] is None
    second = client.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == newest_first[3:] and second["next"] is None
    back = client.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == newest_first[:3]


@pytest.mark.parametrize(
    "params", [{"after": "garbage"}, {"before": "1.x"}, {"page_size": "0"}, {"page_size": "9999"}]
)
def test_a_damaged_cursor_or_page_size_is_a_400(varied, api, make_user, params):
    assert api(make_user("amber")).get(f"{V1}/articles/", params).status_code == 400


def test_the_list_makes_the_same_number_of_queries_for_2_or_42_rows(
    api, make_user, django_assert_max_num_queries
):
    client = api(make_user("amber"))

    def add_rows(n):
        for _ in range(n):
            ArticleFactory(authors=[AuthorFactory(), AuthorFactory()], tags=["one", "two"])

    add_rows(2)
    # Token (1), last-used (only the first request of a minute), the filter's sources (1),
    # the page (1), its authors and tags (2).
    client.get(f"{V1}/articles/")
    with django_assert_max_num_queries(5 + list_budget_queries()) as few:
        client.get(f"{V1}/articles/", {"page_size": 50})
    add_rows(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"{V1}/articles/", {"page_size": 50})
    rows = response.json()["results"]
    assert len(rows) == 42
    assert all(len(row["authors"]) == 2 and row["tags"] == ["one", "two"] for row in rows)


def test_an_article_has_its_findings_with_spans_in_reading_order(api, make_user):
    body = "Contact evil.example from 203.0.113.7; APT28 used it. See https://evil.example/x too."
    article = ArticleFactory(title="APT28 again", body_text=body)
    actor = Entity.objects.create(kind="threat-actor", name="APT28", external_id="G0007")
    ip = Indicator.objects.create(type="ipv4", value="203.0.113.7")
    host = Indicator.objects.create(type="domain", value="evil.example")

    def span(model, thing, section, text, matched, **extra):
        start = text.index(matched)
        key = "entity" if model is Mention else "indicator"
        model.objects.create(
            article=article,
            section=section,
            start=start,
            end=start + len(matched),
            matched=matched,
            enricher="t",
            enricher_version="1",
            **{key: thing},
            **extra,
        )

    span(Mention, actor, "body", body, "APT28")
    span(Mention, actor, "title", article.title, "APT28")
    span(Sighting, ip, "body", body, "203.0.113.7")
    span(Sighting, host, "body", body, "evil.example")
    url_host = body.index("evil.example/x")
    Sighting.objects.create(
        article=article,
        indicator=host,
        section="body",
        start=url_host,
        end=url_host + len("evil.example"),
        matched="evil.example",
        derived_from="https://evil.example/x",
        enricher="t",
        enricher_version="1",
    )
    # Written for an older text: left out, as the article page leaves it out.
    Sighting.objects.create(
        article=article,
        indicator=ip,
        section="body",
        start=0,
        end=5,
        matched="stale",
        enricher="t",
        enricher_version="1",
    )
    data = api(make_user("clear")).get(f"{V1}/articles/{article.pk}/").json()
    assert data["body_text"] == body
    entities = data["findings"]["entities"]
    assert [(e["name"], e["external_id"]) for e in entities] == [("APT28", "G0007")]
    assert [(s["section"], s["matched"]) for s in entities[0]["spans"]] == [
        ("title", "APT28"),
        ("body", "APT28"),
    ]
    indicators = {i["value"]: i for i in data["findings"]["indicators"]}
    assert [s["matched"] for s in indicators["203.0.113.7"]["spans"]] == ["203.0.113.7"]
    assert indicators["203.0.113.7"]["derived"] is False
    host_spans = indicators["evil.example"]["spans"]
    assert [s["derived_from"] for s in host_spans] == ["", "https://evil.example/x"]
    assert indicators["evil.example"]["derived"] is False
    for item in [*entities, *indicators.values()]:
        for s in item["spans"]:
            section = {"title": data["title"], "body": data["body_text"]}[s["section"]]
            assert section[s["start"] : s["end"]] == s["matched"]


def test_indicators_say_first_and_last_seen_counts_and_derived(api, make_user):
    old = ArticleFactory(published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), body_text="x")
    new = ArticleFactory(published_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC), body_text="x")
    hidden = ArticleFactory(published_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC), tlp="amber", body_text="x")
    host = Indicator.objects.create(type="domain", value="only-from-urls.example", benign="")
    benign = Indicator.objects.create(type="domain", value="google.com", benign="Top domains")
    for n, article in enumerate([old, new, hidden]):
        for indicator in (host, benign):
            Sighting.objects.create(
                article=article,
                indicator=indicator,
                start=n,
                end=n + 1,
                matched="x",
                derived_from="https://only-from-urls.example/" if indicator is host else "",
                enricher="t",
                enricher_version="1",
            )
    client = api(make_user("green"))
    rows = {row["value"]: row for row in client.get(f"{V1}/indicators/").json()["results"]}
    assert rows["only-from-urls.example"]["derived"] is True
    assert rows["only-from-urls.example"]["sightings"] == 2  # the AMBER article's is not counted
    assert rows["only-from-urls.example"]["last_seen"].startswith("2026-02-01")
    assert rows["only-from-urls.example"]["first_seen"].startswith("2026-01-01")
    assert rows["google.com"]["benign"] == "Top domains" and rows["google.com"]["derived"] is False
    assert [r["value"] for r in client.get(f"{V1}/indicators/", {"benign": "false"}).json()["results"]] == [
        "only-from-urls.example"
    ]
    assert [r["value"] for r in client.get(f"{V1}/indicators/", {"derived": "false"}).json()["results"]] == [
        "google.com"
    ]
    assert len(client.get(f"{V1}/indicators/", {"since": "2026-01-15"}).json()["results"]) == 2
    # Only the AMBER article, which this reader may not read, saw them after February 1.
    assert client.get(f"{V1}/indicators/", {"since": "2026-02-15"}).json()["results"] == []
    assert client.get(f"{V1}/indicators/", {"since": "last week"}).status_code == 400


def test_tagging_through_the_api_records_who_and_audits(api, make_user):
    user = make_user("clear")
    article = ArticleFactory()
    client = api(user, "read-write")
    added = client.post(f"{V1}/articles/{article.pk}/tags/", {"name": "  Needs   review "})
    assert added.status_code == 201
    assert [(t["name"], t["added_by"]) for t in added.json()] == [("Needs review", user.username)]
    assert client.post(f"{V1}/articles/{article.pk}/tags/", {"name": "needs review"}).status_code == 200
    link = ArticleTag.objects.get(article=article)
    assert link.added_by == user
    removed = client.delete(f"{V1}/articles/{article.pk}/tags/{link.tag_id}/")
    assert removed.status_code == 204
    assert client.delete(f"{V1}/articles/{article.pk}/tags/{link.tag_id}/").status_code == 404
    events = AuditEvent.objects.filter(article_id=article.pk).order_by("at", "id")
    assert [(e.action, e.actor_id) for e in events] == [
        ("article.tag_add", user.pk),
        ("article.tag_remove", user.pk),
    ]


@pytest.mark.parametrize(
    ("name", "message"), [("tlp:red", "TLP is the article's label"), ("", "Type a tag name."), (7, "Give")]
)
def test_a_bad_tag_is_a_400_saying_why(api, make_user, name, message):
    article = ArticleFactory()
    response = api(make_user("clear"), "read-write").post(f"{V1}/articles/{article.pk}/tags/", {"name": name})
    assert response.status_code == 400
    assert message in response.json()["name"]
    assert not ArticleTag.objects.filter(article=article).exists()


def test_an_account_without_a_role_may_not_tag_even_with_a_read_write_token(api, make_user):
    user = make_user("clear")
    user.groups.clear()
    article = ArticleFactory()
    response = api(user, "read-write").post(f"{V1}/articles/{article.pk}/tags/", {"name": "x"})
    assert response.status_code == 403
    assert not ArticleTag.objects.filter(article=article).exists()


def test_requests_past_the_rate_limit_get_429_per_token(api, make_user, settings):
    settings.API_REQUESTS_PER_MINUTE = 3
    user = make_user("clear")
    first, second = api(user), api(user)
    assert [first.get(f"{V1}/me/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert "Retry-After" in first.get(f"{V1}/me/")
    assert second.get(f"{V1}/me/").status_code == 200


def _sight(article, indicator, derived_from: str = "") -> None:
    Sighting.objects.create(
        article=article,
        indicator=indicator,
        start=0,
        end=1,
        matched="x",
        derived_from=derived_from,
        enricher="t",
        enricher_version="1",
    )


def test_indicators_of_one_type_page_newest_first_over_readable_articles(api, make_user):
    seen = ArticleFactory(body_text="x")
    hidden = ArticleFactory(tlp="amber", body_text="x")
    addresses = [Indicator.objects.create(type="ipv4", value=f"198.51.100.{n}") for n in range(6)]
    for n, address in enumerate(addresses):
        _sight(hidden if n == 2 else seen, address, derived_from="http://x/" if n == 4 else "")
    _sight(seen, Indicator.objects.create(type="domain", value="other.example"))
    client = api(make_user("green"))

    def every_value(params: dict) -> list[str]:
        values, url = [], f"{V1}/indicators/"
        while url:
            page = client.get(url, params if url.endswith("/indicators/") else None).json()
            values += [row["value"] for row in page["results"]]
            url = page["next"]
        return values

    newest_first = [a.value for a in reversed(addresses)]
    # the AMBER-only address is not there; the derived-only one is there unless written asked for
    assert every_value({"type": "ipv4", "page_size": 2}) == [v for v in newest_first if v != "198.51.100.2"]
    assert every_value({"type": "ipv4", "derived": "false", "page_size": 2}) == [
        v for v in newest_first if v not in {"198.51.100.2", "198.51.100.4"}
    ]
    assert every_value({"type": "ipv4", "derived": "true"}) == ["198.51.100.4"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL plan (the run on PostgreSQL covers it)"
)
def test_a_type_filtered_indicator_page_probes_indicators_instead_of_joining_every_sighting(api, make_user):
    """A semi-join reads the whole sighting index to fill a page of one type (140 ms at 100k
    articles); the page must be found indicator by indicator off the (type, -id) index."""
    article = ArticleFactory(body_text="x")
    for n in range(3):
        _sight(article, Indicator.objects.create(type="ipv4", value=f"203.0.113.{n}"))
    client = api(make_user("green"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{V1}/indicators/", {"type": "ipv4", "derived": "false"}).status_code == 200
    [page_sql] = [q["sql"] for q in queries.captured_queries if 'FROM "articles_indicator"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # plan as for a big table
        cursor.execute("EXPLAIN " + page_sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Semi Join" not in plan and "Anti Join" not in plan, plan
    assert "indicator_type_newest_idx" in plan, plan


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL plan (the run on PostgreSQL covers it)"
)
def test_part_of_a_value_is_found_through_the_trigram_index(api, make_user):
    """``q=`` is a LIKE '%…%' no b-tree serves (100 ms at 50,000 indicators read one by one);
    the trigram index of UPPER(value) finds the candidates."""
    article = ArticleFactory(body_text="x")
    _sight(article, Indicator.objects.create(type="domain", value="evil-cdn.example"))
    _sight(article, Indicator.objects.create(type="domain", value="harmless.example"))
    client = api(make_user("green"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"{V1}/indicators/", {"q": "EVIL-c"}).json()
    assert [row["value"] for row in page["results"]] == ["evil-cdn.example"]
    [page_sql] = [q["sql"] for q in queries.captured_queries if 'FROM "articles_indicator"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # plan as for a big table
        cursor.execute("EXPLAIN " + page_sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "indicator_value_trgm_idx" in plan, plan
