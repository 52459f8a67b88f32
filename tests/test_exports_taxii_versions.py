"""TAXII 2.1 versions: a value found by several articles of a collection is one object in
several versions (same id and created, modified = the article's publication); the collection
serves the latest by default, and first / all / a timestamp on request (``match[version]``).
A version in an article the reader may not read never hides one they may."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from api.exports import stix, taxii
from api.tokens import issue_token
from articles.models import ArticleGrant
from tests.exports_support import enriched
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

JAN = dt.datetime(2024, 1, 10, tzinfo=dt.UTC)
JUN = dt.datetime(2024, 6, 10, tzinfo=dt.UTC)
SHARED_C2 = "185.220.101.47"


def fetch(client, token: str, label: str, **params) -> list[dict]:
    """Every object of the collection, following ``next``."""
    url = f"/api/v1/taxii2/root/collections/{taxii.collection_id(label)}/objects/"
    found: list[dict] = []
    while True:
        response = client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, response.content
        body = response.json()
        found += body.get("objects", [])
        if not body["more"]:
            return found
        params = {**params, "next": body["next"]}


def indicator_for(objects: list[dict], value: str) -> list[dict]:
    return [o for o in objects if o["type"] == "indicator" and o["name"] == value]


@pytest.fixture
def two_versions(make_user):
    """The same findings in two CLEAR articles: the later one (by publication) ingested first."""
    later = enriched(tlp="clear", published_at=JUN)
    earlier = enriched(tlp="clear", published_at=JAN)
    user = make_user("clear")
    _, token = issue_token(user, name="taxii")
    return token, earlier, later


def test_the_latest_version_of_each_object_is_served_once(client, two_versions):
    token, earlier, later = two_versions
    objects = fetch(client, token, "clear", limit=5)
    ids = Counter(o["id"] for o in objects)
    assert [i for i, n in ids.items() if n > 1] == []
    # Both reports (one per article), and the shared values once, as of June.
    assert {o["id"] for o in objects if o["type"] == "report"} == {
        stix.report_for_article(earlier).id,
        stix.report_for_article(later).id,
    }
    (c2,) = indicator_for(objects, SHARED_C2)
    assert c2["modified"].startswith("2024-06-10")
    assert c2["created"] == "1970-01-01T00:00:00.000Z"


def test_first_all_and_a_timestamp_ask_for_other_versions(client, two_versions):
    token, _earlier, _later = two_versions
    (first,) = indicator_for(fetch(client, token, "clear", **{"match[version]": "first"}), SHARED_C2)
    assert first["modified"].startswith("2024-01-10")

    every = indicator_for(fetch(client, token, "clear", **{"match[version]": "all"}), SHARED_C2)
    assert sorted(o["modified"][:10] for o in every) == ["2024-01-10", "2024-06-10"]
    assert len({o["created"] for o in every}) == 1

    both = indicator_for(fetch(client, token, "clear", **{"match[version]": "first,last"}), SHARED_C2)
    assert len(both) == 2

    at = fetch(client, token, "clear", **{"match[version]": "2024-01-10T00:00:00.000Z"})
    assert [o["modified"][:10] for o in indicator_for(at, SHARED_C2)] == ["2024-01-10"]
    assert {o["type"] for o in at} >= {"indicator", "intrusion-set", "relationship"}


def test_the_manifest_lists_the_served_versions(client, two_versions):
    token, _earlier, _later = two_versions
    url = f"/api/v1/taxii2/root/collections/{taxii.collection_id('clear')}/manifest/"
    response = client.get(url, {"limit": 1000}, HTTP_AUTHORIZATION=f"Bearer {token}")
    entries = response.json()["objects"]
    versions = {e["version"] for e in entries if e["id"].startswith("indicator--")}
    assert versions == {"2024-06-10T00:00:00.000Z"}
    one = client.get(
        f"/api/v1/taxii2/root/collections/{taxii.collection_id('clear')}/objects/"
        f"{stix.indicator_ref('ipv4', SHARED_C2)}/",
        {"match[version]": "all"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert len(one.json()["objects"]) == 2


def test_a_bad_version_is_a_400(client, two_versions):
    token, _earlier, _later = two_versions
    url = f"/api/v1/taxii2/root/collections/{taxii.collection_id('clear')}/objects/"
    response = client.get(url, {"match[version]": "newest"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    assert response["Content-Type"] == taxii.MEDIA_TYPE


def test_a_version_the_reader_may_not_read_does_not_hide_theirs(client, make_user):
    """Two RED articles with the same findings; the reader holds a grant for the earlier one
    only. The later one must not count as a newer version: the earlier one's objects are
    served, and nothing from the later one."""
    mine = enriched(tlp="red", published_at=JAN)
    hidden = enriched(tlp="red", published_at=JUN)
    reader = make_user("red")
    ArticleGrant.objects.create(article=mine, user=reader)
    _, token = issue_token(reader, name="taxii")

    objects = fetch(client, token, "red")
    (c2,) = indicator_for(objects, SHARED_C2)
    assert c2["modified"].startswith("2024-01-10")
    assert stix.report_for_article(hidden).id not in {o["id"] for o in objects}
    assert all(not o.get("modified", "").startswith("2024-06-10") for o in objects)


VARIED = [
    ("clear", JAN, None),  # APT_TEXT: one actor, malware, techniques, CVE, hosts, hashes
    ("clear", JUN, "APT28 and Lazarus Group both used Mimikatz from 185.220.101.47 this week."),
    ("clear", JUN, "Emotet loaders fetched hxxp://evil-updates[.]com/b.php from 185.220.101.47."),
    ("clear", dt.datetime(2024, 3, 1, tzinfo=dt.UTC), "APT28 targeted the energy sector via CVE-2023-23397."),
    ("red", dt.datetime(2024, 9, 1, tzinfo=dt.UTC), None),  # the same values, hidden from the reader
    ("clear", dt.datetime(2023, 5, 1, tzinfo=dt.UTC), "Nothing to see: google.com and 8.8.8.8 only."),
    # Written here, only derived from a URL in June's Emotet article: the observable has a
    # later version, the indicator does not.
    ("clear", dt.datetime(2024, 2, 1, tzinfo=dt.UTC), "The C2 domain evil-updates.com served the kit."),
]


def test_each_articles_objects_and_versions_are_what_its_own_export_gives(make_user):
    """The batched reading (taxii_batch) against the definition: an article's objects are
    its own STIX export's, and one has a later (earlier) version exactly when a later
    (earlier) article the reader may read exports the same id."""
    from api.exports import scope, taxii_batch
    from api.exports.taxii_versions import FIRST, LAST

    shared = SourceFactory()  # every other article from one source: its identity has versions
    for number, (tlp, published, text) in enumerate(VARIED):
        source = shared if number % 2 else SourceFactory()
        enriched(*([text] if text else []), tlp=tlp, published_at=published, source=source)
    reader = make_user("amber")  # reads CLEAR, never RED
    collection = taxii.collection_articles(reader, "clear")
    articles = list(collection)
    modes = frozenset({FIRST, LAST})
    found = taxii_batch.read(articles, collection, modes, taxii_batch.collection_ends(collection, modes))

    def own(article) -> dict[str, str]:
        pairs = list(stix.scope_entries(scope.article_scope(reader, article.pk)))
        return {ref: make().serialize() for ref, make in pairs}

    exported = {article.pk: own(article) for article in articles}
    order = sorted(articles, key=lambda a: (a.published_at, a.pk))
    for position, article in enumerate(order):
        batched = found[article.pk]
        report, *rest = batched.pairs
        assert report[0] == stix.report_for_article(article).id
        assert {ref: make().serialize() for ref, make in rest} == exported[article.pk]
        later = set().union(*(exported[a.pk] for a in order[position + 1 :]))
        earlier = set().union(*(exported[a.pk] for a in order[:position]))
        assert batched.newer & set(exported[article.pk]) == set(exported[article.pk]) & later, article
        assert batched.older & set(exported[article.pk]) == set(exported[article.pk]) & earlier, article


@pytest.mark.parametrize("version", ["last", "all"])
def test_small_pages_over_many_runs_of_articles_serve_the_same_objects(client, make_user, version):
    """More articles than one run (taxii.BATCH), several with the same date added: paging
    seven objects at a time gives exactly what one large page gives, in the same order."""
    from django.utils import timezone

    from articles.models import Article

    for day in range(taxii.BATCH * 2 + 3):
        enriched(
            f"Day {day}: APT28 used 185.220.101.{day} and Mimikatz.",
            tlp="green",
            published_at=JAN + dt.timedelta(days=day),
        )
    same_moment = timezone.now()
    Article.objects.filter(tlp="green").filter(pk__in=Article.objects.order_by("pk").values("pk")[:6]).update(
        processed_at=same_moment
    )
    reader = make_user("green")
    _, token = issue_token(reader, name="taxii")
    whole = fetch(client, token, "green", limit=1000, **{"match[version]": version})
    paged = fetch(client, token, "green", limit=7, **{"match[version]": version})
    assert [o["id"] for o in paged] == [o["id"] for o in whole]
    assert len(whole) > 7 * 4
    reports = [o for o in whole if o["type"] == "report"]
    assert len(reports) == taxii.BATCH * 2 + 3


def test_the_manifest_gives_each_served_objects_own_version(client, two_versions):
    """The manifest's version is the served object's modified (created where it has none),
    to the character: reports carry ingestion times with microseconds, cut to STIX's
    milliseconds in both."""
    token, _earlier, _later = two_versions
    base = f"/api/v1/taxii2/root/collections/{taxii.collection_id('clear')}"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for version in ("last", "all"):
        params = {"limit": 1000, "match[version]": version}
        objects = client.get(f"{base}/objects/", params, **auth).json()["objects"]
        manifest = client.get(f"{base}/manifest/", params, **auth).json()["objects"]
        assert [m["id"] for m in manifest] == [o["id"] for o in objects]
        for entry, obj in zip(manifest, objects, strict=True):
            stamp = obj.get("modified", obj.get("created"))
            if stamp is not None:
                assert entry["version"] == stamp, obj["id"]
                assert len(stamp.rsplit(".", 1)[1]) == 4, stamp  # three decimals and the Z


@pytest.mark.parametrize("version", ["last", "first"])
def test_hidden_versions_on_both_sides_change_nothing(client, make_user, version):
    """A RED reader with a grant on the middle of three articles (same findings, same
    source): the ones before and after it are hidden, so the collection serves exactly what
    the reader's own export of the middle one holds, whichever end is asked for."""
    from api.exports import scope

    source = SourceFactory()
    hidden_before = enriched(tlp="red", published_at=JAN, source=source)
    mine = enriched(tlp="red", published_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC), source=source)
    hidden_after = enriched(tlp="red", published_at=JUN, source=source)
    reader = make_user("red")
    ArticleGrant.objects.create(article=mine, user=reader)
    _, token = issue_token(reader, name="taxii")

    served = {o["id"] for o in fetch(client, token, "red", **{"match[version]": version})}
    own = set(stix.scope_ids(scope.article_scope(reader, mine.pk)))
    head = {stix.TLP2_IDS["red"], stix.PORTAL_ID}
    assert served == own | head | {stix.report_for_article(mine).id}
    assert not served & {stix.report_for_article(a).id for a in (hidden_before, hidden_after)}


