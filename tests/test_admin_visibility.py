"""The admin's side doors, one sentence each (tests/test_admin_walk.py walks them all).

A GREEN admin's delete confirmations count only what they may read, "delete selected"
too; deleting still works and still removes the hidden links; "view on site" answers
404 alike for hidden and missing objects; "Recent actions" forgets what was relabelled.
"""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from articles.models import ArticleAuthor, Entity, Mention, Story
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def green_admin(make_user):
    return make_user("green", "admin")


@pytest.fixture
def crew(db):
    """An entity mentioned once in a GREEN article and twice in RED ones."""
    entity = Entity.objects.create(kind="threat-actor", name="Crew")
    for tlp in ("green", "red", "red"):
        Mention.objects.create(
            article=ArticleFactory(tlp=tlp),
            entity=entity,
            start=0,
            end=4,
            matched="Crew",
            enricher="e",
            enricher_version="1",
        )
    return entity


def test_a_delete_page_counts_only_mentions_in_articles_the_admin_may_read(login, green_admin, crew):
    page = login(green_admin).get(reverse("admin:articles_entity_delete", args=[crew.pk]))

    assert dict(page.context["model_count"]) == {"entities": 1, "mentions": 1}
    assert page.content.decode().count("Mention: ") == 1


def test_delete_selected_confirms_with_the_same_counts(login, green_admin, crew):
    page = login(green_admin).post(
        reverse("admin:articles_entity_changelist"),
        {"action": "delete_selected", "_selected_action": [crew.pk]},
    )

    assert dict(page.context["model_count"]) == {"entities": 1, "mentions": 1}


def test_deleting_still_removes_the_links_the_admin_could_not_see(login, green_admin, crew):
    response = login(green_admin).post(
        reverse("admin:articles_entity_delete", args=[crew.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Mention.objects.exists()


@pytest.mark.parametrize("model", ["article", "author", "entity", "story"])
def test_view_on_site_answers_404_alike_for_hidden_and_missing_objects(login, green_admin, model):
    author = AuthorFactory(name="Only On Red")
    article = ArticleFactory(tlp="red", authors=[author], story=None)
    entity = Entity.objects.create(kind="threat-actor", name="Red Crew")
    Mention.objects.create(
        article=article, entity=entity, start=0, end=3, matched="Red", enricher="e", enricher_version="1"
    )
    article.story = Story.objects.create()
    article.save()
    hidden = {"article": article, "author": author, "entity": entity, "story": article.story}[model]
    content_type = ContentType.objects.get_for_model(hidden)
    client = login(green_admin)

    for object_id in (hidden.pk, 99_999_999):
        response = client.get(reverse("admin:view_on_site", args=[content_type.pk, object_id]))
        assert response.status_code == 404


def test_view_on_site_still_leads_to_a_readable_page(login, green_admin):
    author = AuthorFactory(name="Open Byline")
    ArticleFactory(tlp="green", authors=[author])
    content_type = ContentType.objects.get_for_model(author)

    response = login(green_admin).get(reverse("admin:view_on_site", args=[content_type.pk, author.pk]))

    assert response.status_code == 302
    assert response["Location"].endswith(author.get_absolute_url())


def test_recent_actions_forget_an_article_relabelled_above_the_admins_clearance(login, green_admin):
    kept = ArticleFactory(tlp="green", title="Still green")
    relabelled = ArticleFactory(tlp="green", title="Later red")
    LogEntry.objects.log_actions(green_admin.pk, [kept, relabelled], CHANGE, change_message="edited")
    relabelled.tlp = "red"
    relabelled.save()

    index = login(green_admin).get(reverse("admin:index")).content.decode()

    assert "Still green" in index
    assert "Later red" not in index


def test_an_authors_byline_rows_on_hidden_articles_are_not_listed_on_its_delete_page(login, green_admin):
    author = AuthorFactory(name="Shared Byline")
    ArticleFactory(tlp="clear", title="Open piece", authors=[author])
    ArticleFactory(tlp="amber", title="Closed piece", authors=[author])

    page = login(green_admin).get(reverse("admin:articles_author_delete", args=[author.pk]))

    assert dict(page.context["model_count"]) == {"authors": 1, "article authors": 1}
    assert ArticleAuthor.objects.count() == 2
