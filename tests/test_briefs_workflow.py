"""The brief's workflow and its rules: who moves it, four eyes, computed TLP, the frozen
snapshot, corrections, and concurrent edits refused rather than overwritten."""

from __future__ import annotations

import pytest

from articles.models import ArticleGrant, Story
from audit.models import AuditEvent
from briefs import composition, workflow
from briefs.composition import BriefConflict, BriefError
from briefs.models import Brief
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(make_user):
    return make_user("amber", "editor", username="author-editor")


@pytest.fixture
def reviewer(make_user):
    return make_user("amber", "editor", username="second-editor")


def new_brief(user, **kwargs) -> Brief:
    return composition.create_brief(user, year=2026, week=49, **kwargs)


def add(brief, user, article, **kwargs) -> str:
    brief.refresh_from_db()
    return composition.add_article(brief, user, brief.version, article.pk, **kwargs)


def in_review(brief, user, *articles) -> Brief:
    for article in articles:
        add(brief, user, article)
    brief.refresh_from_db()
    return workflow.submit_for_review(brief, user, brief.version)


def test_an_analyst_cannot_start_a_brief(make_user):
    with pytest.raises(BriefError):
        new_brief(make_user("amber", "analyst"))


def test_one_weekly_brief_per_week_but_special_briefs_are_allowed(author):
    new_brief(author)
    with pytest.raises(BriefError, match="already a weekly brief"):
        new_brief(author)
    assert new_brief(author, kind="special", title="Log4Shell special").kind == "special"


def test_adding_an_amber_item_raises_a_green_brief_and_says_so(author):
    brief = new_brief(author)
    add(brief, author, ArticleFactory(tlp="green"))
    brief.refresh_from_db()
    assert brief.tlp == "green"
    message = add(brief, author, ArticleFactory(tlp="amber", title="Amber thing"))
    brief.refresh_from_db()
    assert brief.tlp == "amber"
    assert "rose from TLP:GREEN to TLP:AMBER" in message


def test_removing_the_amber_item_lowers_the_brief_but_never_below_its_floor(author):
    brief = new_brief(author)
    add(brief, author, ArticleFactory(tlp="clear"))
    add(brief, author, ArticleFactory(tlp="amber"))
    brief.refresh_from_db()
    composition.update_text(brief, author, brief.version, title="T", summary="", tlp_floor="green")
    amber_item = brief.items.get(article__tlp="amber")
    brief.refresh_from_db()
    composition.remove_item(brief, author, brief.version, amber_item.pk)
    brief.refresh_from_db()
    assert brief.tlp == "green"


def test_a_whole_story_item_takes_the_label_of_its_most_restrictive_report(author):
    story = Story.objects.create()
    lead = ArticleFactory(tlp="clear", story=story)
    ArticleFactory(tlp="amber", story=story)
    brief = new_brief(author)
    add(brief, author, lead, whole_story=True)
    brief.refresh_from_db()
    assert brief.tlp == "amber"


def test_an_editor_cannot_add_an_article_above_their_clearance(make_user):
    green_editor = make_user("green", "editor")
    brief = new_brief(green_editor)
    with pytest.raises(BriefError, match="may not read"):
        add(brief, green_editor, ArticleFactory(tlp="amber"))


def test_a_stale_version_is_refused_not_applied(author, reviewer):
    brief = new_brief(author)
    add(brief, author, ArticleFactory())
    brief.refresh_from_db()
    opened_at = brief.version
    composition.update_text(
        brief, reviewer, opened_at, title="Reviewer's title", summary="theirs", tlp_floor="clear"
    )
    with pytest.raises(BriefConflict, match="Another editor changed this brief"):
        composition.update_text(
            brief, author, opened_at, title="Author's title", summary="mine", tlp_floor="clear"
        )
    brief.refresh_from_db()
    assert brief.title == "Reviewer's title"
    assert brief.executive_summary == "theirs"


def test_submit_then_a_second_editor_publishes_with_audit_events(author, reviewer):
    brief = in_review(new_brief(author), author, ArticleFactory())
    assert brief.status == "in_review"
    published = workflow.publish(brief, reviewer)
    assert published.status == "published"
    assert published.published_by == reviewer
    transitions = AuditEvent.objects.filter(action="brief.transition", object_id=str(brief.pk))
    assert [(e.before["status"], e.after["status"]) for e in transitions.order_by("pk")] == [
        ("draft", "in_review"),
        ("in_review", "published"),
    ]


def test_an_editor_cannot_approve_their_own_brief(author):
    brief = in_review(new_brief(author), author, ArticleFactory())
    with pytest.raises(BriefError, match="cannot approve it"):
        workflow.publish(brief, author)
    brief.refresh_from_db()
    assert brief.status == "in_review"


def test_an_admin_who_did_not_work_on_it_may_publish(author, make_user):
    brief = in_review(new_brief(author), author, ArticleFactory())
    assert workflow.publish(brief, make_user("red", "admin")).status == "published"


