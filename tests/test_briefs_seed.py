"""A brief made from the real seed article, loaded and enriched as in production: the
executive summary drafted from its assessment, published, and given to readers as a page,
Markdown and a public page (the seed is TLP:CLEAR)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from briefs import composition, workflow

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_brief_of_the_seed_week_is_built_published_and_read_in_every_format(client, make_user):
    call_command("load_seeds")  # tasks run eagerly: the article is enriched on commit
    seed = Article.objects.get()
    assert seed.assessment  # what the summary is drafted from
    editor, approver = make_user("amber", "editor"), make_user("amber", "editor")
    year, week = composition.week_of(timezone.localtime(seed.published_at).date())
    brief = composition.create_brief(editor, year=year, week=week, title="Seed week")
    client.force_login(editor)
    page = client.get(reverse("briefs:edit", args=[brief.pk])).content.decode()
    assert f'id="candidate-{seed.pk}"' in page
    composition.add_article(brief, editor, brief.version, seed.pk)
    brief.refresh_from_db()
    drafted = composition.summary_draft(brief)
    assert seed.title in drafted
    composition.update_text(
        brief, editor, brief.version, title="Seed week", summary=drafted, tlp_floor="clear"
    )
    brief.refresh_from_db()
    workflow.submit_for_review(brief, editor, brief.version)
    workflow.publish(brief, approver)

    client.force_login(make_user("clear", "analyst"))
    html = client.get(reverse("briefs:detail", args=[brief.pk])).content.decode()
    assert "Microsoft Bets $10B to Boost Japan" in html
    assert "Seed files" in html  # the source is cited
    markdown = client.get(reverse("briefs:markdown", args=[brief.pk])).content.decode()
    assert markdown.startswith("**TLP:CLEAR**") and seed.title in markdown
    client.logout()
    assert client.get(reverse("briefs:public-detail", args=[brief.pk])).status_code == 200
