"""The search box on /articles/ (docs/search.md), on SQLite and on PostgreSQL.

Run on PostgreSQL with DATABASE_URL set; the same tests then cover the search vector,
ts_rank_cd and ts_headline instead of FTS5, bm25() and snippet().
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from articles.models import ArticleEntity, Entity, Indicator, Sighting
from tests.factories import ArticleFactory, AuthorFactory, SourceFactory

pytestmark = pytest.mark.django_db
URL = "/articles/"
START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


@pytest.fixture
def reader(client, make_user):
    client.force_login(make_user("amber"))
    return client


def titles(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.status_code
    return [article.title for article in response.context["page"].items]


def article(title: str, body: str = "", days: int = 0, **kwargs):
    return ArticleFactory(
        title=title, body_text=body or title, published_at=START + dt.timedelta(days=days), **kwargs
    )


def sighted(item, type_: str, value: str, matched: str | None = None):
    indicator, _ = Indicator.objects.get_or_create(type=type_, value=value)
    Sighting.objects.create(
        article=item,
        indicator=indicator,
        start=0,
        end=len(matched or value),
        matched=matched or value,
        enricher="indicators",
        enricher_version="1",
    )


def mentions(item, kind: str, name: str, external_id: str = ""):
    entity, _ = Entity.objects.get_or_create(kind=kind, name=name, defaults={"external_id": external_id})
    ArticleEntity.objects.create(article=item, entity=entity)
    return entity


def test_words_must_all_match_newest_first(reader):
    article("Ransomware hits hospital", days=1)
    article("Ransomware hits bank", days=2)
    article("Hospital opens wing", days=3)
    assert titles(reader, q="ransomware") == ["Ransomware hits bank", "Ransomware hits hospital"]
    assert titles(reader, q="ransomware hospital") == ["Ransomware hits hospital"]


def test_stemmed_word_phrase_exclusion_and_or(reader):
    article("Threat actors attacked ports", days=1)
    article("Actors of a threat play", days=2)
    article("Phishing by threat actors", days=3)
    article("LockBit returns", days=4)
    article("BlackCat returns", days=5)
    assert titles(reader, q="attack") == ["Threat actors attacked ports"]
    assert titles(reader, q='"threat actors"') == [
        "Phishing by threat actors",
        "Threat actors attacked ports",
    ]
    assert titles(reader, q='"threat actors" -phishing') == ["Threat actors attacked ports"]
    assert titles(reader, q="lockbit or blackcat") == ["BlackCat returns", "LockBit returns"]
    assert titles(reader, q="-returns -actors") == []


def test_an_indicator_typed_defanged_or_not_finds_the_articles_that_carry_it(reader):
    carrier = article("Campaign report", body="C2 at 203.0.113[.]7", days=1)
    sighted(carrier, "ipv4", "203.0.113.7", matched="203.0.113[.]7")
    article("Another report", body="nothing here", days=2)
    assert titles(reader, q="203.0.113.7") == ["Campaign report"]
    assert titles(reader, q="203.0.113[.]7") == ["Campaign report"]
    assert titles(reader, q="ioc:203.0.113.7") == ["Campaign report"]
    assert titles(reader, q="198.51.100.1") == []


def test_urls_hashes_emails_and_cves_are_exact_lookups(reader):
    item = article("Loader analysis", days=1)
    sighted(item, "url", "https://evil.example.com/a", matched="hxxps://evil[.]example[.]com/a")
    sighted(item, "sha256", "a" * 63 + "1")
    sighted(item, "email", "ops@evil.example.com")
    sighted(item, "cve", "CVE-2024-3400")
    article("Unrelated", days=2)
    for query in [
        "hxxps://evil[.]example[.]com/a",
        "https://evil.example.com/a",
        "A" * 63 + "1",
        "ops[at]evil[.]example[.]com",
        "CVE-2024-3400",
        "cve:2024-3400",
    ]:
        assert titles(reader, q=query) == ["Loader analysis"], query


def test_actor_prefix_finds_the_entity_by_name_or_galaxy_alias(reader):
    apt28 = article("Sofacy returns", days=1)
    mentions(apt28, "threat-actor", "APT28")
    article("Bears in the woods", body="A fancy bear", days=2)
    for query in ["actor:APT28", 'actor:"Fancy Bear"', "actor:sofacy", "actor:apt28"]:
        assert titles(reader, q=query) == ["Sofacy returns"], query
    response = reader.get(URL, {"q": 'actor:"Fancy Bear"'})
    assert "searched as APT28" in response.content.decode()


def test_product_and_vendor_prefixes_find_the_gazetteer_names_aliases_and_cpe(reader):
    citrix = article("Citrix Bleed exploited", days=1)
    mentions(citrix, "product", "NetScaler ADC", "citrix:netscaler_application_delivery_controller")
    mentions(citrix, "vendor", "Citrix")
    article("Adc and gateway words", body="An ADC sits in front of the gateway.", days=2)
    for query in [
        'product:"NetScaler ADC"',
        'product:"Citrix ADC"',
        "product:citrix:netscaler_application_delivery_controller",
        'vendor:"Cloud Software Group"',
        "vendor:citrix",
    ]:
        assert titles(reader, q=query) == ["Citrix Bleed exploited"], query


def test_technique_prefix_takes_an_attack_id_or_name_and_combines_with_words(reader):
    phish = article("Phishing wave hits banks", days=1)
    mentions(phish, "attack-pattern", "Phishing", external_id="T1566")
    other = article("Phishing awareness", days=2)
    mentions(other, "attack-pattern", "Phishing", external_id="T1566")
    article("Banks merge", days=3)
    assert titles(reader, q="technique:T1566") == ["Phishing awareness", "Phishing wave hits banks"]
    assert titles(reader, q="technique:phishing banks") == ["Phishing wave hits banks"]
    assert titles(reader, q="-technique:T1566") == ["Banks merge"]


def test_malware_prefix_also_finds_dual_use_tools_and_names_containing_the_value(reader):
    beacon = article("Beacons everywhere", days=1)
    mentions(beacon, "tool", "Cobalt Strike")
    lazarus = article("Crypto heist", days=2)
    mentions(lazarus, "threat-actor", "Lazarus Group")
    assert titles(reader, q='malware:"cobalt strike"') == ["Beacons everywhere"]
    assert titles(reader, q="actor:lazarus") == ["Crypto heist"]
    assert titles(reader, q="actor:nobody-of-that-name") == []


def test_tag_author_and_source_prefixes_use_the_sidebar_filters_paths(reader):
    ann = AuthorFactory(name="Ann Analyst")
    article("Tagged", days=1, tags=["apt"])
    article("By Ann", days=2, authors=[ann])
    article("From CISA", days=3, source=SourceFactory(name="CISA Advisories"))
    assert titles(reader, q="tag:apt") == ["Tagged"]
    assert titles(reader, q='author:"Ann Analyst"') == ["By Ann"]
    assert titles(reader, q="source:cisa") == ["From CISA"]
    assert titles(reader, q="tag:apt or source:cisa") == ["From CISA", "Tagged"]


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced quote',
        "-",
        "actor:",
        "x" * 10_000,
        "nul\x00byte",
        '- or -- "" or',
        "AND OR NOT ( ) * : ^ NEAR",
        'tag:"',
        "cve:not-a-cve",
        "\"'; DROP TABLE articles_article; --",
        "ioc:",
        "a" * 400,
        "🙂 ☃",
    ],
)
def test_a_malformed_query_is_never_a_server_error(reader, query):
    article("Something", days=1)
    # A NUL in the query string is refused before the view (400, tests/test_hostile_input.py).
    expected = 400 if "\x00" in query else 200
    assert reader.get(URL, {"q": query}).status_code == expected
    for sort in ("", "relevance"):
        assert reader.get(URL, {"q": query, "sort": sort, "after": "r25"}).status_code == expected


def test_a_query_with_nothing_to_search_is_a_form_error_that_says_what_to_type(reader):
    response = reader.get(URL, {"q": '- or ""'})
    assert "nothing to search for" in response.content.decode()
    response = reader.get(URL, {"q": "x" * 10_000})
    assert "This search is too long" in response.content.decode()


def test_an_unbalanced_quote_searches_the_words_and_says_so(reader):
    article("Threat actors", days=1)
    response = reader.get(URL, {"q": '"threat actors'})
    assert [a.title for a in response.context["page"].items] == ["Threat actors"]
    assert "unbalanced quote was ignored" in response.content.decode()


def test_relevance_ranks_the_best_match_first_and_says_it_is_bounded(reader):
    article("Quiet news", body="One ransomware mention deep in the text.", days=3)
    article("Ransomware ransomware ransomware", body="Ransomware everywhere: ransomware.", days=1)
    article("Weather", days=4)
    assert titles(reader, q="ransomware") == ["Quiet news", "Ransomware ransomware ransomware"]
    response = reader.get(URL, {"q": "ransomware", "sort": "relevance"})
    assert [a.title for a in response.context["page"].items] == [
        "Ransomware ransomware ransomware",
        "Quiet news",
    ]
    assert "best of the newest 500 matches" in response.content.decode()


def test_relevance_pages_by_offset_within_the_bound(reader, settings):
    settings.ARTICLES_PER_PAGE = 2
    for n in range(5):
        article(f"Botnet {n}", body="botnet " * (n + 1), days=n)
    first = reader.get(URL, {"q": "botnet", "sort": "relevance"})
    page = first.context["page"]
    assert page.older_cursor == "r2" and page.newer_cursor is None
    seen = [a.title for a in page.items]
    cursor = page.older_cursor
    while cursor:
        page = reader.get(URL, {"q": "botnet", "sort": "relevance", "after": cursor}).context["page"]
        seen += [a.title for a in page.items]
        cursor = page.older_cursor
    assert sorted(seen) == [f"Botnet {n}" for n in range(5)] and len(seen) == 5
    back = reader.get(URL, {"q": "botnet", "sort": "relevance", "before": "r2"}).context["page"]
    assert back.newer_cursor == "r0"


def test_relevance_within_one_actor_ranks_that_actors_articles_only(reader):
    for n, body in enumerate(["botnet", "botnet botnet botnet", "nothing"]):
        mentions(article(f"APT28 report {n}", body=body, days=n), "threat-actor", "APT28")
    article("Other botnet botnet botnet botnet", days=5)
    response = reader.get(URL, {"q": "actor:APT28 botnet", "sort": "relevance"})
    assert [a.title for a in response.context["page"].items] == ["APT28 report 1", "APT28 report 0"]


def test_relevance_without_words_falls_back_to_newest_first(reader):
    item = article("Old", days=1, tags=["apt"])
    article("New", days=2, tags=["apt"])
    assert item
    response = reader.get(URL, {"q": "tag:apt", "sort": "relevance"})
    assert [a.title for a in response.context["page"].items] == ["New", "Old"]
    assert "Relevance needs words" in response.content.decode()


def test_rows_show_a_highlighted_snippet_from_the_matching_text_escaped(reader):
    body = "Intro. " * 400 + "The <script>alert(1)</script> loader beacons to its botnet every hour."
    article("Weekly roundup", body=body, days=1)
    html = reader.get(URL, {"q": "botnet"}).content.decode()
    assert "<mark>botnet</mark>" in html
    # Escaped on SQLite; PostgreSQL's headline parser drops tags altogether. Never raw.
    assert "<script>alert(1)" not in html


def test_a_title_only_match_keeps_the_teaser(reader):
    ArticleFactory(
        title="Botnet takedown", teaser="Police act.", body_text="Nothing else.", published_at=START
    )
    html = reader.get(URL, {"q": "botnet"}).content.decode()
    assert "Police act." in html


def test_snippets_cost_one_query_for_the_page_whatever_its_size(reader, django_assert_max_num_queries):
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        article(f"Report {n}", body=f"The botnet number {n} grew.", days=n)
    with CaptureQueriesContext(connection) as few:
        reader.get(URL, {"q": "botnet", "sort": "relevance"})
    snippet_queries = [q for q in few.captured_queries if "snippet(" in q["sql"] or "ts_headline" in q["sql"]]
    assert len(snippet_queries) == 1
    for n in range(3, 20):
        article(f"Report {n}", body=f"The botnet number {n} grew.", days=n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = reader.get(URL, {"q": "botnet", "sort": "relevance"})
    assert response.content.decode().count("<mark>") >= 20
    with django_assert_max_num_queries(len(few.captured_queries)):
        reader.get(URL, {"q": "botnet"})


def test_amber_articles_never_reach_a_green_reader_not_in_rows_counts_snippets_or_names(client, make_user):
    secret = article("Quiet botnet takedown", body="The secretword botnet was seized.", days=2, tlp="amber")
    sighted(secret, "ipv4", "203.0.113.9")
    mentions(secret, "threat-actor", "APT29")
    article("Open botnet news", body="A botnet was in the news.", days=1, tlp="green")
    client.force_login(make_user("green"))
    for params in [
        {"q": "botnet"},
        {"q": "botnet", "sort": "relevance"},
        {"q": "secretword"},
        {"q": "203.0.113.9"},
        {"q": "actor:APT29"},
        {"q": 'actor:"Cozy Bear" botnet'},
    ]:
        response = client.get(URL, params)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Quiet botnet" not in html and "seized" not in html, params
        # The entity is named only by what the reader typed (echoed in forms), never resolved.
        assert "searched as" not in html, params
        assert "APT29" not in html or "APT29" in params["q"], params
        assert response.context["count"] <= 1, params
    assert titles(client, q="botnet") == ["Open botnet news"]


def test_the_search_box_in_the_masthead_is_on_every_page(reader):
    html = reader.get("/articles/").content.decode()
    masthead = html.split('<header class="masthead">')[1].split("</header>")[0]
    assert 'role="search"' in masthead and 'action="/articles/"' in masthead and 'name="q"' in masthead
    assert 'aria-label="Search articles"' in masthead


def test_the_search_index_follows_every_write_path():
    """On SQLite the FTS5 table is kept by triggers (migration 0014); a migration that
    rebuilds the article table drops them, and this fails. PostgreSQL: the vector's trigger."""
    from articles.models import Article
    from articles.search.query import parse
    from articles.search.text import filter_text

    def found(word):
        return list(filter_text(Article.objects.all(), parse(word).clauses).values_list("title", flat=True))

    item = article("Walrus sighting", body="seen on the ice", days=1)
    assert found("walrus") == ["Walrus sighting"]
    item.title = "Narwhal sighting"
    item.save()
    assert found("walrus") == [] and found("narwhal") == ["Narwhal sighting"]
    Article.objects.filter(pk=item.pk).update(body_text="a beluga swims")
    assert found("beluga") == ["Narwhal sighting"]
    Article.objects.filter(pk=item.pk).update(tlp="green")  # no searched column: no re-index
    assert found("narwhal") == ["Narwhal sighting"]
    item.delete()
    assert found("narwhal") == []


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL plan")
def test_relevance_ranks_a_bounded_candidate_set():
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article
    from articles.search.query import parse
    from articles.search.ranking import RANK_CANDIDATES, ranked_ids

    article("Botnet", days=1)
    with CaptureQueriesContext(connection) as captured:
        ranked_ids(Article.objects.all().filter(search_vector__isnull=False), parse("botnet"))
    sql = captured.captured_queries[-1]["sql"]
    assert f"LIMIT {RANK_CANDIDATES}" in sql and "ts_rank_cd" in sql


def test_the_order_select_follows_the_search_box_and_defaults_to_newest_first(reader):
    article("x", days=1)
    html = reader.get(URL).content.decode()
    form = html.split('class="filter-form"')[1]
    assert form.index('name="q"') < form.index('name="sort"') < form.index('name="source"')
    assert '<option value="" selected>Newest first</option>' in form
    assert form.count(">Any source</option>") == 1  # the field adds it; it was listed twice


def test_evaluating_a_search_without_its_page_names_no_entities(make_user):
    """A saved search's count runs the same filter set; naming entities is for the page."""
    from django.test.utils import CaptureQueriesContext

    from articles.filters import ArticleFilter
    from articles.models import Article

    mentions(article("Sofacy returns", days=1), "threat-actor", "APT28")
    user = make_user("amber")
    filterset = ArticleFilter({"q": "actor:sofacy"}, queryset=Article.objects.visible_to(user), user=user)
    with CaptureQueriesContext(connection) as captured:
        assert filterset.qs.count() == 1
    assert not any('"external_id"' in q["sql"] for q in captured.captured_queries)
    assert filterset.search_notes() == ["actor:sofacy searched as APT28."]
