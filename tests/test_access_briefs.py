"""The access matrix for every brief surface: each clearance (RED without a grant) against a
brief of each label. A brief above the reader's clearance — or citing an article they may not
read — shows nowhere: not in the list, its page, its Markdown, a feed, an e-mail, the
assembly page or its candidates, nor on the public page unless it is all CLEAR."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleGrant
from articles.tlp import TLP_ORDER
from briefs import delivery
from briefs.publication_models import Delivery, FeedToken
from tests.briefs_support import draft, published
from tests.factories import ArticleFactory
from tests.test_access import READABLE

pytestmark = pytest.mark.django_db
WORD = "briefmatrix"
CLEARANCES = list(READABLE)
WEEK_START = timezone.make_aware(dt.datetime(2026, 11, 30, 9))  # 2026-W49


def title(label: str) -> str:
    return f"{WORD} brief {label}"


@pytest.fixture
def matrix(make_user):
    """One published brief per label (weeks 40–44), each citing one article of that label, and
    one draft for W49 per label with candidates of every label in that week."""
    editor = make_user("red", "admin", username="matrix-editor")
    approver = make_user("red", "admin", username="matrix-approver")
    briefs, drafts = {}, {}
    for n, label in enumerate(TLP_ORDER):
        article = ArticleFactory(title=f"{WORD} article {label}", tlp=label, published_at=WEEK_START)
        for person in (editor, approver):
            ArticleGrant.objects.create(article=article, user=person)
        briefs[label] = published(editor, approver, article, week=40 + n, title=title(label))
        drafts[label] = draft(editor, article, week=20 + n, title=f"{WORD} draft {label}")
    return briefs, drafts


def visible(label: str, clearance: str) -> bool:
    return label in READABLE[clearance]


@pytest.mark.parametrize("clearance", CLEARANCES)
def test_the_list_page_and_markdown_follow_clearance(client, make_user, matrix, clearance):
    briefs, _ = matrix
    client.force_login(make_user(clearance, "analyst"))
    listing = client.get(reverse("briefs:index")).content.decode()
    for label, brief in briefs.items():
        shown = visible(label, clearance)
        assert (title(label) in listing) is shown, (clearance, label)
        page = client.get(reverse("briefs:detail", args=[brief.pk]))
        assert page.status_code == (200 if shown else 404), (clearance, label)
        markdown = client.get(reverse("briefs:markdown", args=[brief.pk]))
        assert markdown.status_code == (200 if shown else 404), (clearance, label)


@pytest.mark.parametrize("clearance", CLEARANCES)
def test_the_reader_feed_follows_clearance(client, make_user, matrix, clearance):
    briefs, _ = matrix
    token = FeedToken.objects.create(user=make_user(clearance, "analyst")).token
    feed = client.get(reverse("briefs:reader-feed", args=[token])).content.decode()
    for label in briefs:
        assert (title(label) in feed) is visible(label, clearance), (clearance, label)


@pytest.mark.parametrize("clearance", CLEARANCES)
def test_e_mail_goes_only_where_cleared(make_user, matrix, clearance, django_capture_on_commit_callbacks):
    from django.core import mail

    briefs, _ = matrix
    sender = make_user("red", "editor")
    person = make_user(clearance, "analyst")
    person.email = "reader@example.org"
    person.save()
    for label, brief in briefs.items():
        mail.outbox.clear()
        if label in delivery.WITHHELD:
            with pytest.raises(delivery.BriefError):
                delivery.request_sending(brief, sender, user_ids=[person.pk])
            continue
        with django_capture_on_commit_callbacks(execute=True):
            delivery.request_sending(brief, sender, user_ids=[person.pk])
        row = Delivery.objects.filter(brief=brief, recipient=person).get()
        sent = visible(label, clearance)
        assert (row.status == Delivery.SENT) is sent, (clearance, label)
        assert bool(mail.outbox) is sent, (clearance, label)


@pytest.mark.parametrize("clearance", CLEARANCES)
def test_editors_open_only_drafts_and_candidates_they_are_cleared_for(client, make_user, matrix, clearance):
    briefs, drafts = matrix
    editor = make_user(clearance, "editor")
    client.force_login(editor)
    listing = client.get(reverse("briefs:index")).content.decode()
    for label, brief in drafts.items():
        shown = visible(label, clearance)
        assert (f"{WORD} draft {label}" in listing) is shown, (clearance, label)
        response = client.get(reverse("briefs:edit", args=[brief.pk]))
        assert response.status_code == (200 if shown else 404), (clearance, label)
        send_page = client.get(reverse("briefs:send", args=[briefs[label].pk]))
        assert send_page.status_code == (200 if shown else 404), (clearance, label)
    own = draft(editor, week=49, title="Own draft")
    page = client.get(reverse("briefs:edit", args=[own.pk])).content.decode()
    for label in TLP_ORDER:
        assert (f"{WORD} article {label}<" in page) is visible(label, clearance), (clearance, label)


def test_the_public_surfaces_hold_only_the_all_clear_brief(client, matrix):
    briefs, _ = matrix
    feed = client.get(reverse("briefs:public-feed")).content.decode()
    index = client.get(reverse("briefs:public-index")).content.decode()
    for label, brief in briefs.items():
        public = label == "clear"
        assert (title(label) in feed) is public, label
        assert (title(label) in index) is public, label
        assert client.get(reverse("briefs:public-detail", args=[brief.pk])).status_code == (
            200 if public else 404
        )


def test_already_briefed_is_not_said_of_a_story_cited_only_in_a_brief_above_the_editor(client, make_user):
    boss = make_user("red", "admin", username="boss-editor")
    second = make_user("red", "admin", username="boss-approver")
    shared = ArticleFactory(title=f"{WORD} shared story", tlp="green", published_at=WEEK_START)
    secret = ArticleFactory(title=f"{WORD} secret", tlp="amber", published_at=WEEK_START)
    published(boss, second, shared, secret, week=45, title="Amber brief citing a green story")
    green_editor = make_user("green", "editor")
    own = draft(green_editor, week=49)
    client.force_login(green_editor)
    page = client.get(reverse("briefs:edit", args=[own.pk])).content.decode()
    assert f"{WORD} shared story" in page
    assert "Already briefed" not in page
    client.force_login(make_user("amber", "editor"))
    other = draft(boss, week=49, kind="special")
    assert "Already briefed" in client.get(reverse("briefs:edit", args=[other.pk])).content.decode()


@pytest.mark.parametrize("clearance", CLEARANCES)
def test_the_article_page_names_only_briefs_the_editor_may_read(client, make_user, clearance):
    boss = make_user("red", "admin", username="panel-editor")
    second = make_user("red", "admin", username="panel-approver")
    common = ArticleFactory(title=f"{WORD} common", tlp="clear", published_at=WEEK_START)
    for n, label in enumerate(TLP_ORDER):
        other = ArticleFactory(tlp=label, published_at=WEEK_START)
        for person in (boss, second):
            ArticleGrant.objects.create(article=other, user=person)
        published(boss, second, common, other, week=30 + n, title=title(label))
    client.force_login(make_user(clearance, "editor"))
    page = client.get(common.get_absolute_url()).content.decode()
    for label in TLP_ORDER:
        assert (title(label) in page) is visible(label, clearance), (clearance, label)
