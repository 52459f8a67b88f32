"""A low-clearance analyst in a real browser sees nothing of an AMBER article anywhere the
workspace shows articles: search results and snippets, the tag field's suggestions, notes
(the article's and the notes search), the dashboard, the new-articles count."""

from __future__ import annotations

import pytest

from articles.models import ArticleEntity, Entity, Indicator, Sighting
from articles.sanitize import text_to_html
from tests.browser_support import assert_accessible, browser, sign_in
from tests.factories import ArticleFactory
from workspace import actions, annotations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser"]  # the fixture, imported for pytest

SECRET_WORD = "nightjarcampaign"


def test_a_green_analyst_sees_no_trace_of_an_amber_article(browser, live_server, make_user):
    amber_user = make_user("amber", username="amberanalyst")
    make_user("green", username="greenanalyst")
    body = f"The {SECRET_WORD} operators staged payloads on 198.51.100.77 before the intrusion."
    secret = ArticleFactory(
        title=f"Amber report on {SECRET_WORD}",
        tlp="amber",
        body_text=body,
        body_html=text_to_html(body),
        tags=[f"victim-{SECRET_WORD}"],
    )
    public = ArticleFactory(title="Green report on phishing", tlp="green")
    actor = Entity.objects.create(kind="threat-actor", name=f"Actor {SECRET_WORD}")
    ArticleEntity.objects.create(article=secret, entity=actor)
    indicator = Indicator.objects.create(type="ipv4", value="198.51.100.77")
    Sighting.objects.create(
        article=secret,
        indicator=indicator,
        section="body",
        start=0,
        end=1,
        matched="x",
        enricher="test",
        enricher_version="1",
    )
    annotations.create_note(secret, amber_user, f"shared note about {SECRET_WORD}", shared=True)
    actions.star(amber_user, [secret.pk])

    page = sign_in(browser, live_server, "greenanalyst")
    dashboard = page.content()
    assert SECRET_WORD not in dashboard and "198.51.100.77" not in dashboard
    assert_accessible(page, "the dashboard of a GREEN analyst")

    # The header's search box: nothing by word, by indicator, by actor prefix.
    for query in (SECRET_WORD, "198.51.100.77", "198[.]51[.]100[.]77", f'actor:"Actor {SECRET_WORD}"'):
        page.goto(f"{live_server.url}/articles/")
        page.fill("header [role=search] input[type=search]", query)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        html = page.content()  # the query itself is echoed (box, chip); nothing else of it
        assert "Amber report" not in html and "row__snippet" not in html and "staged payloads" not in html
        assert page.locator("article.row").count() == 0, f"{query!r} found a row"

    # The tag field suggests no tag that only the AMBER article carries.
    page.goto(f"{live_server.url}{public.get_absolute_url()}")
    page.fill(f"#tag-input-{public.pk}", "victim")
    page.wait_for_timeout(600)  # the suggestion request's debounce and answer
    options = page.locator(f"#tag-suggestions-{public.pk} option").evaluate_all("os => os.map(o => o.value)")
    assert not [o for o in options if SECRET_WORD in o]

    # Notes: the notes search and the AMBER article itself (a 404).
    page.goto(f"{live_server.url}/workspace/notes/?q={SECRET_WORD}")
    assert SECRET_WORD not in page.locator("main").inner_text().replace(f"“{SECRET_WORD}”", "")
    response = page.goto(f"{live_server.url}{secret.get_absolute_url()}")
    assert response.status == 404 and SECRET_WORD not in page.content()

    # The AMBER analyst sees all of it, so the checks above could fail.
    amber_page = sign_in(browser, live_server, "amberanalyst")
    amber_page.goto(f"{live_server.url}/articles/?q={SECRET_WORD}")
    assert amber_page.locator("article.row").count() == 1
    assert amber_page.locator(".row__snippet mark").count() >= 1
    amber_page.goto(f"{live_server.url}/workspace/notes/?q={SECRET_WORD}")
    assert f"shared note about {SECRET_WORD}" in amber_page.content()
