"""Notes on articles: private and shared, threads, edits, re-anchoring, visibility."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory
from workspace import annotations
from workspace.models import Annotation

pytestmark = pytest.mark.django_db
BODY = "APT28 sent phishing mail.\n\nThe loader contacted 203.0.113.5 over HTTPS."
HX = {"HTTP_HX_REQUEST": "true"}


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def post_note(client, article, **data):
    data.setdefault("body", "A note")
    return client.post(reverse("workspace:note-create", args=[article.pk]), data)


def test_a_note_on_a_selected_passage_keeps_its_selectors(analyst):
    article = ArticleFactory(tlp="green", body_text=BODY)
    text = annotations.article_text(article)
    start = text.index("203.0.113.5")
    response = post_note(signed_in(analyst), article, quote="203.0.113.5", start=start, end=start + 11)
    note = Annotation.objects.get()
    assert response["Location"] == f"{article.get_absolute_url()}#note-{note.pk}"
    assert (note.quote_exact, note.position_start, note.position_end) == ("203.0.113.5", start, start + 11)
    assert note.quote_prefix.endswith("loader contacted ") and note.quote_suffix == " over HTTPS."
    assert not note.shared


def test_a_pasted_passage_without_offsets_is_found_in_the_text(analyst):
    article = ArticleFactory(tlp="green", body_text=BODY)
    post_note(signed_in(analyst), article, quote="phishing   mail")
    note = Annotation.objects.get()
    assert note.quote_exact == "phishing mail" and note.position_start == BODY.index("phishing")


def test_a_passage_that_is_not_in_the_text_is_refused_and_the_draft_kept(analyst):
    article = ArticleFactory(tlp="green", body_text=BODY)
    url = reverse("workspace:note-create", args=[article.pk])
    body = (
        signed_in(analyst)
        .post(url, {"body": "my careful words", "quote": "not there"}, **HX)
        .content.decode()
    )
    assert "That passage is not in the article" in body and "my careful words" in body
    assert not Annotation.objects.exists()


def test_markdown_is_rendered_and_hostile_html_is_not(analyst):
    article = ArticleFactory(tlp="green", body_text=BODY)
    post_note(signed_in(analyst), article, body="**C2** <script>alert(1)</script> [x](javascript:alert(1))")
    note = Annotation.objects.get()
    assert "<strong>C2</strong>" in note.body_html and "<script>" not in note.body_html
    assert "javascript:" not in note.body_html.replace("[x](javascript:alert(1))", "")
    page = signed_in(analyst).get(article.get_absolute_url()).content.decode()
    assert "<strong>C2</strong>" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_private_notes_are_seen_only_by_their_author_and_shared_ones_by_readers(make_user):
    alice, bob = make_user("green"), make_user("green")
    article = ArticleFactory(tlp="green", body_text=BODY)
    post_note(signed_in(alice), article, body="alice private")
    post_note(signed_in(alice), article, body="alice shared", shared="on")
    bob_page = signed_in(bob).get(article.get_absolute_url()).content.decode()
    assert "alice shared" in bob_page and "alice private" not in bob_page
    assert alice.get_username() in bob_page  # a shared note shows its author


def test_notes_follow_the_articles_visibility(make_user):
    amber_reader, green_reader = make_user("amber"), make_user("green")
    article = ArticleFactory(tlp="amber", body_text=BODY)
    post_note(signed_in(amber_reader), article, body="amber-only finding", shared="on")
    assert annotations.visible_annotations(green_reader).count() == 0
    assert post_note(signed_in(green_reader), article).status_code == 404
    note = Annotation.objects.get()
    green = signed_in(green_reader)
    assert green.post(reverse("workspace:note-reply", args=[note.pk]), {"body": "x"}).status_code == 404
    assert "amber-only finding" not in green.get(reverse("workspace:notes"), {"q": "amber"}).content.decode()
    # The author loses them too when the article is raised above their clearance.
    Article.objects.filter(pk=article.pk).update(tlp="amber+strict")
    assert annotations.visible_annotations(amber_reader).count() == 0


def test_replies_make_a_thread_on_shared_notes_only(make_user):
    alice, bob = make_user("green"), make_user("green")
    article = ArticleFactory(tlp="green", body_text=BODY)
    post_note(signed_in(alice), article, body="shared", shared="on")
    post_note(signed_in(alice), article, body="private")
    shared, private = Annotation.objects.order_by("pk")
    signed_in(bob).post(reverse("workspace:note-reply", args=[shared.pk]), {"body": "agreed"})
    assert shared.replies.get().body == "agreed" and shared.replies.get().shared
    # Bob cannot even see the private note; Alice cannot reply to her own private note.
    assert (
        signed_in(bob).post(reverse("workspace:note-reply", args=[private.pk]), {"body": "x"}).status_code
        == 404
    )
    with pytest.raises(annotations.NoteError, match="Only a shared note"):
        annotations.reply(private, alice, "x")


def test_only_the_author_edits_or_deletes_and_a_note_with_replies_stays_as_deleted(make_user):
    alice, bob = make_user("green"), make_user("green")
    article = ArticleFactory(tlp="green", body_text=BODY)
    post_note(signed_in(alice), article, body="first", shared="on")
    note = Annotation.objects.get()
    assert (
        signed_in(bob).post(reverse("workspace:note-edit", args=[note.pk]), {"body": "hijack"}).status_code
        == 403
    )
    assert signed_in(bob).post(reverse("workspace:note-delete", args=[note.pk])).status_code == 403
    signed_in(alice).post(reverse("workspace:note-edit", args=[note.pk]), {"body": "second", "shared": "on"})
    note.refresh_from_db()
    assert note.body == "second" and "<p>second</p>" in note.body_html
    annotations.reply(note, bob, "reply")
    signed_in(alice).post(reverse("workspace:note-delete", args=[note.pk]))
    note.refresh_from_db()
    assert note.deleted and note.body == "" and note.replies.count() == 1


def test_a_changed_text_re_anchors_the_note_or_lists_it_as_orphaned(analyst):
    article = ArticleFactory(tlp="green", body_text=BODY)
    post_note(signed_in(analyst), article, quote="203.0.113.5")
    Article.objects.filter(pk=article.pk).update(body_text="Correction first.\n\n" + BODY)
    article.refresh_from_db()
    [placed], _ = annotations.notes_on(article, analyst)
    assert placed.anchor.moved and not placed.orphaned
    Article.objects.filter(pk=article.pk).update(body_text=BODY.replace("203.0.113.5", "[removed]"))
    article.refresh_from_db()
    [placed], _ = annotations.notes_on(article, analyst)
    assert placed.orphaned
    page = signed_in(analyst).get(article.get_absolute_url()).content.decode()
    assert "Passage no longer in the text" in page and "203.0.113.5" in page


def test_a_note_on_the_whole_article(analyst):
    article = ArticleFactory(tlp="green", body_text=BODY)
    post_note(signed_in(analyst), article, body="overall: low confidence")
    [placed], _ = annotations.notes_on(article, analyst)
    assert placed.anchor is None and not placed.orphaned
    assert "on the whole article" in signed_in(analyst).get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Write something"), ("x" * 10_001, "at most 10,000 characters"), ("a\x00b", "NUL")],
)
def test_bad_notes_are_refused_with_a_reason(analyst, body, message):
    article = ArticleFactory(tlp="green", body_text=BODY)
    response = signed_in(analyst).post(
        reverse("workspace:note-create", args=[article.pk]), {"body": body}, follow=True
    )
    assert message in response.content.decode() and not Annotation.objects.exists()


def test_forged_offsets_fall_back_to_the_quote(analyst):
    article = ArticleFactory(tlp="green", body_text=BODY)
    post_note(signed_in(analyst), article, quote="phishing mail", start="99999999999", end="-4")
    assert Annotation.objects.get().position_start == annotations.article_text(article).index("phishing")


def test_posts_need_a_csrf_token(analyst):
    article = ArticleFactory(tlp="green", body_text=BODY)
    assert post_note(signed_in(analyst, enforce_csrf_checks=True), article).status_code == 403


def test_notes_are_searchable_by_their_author_and_shared_ones_by_readers(make_user):
    alice, bob = make_user("green"), make_user("green")
    article = ArticleFactory(tlp="green", body_text=BODY, title="Loader report")
    post_note(signed_in(alice), article, body="beacon interval 60s", shared="on")
    post_note(signed_in(alice), article, body="beacon private hunch")
    alice_finds = signed_in(alice).get(reverse("workspace:notes"), {"q": "beacon"}).content.decode()
    bob_finds = signed_in(bob).get(reverse("workspace:notes"), {"q": "beacon"}).content.decode()
    assert "beacon interval" in alice_finds and "private hunch" in alice_finds
    assert "beacon interval" in bob_finds and "private hunch" not in bob_finds
    assert "Loader report" in bob_finds


def test_the_article_page_query_count_does_not_grow_with_notes(analyst, django_assert_max_num_queries):
    article = ArticleFactory(tlp="green", body_text=BODY)
    client = signed_in(analyst)
    post_note(client, article, body="one", shared="on")
    with django_assert_max_num_queries(60) as few:
        client.get(article.get_absolute_url())
    baseline = len(few.captured_queries)  # now: later requests clear the connection's query log
    for n in range(10):
        note = Annotation.objects.filter(parent=None).first()
        annotations.reply(note, analyst, f"reply {n}")
        post_note(client, article, body=f"note {n}", shared="on")
    with django_assert_max_num_queries(baseline):
        client.get(article.get_absolute_url())


def test_an_account_without_a_role_reads_notes_but_cannot_write_them(make_user, db):
    from accounts.models import User

    article = ArticleFactory(tlp="green", body_text=BODY)
    post_note(signed_in(make_user("green")), article, body="team view", shared="on")
    reader = User.objects.create_user("readonly", clearance="green")
    client = signed_in(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "team view" in page and 'id="note-form"' not in page and "Reply…" not in page
    assert post_note(client, article, body="mine").status_code == 403
    note = Annotation.objects.get()
    assert client.post(reverse("workspace:note-reply", args=[note.pk]), {"body": "x"}).status_code == 403
    assert Annotation.objects.count() == 1
