"""No address answers 500, whatever is in it.

The URL patterns are found, not listed: the test walks ``get_resolver()`` (the admin's
patterns included), fills every parameter with a valid value and, one parameter at a
time, with hostile ones (NUL, huge and negative ids, very long strings, ``../``, broken
UTF-8, SQL and HTML metacharacters), then sends every query parameter name the pages
themselves use (form fields, filter links) plus the usual suspects (``q``, ``o``, ``p``,
``page``, ``cursor``, ``next``, ``term``, ``_to_field``...) with hostile values, the admin's
date drill-downs with absurd dates, and the admin autocomplete with hostile terms. It does
so as a superuser and as an anonymous visitor; the suite runs on SQLite and on
PostgreSQL, which is where NUL characters used to crash. Only 2xx, 3xx and 4xx answers
pass. Every form also takes hostile values in every field, and POSTs with a missing or
forged CSRF token are refused with 403 everywhere. The walking itself is tests/url_walk.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles.models import Article, Entity, Indicator, Mention, Sighting, Story, Tag, WatchEntity
from audit.actions import Action
from audit.services import record
from tests import url_walk
from tests.factories import ArticleFactory, AuthorFactory, SourceFactory, make_user
from tests.url_walk import PARAMETER, Route, query

pytestmark = pytest.mark.django_db

# Put into the address as they are (already percent-encoded where they need to be).
HOSTILE_PATH_VALUES = [
    "0",
    "-1",
    "99999999999999999999999",
    "9223372036854775808",
    "%00",
    "a%00b",
    "x" * 3000,
    "..",
    "../../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "%ff%fe",
    quote("ünïcødé-😀"),
    quote("' OR 1=1 --"),
    quote('<script>alert("x")</script>'),
    "1.5e308",
    "%25",
]
# Sent as query values, like the path values already percent-encoded where they need to be.
HOSTILE_QUERY_VALUES = [
    "%00",
    "a%00b",
    "x" * 1000,
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "%ff%fe",
    quote("ünïcødé-😀"),
    quote("' OR 1=1 --"),
    quote('<script>alert("x")</script>'),
    "%",
    "",
]
TOO_BIG_FOR_AN_ID = "99999999999999999999"
# Put into form fields as they are (the client encodes them).
HOSTILE_FORM_VALUES = [
    "",
    "x" * 1000,
    "-1",
    TOO_BIG_FOR_AN_ID,
    "1e309",
    "ünïcødé-😀",
    "' OR 1=1 --",
    '<script>alert("x")</script>',
]
# Names no page shows in a form but that the views or the admin read.
USUAL_PARAMETERS = [
    "q",
    "o",
    "p",
    "page",
    "cursor",
    "after",
    "before",
    "next",
    "term",
    "all",
    "e",
    "_popup",
    "_facets",
    "_changelist_filters",
    "app_label",
    "model_name",
    "field_name",
    "url",
]
DRILL_DOWNS = [
    {"__year": "99999"},
    {"__year": "9999"},
    {"__year": "9999", "__month": "12"},
    {"__year": "9999", "__month": "12", "__day": "31"},
    {"__year": "1"},
    {"__year": "0"},
    {"__year": "-1"},
    {"__year": "2026", "__month": "13"},
    {"__year": "2026", "__month": "0"},
    {"__year": "2026", "__month": "2", "__day": "30"},
    {"__year": "2026", "__month": "1", "__day": "0"},
    {"__year": "2026", "__month": "1", "__day": "99999999999999999999"},
]
TO_FIELD = "_to_field"
DRILL_DOWN_NAME = re.compile(r"__(year|month|day)$")


def _valid_value(template: str, name: str, url_name: str | None, world: dict) -> str:
    """A value for one hole that reaches the view's real work (an object that exists)."""
    admin_model = re.match(r"admin/(\w+)/(\w+)/\{", template)
    if admin_model and name in {"object_id", "id"}:
        model = apps.get_model(*admin_model.groups())
        return str(model._default_manager.order_by("pk").values_list("pk", flat=True).first())
    if name == "content_type_id":
        return str(ContentType.objects.get_for_model(Article).pk)
    if name in {"tag_id", "note_id", "search_id"}:  # the workspace's own objects
        return str(world[name.removesuffix("_id")].pk)
    if template.startswith("admin/r/") and name == "object_id":
        return str(world["article"].pk)
    by_url_name = {"entity": "entity", "story": "story", "sources-poll": "source", "author": "author"}
    key = by_url_name.get(url_name or "", "article")
    if name == "slug":
        return world["author"].slug
    if name == "pk":
        return str(world[key].pk)
    # export URLs whose converters take only well-formed values (the views look them up)
    by_name = {"uid": "6f1c0d3e-2a4b-4c5d-8e9f-0a1b2c3d4e5f", "kind": "ipv4", "fmt": "txt"}
    return by_name.get(name, "nothing-here")


