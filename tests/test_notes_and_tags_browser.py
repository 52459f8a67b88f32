"""Notes and tags in a real browser: select a passage with the mouse, annotate it, reload and
see the highlight, change the text and see the note move or become orphaned; tag in place
with suggestions, without a page reload."""

from __future__ import annotations

import pytest

from articles.models import Article, ArticleTag
from articles.sanitize import text_to_html
from tests.browser_support import SCREENSHOTS, assert_accessible, browser, sign_in
from tests.factories import ArticleFactory
from workspace.models import Annotation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser"]  # the fixture, imported for pytest

BODY = (
    "The actor sent phishing mail to finance staff.\n\n"
    "The loader contacted 203.0.113.5 over HTTPS every sixty seconds.\n\n"
    "Later stages deployed a second implant."
)


def with_body(text: str) -> dict[str, str]:
    return {"body_text": text, "body_html": text_to_html(text)}


def drag_select(page, first: str, last: str) -> None:
    """Drag the mouse from the start of ``first`` to the end of ``last`` in the article text,
    as a person selects a passage (the two may sit in different elements: findings are marked)."""
    box = page.evaluate(
        """([first, last]) => {
            const root = document.getElementById('text');
            root.scrollIntoView({block: 'start'});  // mouse positions are in the viewport
            const rect = (phrase, end) => {
                const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    const at = node.data.indexOf(phrase);
                    if (at < 0) continue;
                    const range = document.createRange();
                    range.setStart(node, at); range.setEnd(node, at + phrase.length);
                    const rects = range.getClientRects();
                    const r = end ? rects[rects.length - 1] : rects[0];
                    return {x: end ? r.right - 1 : r.left + 1, y: r.top + r.height / 2};
                }
                return null;
            };
            return [rect(first, false), rect(last, true)];
        }""",
        [first, last],
    )
    assert all(box), f"{first!r} or {last!r} is not in the text"
    page.mouse.move(box[0]["x"], box[0]["y"])
    page.mouse.down()
    page.mouse.move(box[1]["x"], box[1]["y"], steps=8)
    page.mouse.up()


def test_analyst_highlights_a_passage_and_the_note_follows_text_changes(browser, live_server, make_user):
    make_user("green", username="annotator")
    article = ArticleFactory(tlp="green", title="Loader report", **with_body(BODY))
    page = sign_in(browser, live_server, "annotator")
    page.goto(f"{live_server.url}{article.get_absolute_url()}")

    drag_select(page, "contacted", "203.0.113.5")
    page.click("text=Add a note on this passage")
    assert page.locator("#note-quote").input_value() == "contacted 203.0.113.5"
    page.fill("#note-body", "C2 **beacon**, check the proxy logs")
    page.check("#note-form input[name=shared]")
    url_before = page.url
    page.click("#note-form button[type=submit]")
    page.wait_for_selector("#notes .note__body strong:has-text('beacon')")
    assert page.url == url_before  # htmx swapped the panel; no reload
    note = Annotation.objects.get()
    assert note.quote_exact == "contacted 203.0.113.5" and note.shared

    page.reload()
    marks = page.locator("mark.note-mark")
    assert "".join(marks.all_inner_texts()) == "contacted 203.0.113.5"
    assert_accessible(page, "an article page with a note")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "notes-article.png"), full_page=True)

    # The source corrects the text above the passage: the note moves with it.
    Article.objects.filter(pk=article.pk).update(**with_body("Updated 5 Dec: new section.\n\n" + BODY))
    page.reload()
    assert "".join(page.locator("mark.note-mark").all_inner_texts()) == "contacted 203.0.113.5"
    page.click(f"#note-{note.pk} .note__jump")
    assert page.evaluate("document.activeElement.classList.contains('note-mark')")

    # The passage is rewritten: the note is listed as orphaned, with its quote.
    Article.objects.filter(pk=article.pk).update(**with_body(BODY.replace("203.0.113.5", "a server")))
    page.reload()
    assert page.locator("mark.note-mark").count() == 0
    orphan = page.locator(f"#note-{note.pk}")
    assert "passage no longer in the text" in orphan.inner_text().lower()  # a badge, in capitals
    assert "contacted 203.0.113.5" in orphan.inner_text()


def test_a_note_on_the_whole_article_and_a_reply_from_the_keyboard(browser, live_server, make_user):
    make_user("green", username="writer")
    article = ArticleFactory(tlp="green", **with_body(BODY))
    page = sign_in(browser, live_server, "writer")
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.keyboard.press("n")  # the note shortcut focuses the note field
    assert page.evaluate("document.activeElement.id") == "note-body"
    page.keyboard.type("Overall: moderate confidence.")
    page.check("#note-form input[name=shared]")
    page.click("#note-form button[type=submit]")
    page.wait_for_selector("#notes .note:has-text('on the whole article')")
    note = Annotation.objects.get()
    page.fill(f"#reply-{note.pk}", "Agreed, second source pending.")
    page.click(f"#note-{note.pk} .note__reply button")
    page.wait_for_selector(".note--reply:has-text('second source pending')")
    assert note.replies.count() == 1


def test_analyst_tags_in_place_with_a_taxonomy_suggestion(browser, live_server, make_user):
    make_user("green", username="tagger")
    article = ArticleFactory(tlp="green", **with_body(BODY))
    page = sign_in(browser, live_server, "tagger")
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    field = page.locator(f"#tag-input-{article.pk}")
    field.fill("usually reliable")
    suggestion = f"#tag-suggestions-{article.pk} option[value='admiralty-scale:source-reliability=\"b\"']"
    page.wait_for_selector(suggestion, state="attached")
    field.fill('admiralty-scale:source-reliability="b"')
    url_before = page.url
    page.click(f"#tags-{article.pk} .tag-form button[type=submit]")
    page.wait_for_selector(f"#tags-{article.pk} li:has-text('added by tagger')")
    assert page.url == url_before
    assert ArticleTag.objects.filter(article=article, added_by__username="tagger").count() == 1
    assert_accessible(page, "an article page after tagging in place")

    # And from the list: the row's "Edit tags" link loads its editor in place.
    page.goto(f"{live_server.url}/articles/")
    page.click(f"article.row a.row-tags-link[href*='#tags-{article.pk}']")
    page.wait_for_selector(f"#row-tags-{article.pk}[open]")
    page.fill(f"#row-tag-input-{article.pk}", "brief-candidate")
    page.click(f"#row-tags-{article.pk} .tag-form button[type=submit]")
    page.wait_for_selector(f"#row-tags-{article.pk} li:has-text('brief-candidate')")
    assert page.url.endswith("/articles/")
    assert_accessible(page, "the list with a row's tag editor open")


def test_dashboard_and_notes_pages_pass_the_accessibility_check(browser, live_server, make_user):
    from workspace import actions, annotations

    user = make_user("green", username="dashreader")
    article = ArticleFactory(tlp="green", title="Dashboard article", **with_body(BODY))
    actions.star(user, [article.pk])
    annotations.create_note(article, user, "A *note* to find", shared=True, quote="phishing mail")
    page = sign_in(browser, live_server, "dashreader")
    assert page.url.rstrip("/") == live_server.url  # signing in lands on the dashboard
    assert "Dashboard article" in page.locator("#dash-starred + ul").inner_text()
    assert_accessible(page, "the dashboard")
    page.goto(f"{live_server.url}/workspace/notes/?q=note")
    assert "phishing mail" in page.locator(".notes").inner_text()
    assert_accessible(page, "the notes search page")