def test_match_version_values(client, two_versions):
    token, _earlier, _later = two_versions
    url = f"/api/v1/taxii2/root/collections/{taxii.collection_id('clear')}/objects/"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def ask(value: str):
        return client.get(url, {"match[version]": value, "limit": 1000}, **auth)

    # Spaces in a list; each (id, version) once even when two modes pick the same version
    # (the marking, the portal identity, a value found once).
    manifest = url.replace("/objects/", "/manifest/")
    both = client.get(manifest, {"match[version]": " first , last ", "limit": 1000}, **auth).json()
    pairs = [(m["id"], m["version"]) for m in both["objects"]]
    assert len(pairs) == len(set(pairs))
    assert len({i for i, _v in pairs}) < len(pairs)  # and both versions of the shared values
    # Another time zone names the same instant.
    at = ask("2024-01-10T01:00:00+01:00").json()["objects"]
    assert [o["modified"][:10] for o in indicator_for(at, SHARED_C2)] == ["2024-01-10"]
    # A timestamp that matches nothing serves nothing, not even the marking.
    assert "objects" not in ask("2001-01-01T00:00:00Z").json()
    for bad in ("2024-01-10T00:00:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "latest"):
        response = ask(bad)
        assert response.status_code == 400, bad
        assert response["Content-Type"] == taxii.MEDIA_TYPE


def test_a_page_reads_its_articles_in_runs_not_one_by_one(client, make_user):
    """Queries for one page of 100 objects over 3 runs of articles: the runs' reads are
    fixed, and only relationships' version checks are per article (none when relationships
    are not asked for)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for day in range(taxii.BATCH * 3):
        enriched(
            f"Day {day}: APT28 used 185.220.101.{day} and Mimikatz.",
            published_at=JAN + dt.timedelta(days=day),
        )
    reader = make_user("clear")
    _, token = issue_token(reader, name="taxii")
    url = f"/api/v1/taxii2/root/collections/{taxii.collection_id('clear')}/objects/"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    counts = {}
    for name, params in {
        "default": {},
        "all": {"match[version]": "all"},
        "reports": {"match[type]": "report"},
    }.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"limit": 100, **params}, **auth).status_code == 200
        counts[name] = len(queries.captured_queries)
    # The runs' reads: the token, the collection's ends, and per run its articles, entity
    # links, sightings and sources.
    assert counts["all"] <= 8
    assert counts["reports"] <= 16
    # Per article at most two more: its relationships' later versions (one actor here).
    assert counts["default"] <= counts["reports"] + 2 * taxii.BATCH * 3