def every_route(world: dict) -> list[Route]:
    return url_walk.every_route(
        lambda template, name, url_name: _valid_value(template, name, url_name, world)
    )


@pytest.fixture
def world(db) -> dict:
    """One object of every kind a page can be about, so valid ids reach the views' real work."""
    superuser = make_user("root", clearance="red", role="admin")
    assert superuser.is_superuser and superuser.is_staff
    author = AuthorFactory(name="Dana Reporter")
    source = SourceFactory(name="Wire")
    story = Story.objects.create()
    article = ArticleFactory(title="Crew report", source=source, story=story, authors=[author], tags=["apt"])
    entity = Entity.objects.create(kind="threat-actor", name="Crew")
    indicator = Indicator.objects.create(type="domain", value="c2.example")
    span = {"start": 0, "end": 4, "matched": "Crew", "enricher": "e", "enricher_version": "1"}
    Mention.objects.create(article=article, entity=entity, **span)
    Sighting.objects.create(article=article, indicator=indicator, **span)
    Tag.objects.get_or_create(name="ransomware")
    WatchEntity.objects.create(name="Our Company")
    record(Action.TLP, actor=superuser, obj=article, detail="hostile-input fixture")
    from workspace.annotations import create_note
    from workspace.models import SavedSearch

    note = create_note(article, superuser, "a shared note", shared=True)
    saved = SavedSearch.objects.create(user=superuser, name="crew", query="q=crew")
    from api.tokens import issue_token

    issue_token(superuser, name="hostile-input fixture")
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="x", ip_address="192.0.2.7", user_agent="curl", failures_since_start=1
    )
    for model in admin.site._registry:
        assert model._default_manager.exists(), (
            f"the fixture has no {model._meta.label} for the admin's pages"
        )
    return {
        "superuser": superuser,
        "author": author,
        "source": source,
        "story": story,
        "article": article,
        "entity": entity,
        "tag": Tag.objects.get(name="apt"),
        "note": note,
        "search": saved,
    }


def _client(user=None, **kwargs) -> Client:
    client = Client(raise_request_exception=False, **kwargs)
    if user is not None:
        client.force_login(user)
    return client


def parameter_names(client: Client, routes: list[Route]) -> list[str]:
    names = (url_walk.parameter_names(client, routes) | set(USUAL_PARAMETERS)) - {TO_FIELD}
    # Sent on their own (DRILL_DOWNS, TO_FIELD): their 400 would hide what the others do.
    return sorted(name for name in names if not DRILL_DOWN_NAME.search(name))


def hostile_requests(routes: list[Route], names: list[str]) -> Iterator[str]:
    for route in routes:
        for hole in PARAMETER.findall(route.template):
            for value in HOSTILE_PATH_VALUES:
                yield route.address(**{hole: value})
        for value in HOSTILE_QUERY_VALUES:
            yield route.address() + query(dict.fromkeys(names, value))
        if route.template.startswith("admin/"):
            # Alone: the admin refuses a bad _to_field (400) before it reads anything else.
            for value in HOSTILE_QUERY_VALUES:
                yield route.address() + query({TO_FIELD: value})
    yield from drill_downs()
    yield from autocompletes()


def drill_downs() -> Iterator[str]:
    for model, model_admin in admin.site._registry.items():
        if not model_admin.date_hierarchy:
            continue
        changelist = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for drill_down in DRILL_DOWNS:
            drill = {model_admin.date_hierarchy + suffix: value for suffix, value in drill_down.items()}
            yield changelist + query(drill)