def test_an_analyst_cannot_publish_or_submit(author, make_user):
    analyst = make_user("amber", "analyst")
    brief = in_review(new_brief(author), author, ArticleFactory())
    with pytest.raises(BriefError):
        workflow.publish(brief, analyst)
    with pytest.raises(BriefError):
        workflow.return_to_draft(brief, analyst)


def test_publishing_twice_is_refused(author, reviewer, make_user):
    brief = in_review(new_brief(author), author, ArticleFactory())
    workflow.publish(brief, reviewer)
    with pytest.raises(BriefConflict):
        workflow.publish(brief, make_user("amber", "editor"))


def test_an_empty_brief_cannot_go_to_review(author):
    brief = new_brief(author)
    with pytest.raises(BriefError, match="at least one item"):
        workflow.submit_for_review(brief, author, brief.version)


def test_a_brief_in_review_is_not_edited_until_returned_to_draft(author, reviewer):
    brief = in_review(new_brief(author), author, ArticleFactory())
    with pytest.raises(BriefError, match="return it to draft"):
        composition.update_text(brief, reviewer, brief.version, title="x", summary="", tlp_floor="clear")
    workflow.return_to_draft(brief, reviewer, reason="Needs a key judgment")
    brief.refresh_from_db()
    assert brief.status == "draft"
    assert AuditEvent.objects.filter(action="brief.transition", detail="Needs a key judgment").exists()


def test_the_snapshot_does_not_change_when_the_article_does(author, reviewer):
    article = ArticleFactory(title="Original title", tlp="green")
    brief = in_review(new_brief(author), author, article)
    workflow.publish(brief, reviewer)
    article.title = "Edited later"
    article.save()
    snapshot = Brief.objects.get(pk=brief.pk).snapshot
    assert snapshot.data["sections"][0]["items"][0]["title"] == "Original title"
    assert "Original title" in snapshot.markdown
    assert "Edited later" not in snapshot.markdown


def test_a_correction_is_a_new_revision_that_the_first_one_points_to(author, reviewer, make_user):
    article = ArticleFactory()
    first = workflow.publish(in_review(new_brief(author), author, article), reviewer)
    fixer = make_user("amber", "editor")
    second = workflow.correct(first, fixer)
    assert (second.revision, second.corrects, second.status) == (2, first, "draft")
    assert list(second.items.values_list("article_id", flat=True)) == [article.pk]
    with pytest.raises(BriefError, match="already been started"):
        workflow.correct(first, fixer)
    second.refresh_from_db()
    workflow.submit_for_review(second, fixer, second.version)
    published = workflow.publish(second, reviewer)
    assert published.snapshot.data["corrects_revision"] == 1
    first.refresh_from_db()
    assert first.correction.status == "published"


def test_a_change_of_the_brief_s_label_is_on_the_audit_trail(author):
    brief = new_brief(author)
    add(brief, author, ArticleFactory(tlp="amber"))
    event = AuditEvent.objects.get(action="brief.tlp")
    assert (event.before, event.after, event.actor) == ({"tlp": "clear"}, {"tlp": "amber"}, author)


def test_the_audit_trail_names_a_brief_by_week_not_by_its_title(author, reviewer):
    brief = in_review(
        new_brief(author, title="Secret operation Nightfall"), author, ArticleFactory(tlp="amber")
    )
    workflow.publish(brief, reviewer)
    events = AuditEvent.objects.filter(object_type="briefs.brief")
    assert events.count() >= 3
    assert not [e for e in events if "Nightfall" in e.object_repr + e.detail + str(e.before) + str(e.after)]
    assert events.first().object_repr == f"Weekly brief 2026-W49 (#{brief.pk})"


def test_a_whole_story_with_a_report_the_editor_cannot_read_is_refused(make_user):
    green_editor = make_user("green", "editor")
    story = Story.objects.create()
    lead = ArticleFactory(tlp="green", story=story)
    ArticleFactory(tlp="amber", story=story)
    brief = new_brief(green_editor)
    with pytest.raises(BriefError, match="reports you may not read"):
        add(brief, green_editor, lead, whole_story=True)
    add(brief, green_editor, lead)  # the article alone is fine
    brief.refresh_from_db()
    assert brief.tlp == "green"


def test_a_report_joining_a_briefed_story_later_raises_the_brief_and_must_be_readable_to_publish(
    author, reviewer, make_user
):
    story = Story.objects.create()
    lead = ArticleFactory(tlp="green", story=story)
    brief = new_brief(author)
    add(brief, author, lead, whole_story=True)
    late = ArticleFactory(tlp="red", story=story)  # grouped into the story after it was added
    brief.refresh_from_db()
    composition.recompute_tlp(brief, author)
    assert brief.tlp == "red"
    red_approver = make_user("red", "editor")
    brief.refresh_from_db()
    workflow.submit_for_review(brief, author, brief.version)
    with pytest.raises(BriefError, match="reports you may not read"):
        workflow.publish(brief, red_approver)  # RED clearance, but no grant on the late report
    assert Brief.objects.get(pk=brief.pk).status == "in_review"
    ArticleGrant.objects.create(article=late, user=red_approver)
    assert workflow.publish(brief, red_approver).snapshot.tlp == "red"
