"""The brief's pages: assembly without JavaScript, the reader's page, Markdown, the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Story
from briefs import composition, workflow
from briefs.models import Brief
from tests.briefs_support import draft, published
from tests.factories import ArticleFactory
from workspace.models import ReadingState

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(make_user):
    return make_user("amber", "editor", username="author-editor")


@pytest.fixture
def reviewer(make_user):
    return make_user("amber", "editor", username="second-editor")


def week_article(**kwargs):
    monday = timezone.make_aware(dt.datetime(2026, 11, 30, 9))  # 2026-W49
    return ArticleFactory(published_at=kwargs.pop("published_at", monday), **kwargs)


def post(client, brief, **data):
    brief.refresh_from_db()
    return client.post(reverse("briefs:change", args=[brief.pk]), {"version": brief.version, **data})


def test_an_editor_starts_a_brief_and_lands_on_its_assembly_page(client, author):
    client.force_login(author)
    response = client.post(reverse("briefs:start"), {"week": "2026-W49", "title": "", "kind": "weekly"})
    brief = Brief.objects.get()
    assert response.status_code == 303
    assert response["Location"] == reverse("briefs:edit", args=[brief.pk])
    page = client.get(response["Location"])
    assert "Weekly brief, 2026-W49" in page.content.decode()


def test_an_analyst_cannot_start_or_open_a_brief(client, make_user, author):
    brief = draft(author)
    client.force_login(make_user("amber", "analyst"))
    client.post(reverse("briefs:start"), {"week": "2026-W50"})
    assert Brief.objects.count() == 1
    assert client.get(reverse("briefs:edit", args=[brief.pk])).status_code == 404
    assert client.get(reverse("briefs:detail", args=[brief.pk])).status_code == 404


def test_candidates_rank_starred_and_tagged_first_and_mark_what_is_already_briefed(
    client, author, reviewer, make_user
):
    week_article(title="Plain news", priority="critical")
    starred = week_article(title="Starred news")
    tagged = week_article(title="Tagged news", tags=["brief"])
    other_week = ArticleFactory(
        title="Last month", published_at=timezone.make_aware(dt.datetime(2026, 11, 1))
    )
    ReadingState.objects.create(user=make_user("green"), article=starred, starred_at=timezone.now())
    story = Story.objects.create()
    briefed = week_article(title="Briefed before", story=story)
    published(author, reviewer, briefed, week=48)
    brief = draft(author)
    client.force_login(author)
    html = client.get(reverse("briefs:edit", args=[brief.pk])).content.decode()
    order = [html.index(t) for t in ("Tagged news", "Starred news", "Plain news")]
    assert order == sorted(order)
    assert "Last month" not in html
    assert other_week.title not in html
    assert "Already briefed" in html
    assert f'id="candidate-{tagged.pk}"' in html


def test_assembly_without_javascript_add_reorder_move_comment_and_remove(client, author):
    first, second = (
        week_article(title="Alpha", category="malware"),
        week_article(title="Beta", category="malware"),
    )
    brief = draft(author)
    client.force_login(author)
    for article in (first, second):
        assert post(client, brief, op="add", article=article.pk).status_code == 303
    section = brief.sections.get()
    assert section.name == "Malware"
    items = list(brief.items.order_by("position"))
    assert [i.article.title for i in items] == ["Alpha", "Beta"]
    post(client, brief, op="move", item=items[1].pk, direction="up")
    assert [i.article.title for i in brief.items.order_by("position")] == ["Beta", "Alpha"]
    post(client, brief, op="section-add", name="Watch list")
    other = brief.sections.get(name="Watch list")
    post(client, brief, op="move-to", item=items[0].pk, section=other.pk)
    assert brief.items.get(pk=items[0].pk).section == other
    post(client, brief, op="section-rename", section=section.pk, name="Malware of the week")
    post(client, brief, op="section-move", section=other.pk, direction="up")
    assert [s.name for s in brief.sections.all()] == ["Watch list", "Malware of the week"]
    post(client, brief, op="commentary", item=items[1].pk, commentary="Patch now.")
    assert brief.items.get(pk=items[1].pk).commentary == "Patch now."
    post(client, brief, op="remove", item=items[0].pk)
    assert brief.items.count() == 1


def test_a_stale_form_gets_a_conflict_message_and_keeps_the_editors_text(client, author, reviewer):
    brief = draft(author, week_article())
    stale = brief.version
    client.force_login(reviewer)
    post(client, brief, op="text", title="Reviewer title", summary="Theirs", tlp_floor="clear")
    client.force_login(author)
    response = client.post(
        reverse("briefs:change", args=[brief.pk]),
        {
            "version": stale,
            "op": "text",
            "title": "Author title",
            "summary": "My careful summary",
            "tlp_floor": "clear",
        },
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Another editor changed this brief" in html
    assert "My careful summary" in html  # the editor's input, kept in the form
    brief.refresh_from_db()
    assert (brief.title, brief.executive_summary) == ("Reviewer title", "Theirs")


def test_the_summary_is_drafted_from_the_items_assessments_unsaved(client, author):
    brief = draft(author, week_article(title="Alpha", assessment="Actionable: patch the VPN."))
    client.force_login(author)
    response = post(client, brief, op="text", title=brief.title, summary="", tlp_floor="clear", draft="1")
    assert "Alpha: Actionable: patch the VPN." in response.content.decode()
    brief.refresh_from_db()
    assert brief.executive_summary == ""


def test_the_page_shows_that_an_amber_item_raised_the_brief(client, author):
    brief = draft(author, week_article(tlp="green"))
    client.force_login(author)
    amber = week_article(tlp="amber", title="Amber item")
    response = post(client, brief, op="add", article=amber.pk)
    page = client.get(response["Location"]).content.decode()
    assert "rose from TLP:GREEN to TLP:AMBER" in page
    assert "because of 1 item marked TLP:AMBER" in page


def test_key_judgments_are_linked_to_items_and_mixed_scales_are_warned(client, author):
    brief = draft(author, week_article(title="Alpha"))
    item = brief.items.get()
    client.force_login(author)
    post(
        client,
        brief,
        op="judgment-add",
        text="It is likely to spread; a takedown is highly improbable.",
        confidence="moderate",
        items=[item.pk],
    )
    judgment = brief.judgments.get()
    assert list(judgment.supported_by.all()) == [item]
    html = client.get(reverse("briefs:edit", args=[brief.pk])).content.decode()
    assert "Mixed probability scales" in html


def test_workflow_buttons_send_for_review_and_refuse_self_approval(client, author, reviewer):
    brief = draft(author, week_article())
    client.force_login(author)
    response = client.post(
        reverse("briefs:transition", args=[brief.pk, "review"]), {"version": brief.version}
    )
    assert response.status_code == 303
    html = client.get(reverse("briefs:edit", args=[brief.pk])).content.decode()
    assert "another editor or an admin must approve it" in html
    brief.refresh_from_db()
    refused = client.post(
        reverse("briefs:transition", args=[brief.pk, "publish"]), {"version": brief.version}
    )
    assert refused.status_code == 400
    client.force_login(reviewer)
    done = client.post(reverse("briefs:transition", args=[brief.pk, "publish"]), {"version": brief.version})
    assert done["Location"] == reverse("briefs:detail", args=[brief.pk])


def test_the_published_page_has_the_label_at_top_and_bottom_and_ends_with_the_yardstick(
    client, author, reviewer, make_user
):
    brief = published(author, reviewer, week_article(tlp="amber", title="Amber item"))
    client.force_login(make_user("amber", "analyst"))
    html = client.get(reverse("briefs:detail", args=[brief.pk])).content.decode()
    assert html.count('class="tlp tlp--amber">TLP:AMBER</span>') >= 3  # header, item, footer
    assert html.index("How likely is") < html.rindex("TLP:AMBER")
    assert "almost no chance" in html and "95–99 %" in html


def test_readers_see_that_a_correction_was_made(client, author, reviewer, make_user):
    from briefs import workflow

    first = published(author, reviewer, week_article())
    fix = workflow.correct(first, author)
    workflow.submit_for_review(fix, author, fix.version)
    workflow.publish(fix, reviewer)
    client.force_login(make_user("clear", "analyst"))
    html = client.get(reverse("briefs:detail", args=[first.pk])).content.decode()
    assert "A correction of this brief was published" in html
    assert reverse("briefs:detail", args=[fix.pk]) in html
    assert "corrects revision 1" in client.get(reverse("briefs:detail", args=[fix.pk])).content.decode()


def test_markdown_download_is_the_frozen_brief_with_its_label_first_and_last(
    client, author, reviewer, make_user
):
    article = week_article(title="Frozen title", tlp="green")
    brief = published(author, reviewer, article)
    article.title = "Changed afterwards"
    article.save()
    client.force_login(make_user("green", "analyst"))
    response = client.get(reverse("briefs:markdown", args=[brief.pk]))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/markdown")
    assert "attachment" in response["Content-Disposition"]
    assert text.startswith("**TLP:GREEN**")
    assert text.rstrip().endswith("**TLP:GREEN**")
    assert "Frozen title" in text and "Changed afterwards" not in text


def test_the_brief_list_costs_the_same_queries_for_one_brief_or_ten(
    client, author, reviewer, make_user, django_assert_max_num_queries
):
    reader = make_user("amber", "analyst")
    client.force_login(reader)
    published(author, reviewer, week_article(), week=40)
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("briefs:index"))
    for week in range(41, 50):
        published(author, reviewer, week_article(), week=week)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("briefs:index"))
    assert response.content.decode().count("briefs/") >= 10


def test_an_article_relabelled_after_it_was_added_raises_the_draft_on_the_next_view(client, author):
    article = week_article(tlp="green")
    brief = draft(author, article)
    article.tlp = "amber"
    article.save()
    client.force_login(author)
    html = client.get(reverse("briefs:edit", args=[brief.pk])).content.decode()
    assert 'This brief is <span class="tlp tlp--amber">TLP:AMBER</span>' in html
    brief.refresh_from_db()
    assert brief.tlp == "amber"


def test_the_assembly_page_costs_the_same_queries_for_two_items_or_eight(
    client, author, django_assert_max_num_queries
):
    brief = draft(author, *[week_article(category="malware") for _ in range(2)])
    client.force_login(author)
    with django_assert_max_num_queries(40) as two:
        client.get(reverse("briefs:edit", args=[brief.pk]))
    for n in range(6):
        brief.refresh_from_db()
        composition.add_article(
            brief, author, brief.version, week_article(category=["breach", "malware"][n % 2]).pk
        )
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(reverse("briefs:edit", args=[brief.pk]))
    assert response.content.decode().count('class="assembly__item"') == 8


def test_an_article_of_another_week_is_added_by_its_address_but_not_one_the_editor_cannot_read(
    client, author
):
    brief = draft(author)
    older = ArticleFactory(
        title="From last month", published_at=timezone.make_aware(dt.datetime(2026, 11, 2))
    )
    secret = ArticleFactory(title="Above clearance", tlp="amber+strict")
    client.force_login(author)
    response = post(client, brief, op="add", article=f"https://intel.example{older.get_absolute_url()}")
    assert response.status_code == 303
    assert brief.items.get().article == older
    refused = post(client, brief, op="add", article=str(secret.pk))
    assert refused.status_code == 400
    assert "does not exist or you may not read it" in refused.content.decode()
    assert post(client, brief, op="add", article="not an article").status_code == 400


def test_the_article_page_offers_editors_the_drafts_of_its_week_and_names_briefs_citing_it(
    client, author, reviewer, make_user
):
    article = week_article(title="Hooked article", tlp="green")
    brief = draft(author)
    client.force_login(author)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Add to “Weekly brief, 2026-W49”" in page
    response = client.post(
        reverse("briefs:change", args=[brief.pk]),
        {"op": "add", "version": brief.version, "article": article.pk},
    )
    assert response.status_code == 303
    assert brief.items.get().article == article
    brief.refresh_from_db()
    workflow.submit_for_review(brief, author, brief.version)
    workflow.publish(brief, reviewer)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Cited in" in page and reverse("briefs:detail", args=[brief.pk]) in page
    client.force_login(make_user("amber", "analyst"))
    assert 'id="brief-panel-h"' not in client.get(article.get_absolute_url()).content.decode()


def test_a_draft_raised_above_an_editor_by_a_report_joining_its_story_is_closed_to_them_at_once(
    client, author, make_user
):
    story = Story.objects.create()
    lead = week_article(tlp="green", story=story)
    brief = draft(author)
    composition.add_article(brief, author, brief.version, lead.pk, whole_story=True)
    green_editor = make_user("green", "editor")
    client.force_login(green_editor)
    assert client.get(reverse("briefs:edit", args=[brief.pk])).status_code == 200
    week_article(tlp="amber", story=story)  # grouped into the story afterwards
    assert client.get(reverse("briefs:edit", args=[brief.pk])).status_code == 404
    brief.refresh_from_db()
    assert brief.tlp == "amber"


def test_the_article_page_offers_only_drafts_and_briefs_the_editor_may_work_on_or_read(
    client, author, reviewer, make_user, django_assert_num_queries, rf
):
    from briefs.article_blocks import detail_panel

    article = week_article(title="Hooked article", tlp="green")
    secret = week_article(title="Amber neighbour", tlp="amber")
    green_editor = make_user("green", "editor")
    request = rf.get(article.get_absolute_url())
    request.user = green_editor
    assert green_editor.role == "editor"  # read once per request, by the page before the panel
    with django_assert_num_queries(1):  # no brief names the article or its week: one plain query
        assert "No draft brief of 2026-W49" in detail_panel(request, article)

    draft(author, title="Open draft", kind="special")
    draft(
        author, secret, title="Draft with an amber item", kind="special"
    )  # the green editor may not open it
    draft(author, week=48, title="Last week's draft", kind="special")
    hidden = published(author, reviewer, article, secret, title="Amber brief citing it", kind="special")
    readable = published(author, reviewer, article, week=50, title="Green brief citing it", kind="special")
    client.force_login(green_editor)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Add to “Open draft”" in page
    assert "Draft with an amber item" not in page and "Last week" not in page
    assert reverse("briefs:detail", args=[readable.pk]) in page
    assert reverse("briefs:detail", args=[hidden.pk]) not in page
    client.force_login(author)  # amber: every one of them
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Add to “Draft with an amber item”" in page and "Add to “Open draft”" in page
    assert reverse("briefs:detail", args=[hidden.pk]) in page