def autocompletes() -> Iterator[str]:
    for model_admin in admin.site._registry.values():
        owners = [model_admin, *(inline(model_admin.model, admin.site) for inline in model_admin.inlines)]
        for owner in owners:
            for field_name in owner.autocomplete_fields:
                target = {
                    "app_label": owner.model._meta.app_label,
                    "model_name": owner.model._meta.model_name,
                    "field_name": field_name,
                }
                for value in HOSTILE_QUERY_VALUES:
                    yield "/admin/autocomplete/" + query({**target, "term": value})
                    yield "/admin/autocomplete/" + query({**target, "term": "a", "page": value})


def server_errors(client: Client, addresses: Iterator[str]) -> list[str]:
    failures = []
    for address in addresses:
        status = client.get(address).status_code
        if status >= 500:
            failures.append(f"{status} GET {address[:200]}")
    return failures


@pytest.mark.slow
@pytest.mark.parametrize("persona", ["superuser", "anonymous"])
def test_no_address_answers_500_to_hostile_paths_and_queries(world, persona):
    user = world["superuser"] if persona == "superuser" else None
    routes = every_route(world)
    names = parameter_names(_client(world["superuser"]), routes)
    assert {"q", "tlp", "source"} <= set(names), "the article list's filter names were not found"
    failures = server_errors(_client(user), hostile_requests(routes, names))
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)


@pytest.mark.parametrize("persona", ["superuser", "anonymous"])
@pytest.mark.parametrize("token", ["missing", "forged"])
def test_every_post_without_a_valid_csrf_token_is_refused_with_403(world, persona, token):
    client = _client(world["superuser"] if persona == "superuser" else None, enforce_csrf_checks=True)
    data = {}
    if token == "forged":
        client.cookies["csrftoken"] = "f" * 32
        data = {"csrfmiddlewaretoken": "g" * 32}
    answers = {}
    for route in every_route(world):
        address = route.address()
        answers[address] = client.post(address, data).status_code
    wrong = {
        address: status
        for address, status in answers.items()
        if status not in _csrf_refusals(address, persona)
    }
    assert not wrong, f"POSTs not refused: {wrong}"


def _csrf_refusals(address: str, persona: str) -> set[int]:
    """403; but the token-authenticated JSON API (docs/api.md) may answer a POST that carries
    no credentials at all with 401: it takes bearer tokens, which a browser never attaches by
    itself, so there is no request to forge. A signed-in session's POST to it is refused 403
    like any other."""
    if persona == "anonymous" and address.startswith("/api/v1/") and not address.startswith("/api/v1/docs/"):
        return {401, 403}
    return {403}


@pytest.mark.slow
@pytest.mark.parametrize("persona", ["superuser", "anonymous"])
def test_every_form_takes_hostile_values_without_a_500(world, persona):
    """Valid CSRF (the test client skips the check), hostile values in every field any page shows.

    Not the delete confirmations (any POST confirms), "poll now" (it would fetch a feed) or
    signing out. On SQLite, not an id too big for 64 bits: Django's ``pk__in`` lookup (the
    admin's many-to-many fields) hands it to sqlite3, which overflows (a 500 open in issue 7);
    PostgreSQL answers with the form error.
    """
    superuser = _client(world["superuser"])
    routes = [
        route for route in every_route(world) if not route.template.endswith(("delete/", "poll/", "logout/"))
    ]
    names = parameter_names(superuser, routes)
    values = [v for v in HOSTILE_FORM_VALUES if connection.vendor != "sqlite" or v != TOO_BIG_FOR_AN_ID]
    client = superuser if persona == "superuser" else _client()
    failures = []
    for route in routes:
        for value in values:
            status = client.post(route.address(), dict.fromkeys(names, value)).status_code
            if status >= 500:
                failures.append(f"{status} POST {route.address()} with {value[:20]!r}")
            if persona == "superuser":
                client.force_login(world["superuser"])  # a form may have changed their password
    assert not failures, "\n".join(failures)


# --- the specific crashes the walk found, as sentences -----------------------------------------------


def test_a_nul_in_the_address_is_a_400_that_says_why(world):
    response = _client(world["superuser"]).get("/authors/%00/")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert "the address" in response.content.decode()


