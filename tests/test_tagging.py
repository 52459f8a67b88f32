"""articles/tagging.py: people add and remove tags; every change checked and recorded."""

from __future__ import annotations

import pytest

from articles import tagging
from articles.findings import machine_tag
from articles.models import ArticleTag, SuppressedTag, Tag
from audit.actions import Action
from audit.models import AuditEvent
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def tag_names(article) -> list[str]:
    return sorted(ArticleTag.objects.filter(article=article).values_list("tag__name", flat=True))


def test_adding_a_tag_records_who_added_it_and_an_audit_event(analyst):
    article = ArticleFactory()
    link, created = tagging.add_tag(article, "  Ransomware   gang ", by=analyst)
    assert created and link.added_by == analyst and link.tag.name == "Ransomware gang"
    event = AuditEvent.objects.get(action=Action.TAG_ADD)
    assert event.article_id == article.pk and event.after == {"tag": "Ransomware gang"}


def test_a_tag_is_matched_ignoring_case_and_adding_it_twice_does_nothing(analyst):
    first, second = ArticleFactory(), ArticleFactory()
    tagging.add_tag(first, "ransomware", by=analyst)
    link, _ = tagging.add_tag(second, "RANSOMWARE", by=analyst)
    assert link.tag.name == "ransomware" and Tag.objects.count() == 1
    _, again = tagging.add_tag(second, "Ransomware", by=analyst)
    assert not again and AuditEvent.objects.filter(action=Action.TAG_ADD).count() == 2


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("   ", "Type a tag name."),
        ("x" * 121, "at most 120 characters (121 typed)"),
        ("bad\x00tag", "control characters"),
        ("tlp:red", "TLP is the article's label"),
        ("TLP:AMBER", "TLP is the article's label"),
    ],
)
def test_unusable_names_are_refused_and_nothing_is_saved(analyst, raw, message):
    article = ArticleFactory()
    with pytest.raises(tagging.TagError, match=message.replace("(", r"\(").replace(")", r"\)")):
        tagging.add_tag(article, raw, by=analyst)
    assert tag_names(article) == [] and not AuditEvent.objects.exists()


def test_removing_an_enrichers_tag_keeps_it_removed_and_adding_it_back_lifts_that(analyst):
    article = ArticleFactory()
    name = machine_tag("threat-actor", "APT28")
    tag = Tag.objects.create(name=name)
    ArticleTag.objects.create(article=article, tag=tag, added_by_enricher="entities")
    assert tagging.remove_tag(article, tag.pk, by=analyst) == tag
    assert SuppressedTag.objects.filter(article=article, tag=tag).exists()
    assert AuditEvent.objects.get(action=Action.TAG_REMOVE).before == {"tag": name}
    tagging.add_tag(article, name, by=analyst)
    assert not SuppressedTag.objects.exists() and tag_names(article) == [name]


def test_removing_a_tag_that_is_not_there_is_a_no_op(analyst):
    assert tagging.remove_tag(ArticleFactory(), 999, by=analyst) is None
    assert not AuditEvent.objects.exists()


def test_bulk_tagging_adds_only_where_missing_with_one_event_per_article(analyst):
    tagged, untagged = ArticleFactory(), ArticleFactory()
    tagging.add_tag(tagged, "brief", by=analyst)
    tag, added = tagging.add_tag_to_articles([tagged.pk, untagged.pk], "Brief", by=analyst)
    assert added == 1 and tag_names(untagged) == ["brief"]
    events = AuditEvent.objects.filter(action=Action.TAG_ADD, article_id=untagged.pk, detail="tag: brief")
    assert events.exists()
    assert tagging.remove_tag_from_articles([tagged.pk, untagged.pk], tag.pk, by=analyst) == 2
    assert tag_names(tagged) == tag_names(untagged) == []


def test_only_people_with_a_role_may_tag(make_user):
    from accounts.models import User

    assert tagging.may_tag(make_user("green", "analyst"))
    assert tagging.may_tag(make_user("green", "editor"))
    assert not tagging.may_tag(User.objects.create_user("nobody", clearance="green"))
