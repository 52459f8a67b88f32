"""Every admin page, walked as a GREEN admin, says nothing about AMBER and RED articles.

The admin's pages are found, not listed: every model in ``admin.site._registry`` and
every URL its ModelAdmin registers (changelist, add, change, delete, history, and any
custom page such as a source's poll or a user's password), the changelist's filters,
facets and search, the autocomplete endpoint for every ``autocomplete_fields`` use, and
the "view on site" shortcut for every object with a public page. A model registered
without an object in the fixture below fails the walk, so a new admin is covered or
the test says what is missing.

Three oracles:
- no page a GREEN admin can open contains a hidden article's title, a hidden-only
  author's name or slug, a hidden-only entity, indicator or tag, or a hidden row's id
  (hidden rows get ids from HIDDEN_IDS, which nothing else uses);
- a page about a hidden object answers exactly as for an id that does not exist;
- adding more hidden articles to everything they share with visible ones changes no
  page at all (so no count, facet or list moves with hidden data).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import URLPattern, reverse

from articles.models import (
    Article,
    ArticleGrant,
    ArticleTag,
    ClassificationOverride,
    Entity,
    Indicator,
    Mention,
    Sighting,
    Story,
    SuppressedTag,
    Tag,
    WatchEntity,
)
from audit.actions import Action
from audit.models import AuditEvent
from audit.services import record
from tests.factories import ArticleFactory, AuthorFactory, SourceFactory, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Hidden rows get distinctive ids, 1,000 apart: SQLite numbers the next row of a table
# max(id) + 1, so a visible row created after a hidden one (a sign-in event, say) gets an
# id that is not itself a marker.
FIRST_HIDDEN_ID = 93_101_000
HIDDEN_IDS = itertools.count(FIRST_HIDDEN_ID, 1000)
MISSING_ID = 99_999_999
SEARCH_WORD = "report"  # in hidden and visible titles alike; echoed by the search box, never a marker


@dataclass
class World:
    green_admin: object
    hidden: dict[type[models.Model], set[int]] = field(default_factory=dict)
    markers: set[str] = field(default_factory=set)
    shared: dict[str, models.Model] = field(default_factory=dict)

    def hide(self, obj: models.Model, *texts: str) -> models.Model:
        assert obj.pk >= FIRST_HIDDEN_ID, f"give hidden {obj!r} an id from HIDDEN_IDS"
        self.hidden.setdefault(type(obj), set()).add(obj.pk)
        self.markers.update({str(obj.pk), *texts})
        return obj


def _hidden_pk(**values) -> dict:
    return {"pk": next(HIDDEN_IDS), **values}


def _link_findings(
    article: Article, entity: Entity, indicator: Indicator, start: int, world: World | None = None
) -> None:
    """A mention and a sighting in ``article``; hidden ones (``world`` given) get hidden ids."""
    span = {"article": article, "start": start, "end": start + 4, "matched": "x", "enricher_version": "1"}
    if world is None:
        Mention.objects.create(entity=entity, enricher="e", **span)
        Sighting.objects.create(indicator=indicator, enricher="i", **span)
        return
    world.hide(Mention.objects.create(pk=next(HIDDEN_IDS), entity=entity, enricher="e", **span))
    world.hide(Sighting.objects.create(pk=next(HIDDEN_IDS), indicator=indicator, enricher="i", **span))


def add_hidden_article(world: World, tlp: str, label: str, *, grantees=()) -> Article:
    """A hidden article tied to every shared thing, and to hidden-only things of its own."""
    shared = world.shared
    hidden_author = world.hide(AuthorFactory(name=f"Ghostwriter {label}", pk=next(HIDDEN_IDS)))
    world.markers.add(hidden_author.slug)
    article = world.hide(
        ArticleFactory(
            **_hidden_pk(
                title=f"Covert {label} report",
                tlp=tlp,
                source=shared["source"],
                story=shared["story"],
                authors=[shared["author"], hidden_author],
            )
        ),
        f"Covert {label} report",
    )
    world.hide(ArticleTag.objects.create(pk=next(HIDDEN_IDS), article=article, tag=shared["tag"]))
    hidden_tag = world.hide(
        Tag.objects.create(pk=next(HIDDEN_IDS), name=f"codename-{label}"), f"codename-{label}"
    )
    world.hide(ArticleTag.objects.create(pk=next(HIDDEN_IDS), article=article, tag=hidden_tag))
    world.hide(SuppressedTag.objects.create(pk=next(HIDDEN_IDS), article=article, tag=shared["tag"]))
    hidden_entity = world.hide(
        Entity.objects.create(
            pk=next(HIDDEN_IDS), kind="threat-actor", name=f"Crew {label}", ref=f"tipoff-{label}"
        ),
        f"Crew {label}",
        f"tipoff-{label}",
    )
    hidden_indicator = world.hide(
        Indicator.objects.create(pk=next(HIDDEN_IDS), type="domain", value=f"c2-{label}.example"),
        f"c2-{label}.example",
    )
    _link_findings(article, shared["entity"], shared["indicator"], 0, world)
    _link_findings(article, hidden_entity, hidden_indicator, 10, world)
    world.hide(
        ClassificationOverride.objects.create(
            pk=next(HIDDEN_IDS), article=article, field="category", old_value="", new_value="threat-actor"
        )
    )
    for user in (world.green_admin, *grantees):
        world.hide(ArticleGrant.objects.create(pk=next(HIDDEN_IDS), article=article, user=user))
    hidden_story = world.hide(Story.objects.create(pk=next(HIDDEN_IDS)))
    world.hide(
        ArticleFactory(
            **_hidden_pk(
                title=f"Covert {label} follow-up report", tlp=tlp, story=hidden_story, source=shared["source"]
            )
        )
    )
    world.markers.add(f"Covert {label} follow-up report")
    world.hide(
        AuditEvent.objects.create(
            pk=next(HIDDEN_IDS),
            action=Action.TLP,
            object_type="articles.article",
            object_id=str(article.pk),
            object_repr=article.title,
            article_id=article.pk,
            detail=f"Covert {label} report",
        )
    )
    # The GREEN admin edited these while they could read them; since then they were relabelled.
    for edited in (article, hidden_author):
        LogEntry.objects.log_actions(world.green_admin.pk, [edited], CHANGE, change_message="edited")
    return article


@pytest.fixture
def world(db) -> World:
    green_admin = make_user("green-admin", clearance="green", role="admin")
    reader = make_user("red-reader", clearance="red", role="analyst")
    make_user("red-boss", clearance="red", role="admin")
    world = World(green_admin=green_admin)
    shared = world.shared
    shared["source"] = SourceFactory(name="Shared wire")
    shared["author"] = AuthorFactory(name="Shared Byline")
    shared["story"] = Story.objects.create()
    shared["tag"] = Tag.objects.create(name="ransomware")
    shared["entity"] = Entity.objects.create(kind="threat-actor", name="Shared Crew")
    shared["indicator"] = Indicator.objects.create(type="domain", value="shared-c2.example")
    for tlp in ("clear", "green"):
        visible = ArticleFactory(
            title=f"Open {tlp} report",
            tlp=tlp,
            source=shared["source"],
            story=shared["story"],
            authors=[shared["author"]],
        )
        ArticleTag.objects.create(article=visible, tag=shared["tag"])
        _link_findings(visible, shared["entity"], shared["indicator"], 0)
        record(Action.TLP, actor=reader, obj=visible, detail="visible change")
    ArticleFactory(title="Standalone report", source=SourceFactory(name="Quiet wire"))
    AuthorFactory(name="Unused Byline")
    add_hidden_article(world, "amber", "amber", grantees=[reader])
    add_hidden_article(world, "red", "red", grantees=[reader])
    # A source whose only articles are hidden: its pages must not say what they hold.
    only_hidden = SourceFactory(name="Dark wire")
    world.hide(ArticleFactory(**_hidden_pk(title="Covert dark-wire report", tlp="red", source=only_hidden)))
    world.markers.add("Covert dark-wire report")
    WatchEntity.objects.create(name="Our Company")
    record(Action.LOGIN_FAILED, username="someone", detail="no article here")
    _add_access_attempt()
    from api.tokens import issue_token

    issue_token(reader, name="Reader's script")
    return world


def _add_access_attempt() -> None:
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="someone", ip_address="192.0.2.7", user_agent="curl", failures_since_start=2
    )


# --- the walk ---------------------------------------------------------------------------


@dataclass
class Page:
    url: str
    status: int
    location: str
    body: str


CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')
# The date filters' "Today"/"Past 7 days" links name today's date: a walk that crosses
# midnight would otherwise see two pages differ.
DATE_FILTER_BOUND = re.compile(r"(__(?:gte|lt)=)\d{4}-\d{2}-\d{2}")


def fetch(client, url: str, post: dict | None = None) -> Page:
    """One page (a POST when ``post`` is given); for a redirect, also the page it leads to
    (where its message shows)."""
    response = client.get(url) if post is None else client.post(url, post)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith("/admin/"):
        body += b"\n<!-- redirected -->\n" + client.get(location).content
    client.cookies.pop("messages", None)  # every page starts without a leftover message
    text = DATE_FILTER_BOUND.sub(r"\1<day>", CSRF.sub(r'\1"', body.decode(errors="replace")))
    return Page(url, response.status_code, location, text)


def admin_urls_of(model_admin: admin.ModelAdmin) -> list[URLPattern]:
    return [p for p in model_admin.get_urls() if isinstance(p, URLPattern) and p.name]


def object_url(pattern: URLPattern, object_id: int) -> str:
    (param,) = pattern.pattern.converters  # "object_id", or "id" for a user's password page
    return reverse(f"admin:{pattern.name}", kwargs={param: object_id})


def pages_to_walk(world: World) -> tuple[list[str], list[tuple[str, str, int]]]:
    """(URLs of pages the GREEN admin may see, [(hidden object's URL, same URL for a missing id, id)])."""
    visible_urls = [reverse("admin:index"), reverse("admin:password_change")]
    hidden_pairs = []
    registry = admin.site._registry
    for model, model_admin in registry.items():
        objects = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        assert objects, f"{model._meta.label} is registered in the admin but the walk has no object of it"
        hidden = world.hidden.get(model, set())
        visible_urls.append(reverse("admin:app_list", args=[model._meta.app_label]))
        for pattern in admin_urls_of(model_admin):
            params = set(pattern.pattern.converters)
            if not params:
                visible_urls.append(reverse(f"admin:{pattern.name}"))
                continue
            assert params in ({"object_id"}, {"id"}), (
                f"the walk does not know how to fill {pattern.name}: {params}"
            )
            for pk in objects:
                url = object_url(pattern, pk)
                if pk in hidden:
                    hidden_pairs.append((url, object_url(pattern, MISSING_ID), pk))
                else:
                    visible_urls.append(url)
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        visible_urls += [f"{changelist}?q={SEARCH_WORD}", f"{changelist}?q=Shared", f"{changelist}?_facets=1"]
        visible_urls += autocomplete_urls(model_admin)
    hidden_pairs += relation_filters(world)
    for model in view_on_site_models():
        ct = ContentType.objects.get_for_model(model)
        hidden = world.hidden.get(model, set())
        for pk in model._default_manager.values_list("pk", flat=True):
            url = reverse("admin:view_on_site", args=[ct.pk, pk])
            if pk in hidden:
                hidden_pairs.append((url, reverse("admin:view_on_site", args=[ct.pk, MISSING_ID]), pk))
            else:
                visible_urls.append(url)
    return visible_urls, hidden_pairs


def relation_filters(world: World) -> list[tuple[str, str, int]]:
    """A changelist filtered on a relation (``?articles=<id>``, ``?mentions=<id>``…) through a
    hidden row's id, with the same filter through a missing id."""
    pairs = []
    for model in admin.site._registry:
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for relation in model._meta.get_fields():
            if not relation.is_relation or relation.related_model is None:
                continue
            for pk in sorted(world.hidden.get(relation.related_model, ())):
                name = relation.name
                pairs.append((f"{changelist}?{name}={pk}", f"{changelist}?{name}={MISSING_ID}", pk))
    return pairs


def view_on_site_models() -> list[type[models.Model]]:
    from django.apps import apps

    return [m for m in apps.get_models() if hasattr(m, "get_absolute_url")]


def autocomplete_urls(model_admin: admin.ModelAdmin) -> list[str]:
    urls = []
    owners = [model_admin, *(inline(model_admin.model, admin.site) for inline in model_admin.inlines)]
    for owner in owners:
        for field_name in owner.autocomplete_fields:
            for term in ("", "Covert", "Ghost", "Crew", "codename", "e"):
                query = {
                    "app_label": owner.model._meta.app_label,
                    "model_name": owner.model._meta.model_name,
                    "field_name": field_name,
                    "term": term,
                }
                urls.append(f"{reverse('admin:autocomplete')}?{urlencode(query)}")
    return urls


def filter_urls(client, changelists: list[str]) -> list[str]:
    """Every choice of every changelist filter (including date drill-downs)."""
    urls = []
    for url in changelists:
        response = client.get(url)
        cl = response.context["cl"] if response.context and "cl" in response.context else None
        if cl is None:
            continue
        for spec in cl.filter_specs:
            urls += [url.split("?")[0] + choice["query_string"] for choice in spec.choices(cl)]
        urls += [url.split("?")[0] + f"?_facets=1&{q}" for q in ("o=1", "o=-1")]
    return urls


def first_difference(one: str, other: str) -> str:
    for line, other_line in zip(one.splitlines(), other.splitlines(), strict=False):
        if line != other_line:
            return f"{line.strip()[:200]!r} vs {other_line.strip()[:200]!r}"
    return "(one body is longer)" if one != other else ""


def leaks_on(world: World, page: Page) -> list[str]:
    return [
        f"{page.url} shows {marker!r}"
        for marker in sorted(world.markers)
        if marker in page.body or marker in page.location
    ]


def walk(client, world: World) -> tuple[dict[str, Page], list[str]]:
    """Every page, and what is wrong with them (all of it, so one run shows every leak)."""
    visible_urls, hidden_pairs = pages_to_walk(world)
    changelists = [u for u in visible_urls if u.endswith("/") and "?" not in u]
    visible_urls += filter_urls(client, changelists)
    pages, problems = {}, []
    for url in dict.fromkeys(visible_urls):
        page = fetch(client, url)
        if page.status >= 500:
            problems.append(f"{url} answered {page.status}")
        problems += leaks_on(world, page)
        pages[url] = page
    for hidden_url, missing_url, pk in hidden_pairs:
        hidden = without_id(fetch(client, hidden_url), pk)
        missing = without_id(fetch(client, missing_url), MISSING_ID)
        if hidden != missing:
            problems.append(
                f"{hidden_url} answers {hidden[0]} {hidden[1]}, unlike a missing id: "
                + first_difference(hidden[2], missing[2])
            )
    for url, visible_only, with_hidden in delete_selected_confirmations(client, world):
        problems += leaks_on(world, visible_only)
        if with_hidden != visible_only:
            problems.append(
                f"{url} 'delete selected' reads differently with hidden ids selected: "
                + first_difference(visible_only.body, with_hidden.body)
            )
        pages[f"POST {url} delete_selected"] = visible_only
    return pages, problems


def without_id(page: Page, object_id: int) -> tuple[int, str, str]:
    """A page as it would read for any id: the one asked for (echoed in messages) taken out."""
    return page.status, page.location.replace(str(object_id), "ID"), page.body.replace(str(object_id), "ID")


def delete_selected_confirmations(client, world: World) -> list[tuple[str, Page, Page]]:
    """Every changelist's "delete selected" confirmation (a POST that deletes nothing yet) for
    all its visible rows, and again with the hidden rows' ids slipped in."""
    confirmations = []
    for model in admin.site._registry:
        hidden = sorted(world.hidden.get(model, set()))
        rows = model._default_manager.order_by("pk").values_list("pk", flat=True)
        visible = [pk for pk in rows if pk not in hidden]
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        visible_only, with_hidden = (
            fetch(client, changelist, {"action": "delete_selected", "_selected_action": selected})
            for selected in (visible, visible + hidden)
        )
        confirmations.append((changelist, visible_only, with_hidden))
    return confirmations


def test_a_green_admin_sees_nothing_of_amber_and_red_articles_on_any_admin_page(client, world):
    client.force_login(world.green_admin)
    first, problems = walk(client, world)
    # A second round of hidden articles on everything shared: no page may change.
    add_hidden_article(world, "amber", "second-amber")
    add_hidden_article(world, "red", "second-red")
    second, more_problems = walk(client, world)
    problems += more_problems
    problems += [
        f"{url} changes with hidden data: {first_difference(first[url].body, second[url].body)}"
        for url in first
        if url in second and first[url] != second[url]
    ]
    assert not problems, "\n".join(dict.fromkeys(problems))
    assert not LogEntry.objects.exclude(change_message="edited").exists(), "the walk must only read"