def test_a_nul_in_a_list_filter_is_a_400_that_names_the_query_string(world):
    response = _client(world["superuser"]).get("/articles/?category=%00")
    assert response.status_code == 400
    assert "the query string contains a NUL character" in response.content.decode()


def test_a_nul_in_an_admin_search_or_autocomplete_term_is_a_400(world):
    client = _client(world["superuser"])
    assert client.get("/admin/articles/article/?q=%00").status_code == 400
    autocomplete = "/admin/autocomplete/?app_label=articles&model_name=articleauthor&field_name=author"
    assert client.get(autocomplete + "&term=%00").status_code == 400


def test_a_nul_in_a_submitted_form_or_a_cookie_is_a_400_before_any_view(world):
    client = _client()
    assert client.post("/accounts/login/", {"username": "a\x00", "password": "x"}).status_code == 400
    client.cookies["sessionid"] = "abcdefgh\x00ijk"
    assert client.get("/articles/").status_code == 400


def test_a_nul_in_a_header_is_a_400_before_a_failed_sign_in_stores_it(world):
    client = _client(HTTP_USER_AGENT="curl\x00")
    response = client.post("/accounts/login/", {"username": "root", "password": "wrong"})
    assert response.status_code == 400
    assert "a header contains a NUL character" in response.content.decode()


def test_a_broken_multipart_form_is_refused_not_a_500(world):
    response = _client().generic(
        "POST", "/accounts/login/", b"--x\r\nbroken", content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code < 500


@pytest.mark.parametrize(
    "drill_down",
    [
        "published_at__year=9999",
        "published_at__year=99999",
        "published_at__year=1",
        "published_at__year=2026&published_at__month=13",
        "published_at__year=2026&published_at__month=1&published_at__day=0",
        "published_at__year=2026&published_at__month=1&published_at__day=99999999999999999999",
    ],
)
def test_an_absurd_admin_date_drill_down_is_a_400_that_says_why(world, drill_down):
    response = _client(world["superuser"]).get(f"/admin/articles/article/?{drill_down}")
    assert response.status_code == 400
    assert "must be a number from" in response.content.decode()


def test_an_ordinary_admin_date_drill_down_still_works(world):
    client = _client(world["superuser"])
    # The article's own month: the factory's dates move on with every article a test run made.
    published = timezone.localtime(world["article"].published_at)
    response = client.get(
        f"/admin/articles/article/?published_at__year={published.year}&published_at__month={published.month}"
    )
    assert response.status_code == 200
    assert "Crew report" in response.content.decode()


def test_february_30_is_the_admins_own_incorrect_lookup_redirect(world):
    client = _client(world["superuser"])
    query = "published_at__year=2026&published_at__month=2&published_at__day=30"
    response = client.get(f"/admin/articles/article/?{query}")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_only_drill_down_lookups_are_range_checked_not_any_parameter_called_day(world):
    assert _client(world["superuser"]).get("/articles/?day=0&year=99999").status_code == 200


def test_an_empty_to_field_on_an_admin_change_page_is_a_400(world):
    response = _client(world["superuser"]).get(
        f"/admin/articles/article/{world['article'].pk}/change/?_to_field="
    )
    assert response.status_code == 400
    assert "_to_field is empty" in response.content.decode()


@pytest.mark.parametrize("model", ["entity", "indicator"])
def test_entities_and_indicators_cannot_be_added_blank_in_the_admin(world, model):
    client = _client(world["superuser"])
    model_class = apps.get_model("articles", model)
    before = model_class.objects.count()
    for _ in range(2):  # the second blank row used to break the unique constraint: a 500
        assert client.post(f"/admin/articles/{model}/add/", {}).status_code == 403
    assert model_class.objects.count() == before


def test_the_walk_reaches_the_admin_and_the_portal_with_real_objects(world):
    addresses = {route.address() for route in every_route(world)}
    article = world["article"]
    assert f"/articles/{article.pk}/" in addresses
    assert f"/admin/articles/article/{article.pk}/change/" in addresses
    assert f"/authors/{world['author'].slug}/" in addresses
    app_indexes = {f"/admin/{label}/" for label in ("auth", "accounts", "articles", "audit", "axes")}
    assert addresses & app_indexes  # the admin's app index, a regular-expression pattern
