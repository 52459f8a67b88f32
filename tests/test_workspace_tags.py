"""Tags in place: analysts add and remove tags on the article page and list rows, with suggestions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import ArticleTag, SuppressedTag, Tag
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def tag_names(article) -> list[str]:
    return sorted(ArticleTag.objects.filter(article=article).values_list("tag__name", flat=True))


def test_article_page_has_the_tag_panel_with_who_added_each_tag(analyst):
    article = ArticleFactory(tlp="green", tags=["ransomware"])
    ArticleTag.objects.filter(article=article).update(added_by=analyst)
    page = signed_in(analyst).get(article.get_absolute_url()).content.decode()
    assert f'id="tags-{article.pk}"' in page
    assert "added by analyst" in page and 'aria-label="Remove tag ransomware"' in page
    assert f'list="tag-suggestions-{article.pk}"' in page


def test_adding_without_javascript_redirects_back_to_the_article(analyst):
    article = ArticleFactory(tlp="green")
    response = signed_in(analyst).post(reverse("workspace:tag-add", args=[article.pk]), {"name": "Brief"})
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert tag_names(article) == ["Brief"]


def test_adding_with_htmx_answers_the_panel_alone(analyst):
    article = ArticleFactory(tlp="green")
    response = signed_in(analyst).post(
        reverse("workspace:tag-add", args=[article.pk]), {"name": "brief"}, **HX
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith('<section class="panel tag-panel"')
    assert "<html" not in body and "brief" in body


def test_a_bad_name_is_shown_next_to_the_field_and_nothing_is_saved(analyst):
    article = ArticleFactory(tlp="green")
    body = (
        signed_in(analyst)
        .post(reverse("workspace:tag-add", args=[article.pk]), {"name": "tlp:clear"}, **HX)
        .content.decode()
    )
    assert 'role="alert"' in body and "TLP is the article" in body and 'aria-invalid="true"' in body
    assert tag_names(article) == [] and not Tag.objects.exists()


def test_removing_an_enrichers_tag_from_the_page_keeps_it_removed(analyst):
    article = ArticleFactory(tlp="green")
    tag = Tag.objects.create(name='misp-galaxy:threat-actor="APT28"')
    ArticleTag.objects.create(article=article, tag=tag, added_by_enricher="entities")
    signed_in(analyst).post(reverse("workspace:tag-remove", args=[article.pk, tag.pk]))
    assert tag_names(article) == [] and SuppressedTag.objects.filter(article=article, tag=tag).exists()


def test_an_article_above_the_readers_clearance_cannot_be_tagged_or_untagged(make_user):
    green = signed_in(make_user("green"))
    article = ArticleFactory(tlp="amber", tags=["secret-op"])
    tag = Tag.objects.get(name="secret-op")
    assert green.post(reverse("workspace:tag-add", args=[article.pk]), {"name": "x"}).status_code == 404
    assert green.post(reverse("workspace:tag-remove", args=[article.pk, tag.pk])).status_code == 404
    assert green.get(reverse("workspace:tag-row-editor", args=[article.pk])).status_code == 404
    assert tag_names(article) == ["secret-op"]


def test_posts_need_a_csrf_token(analyst):
    article = ArticleFactory(tlp="green")
    client = signed_in(analyst, enforce_csrf_checks=True)
    assert client.post(reverse("workspace:tag-add", args=[article.pk]), {"name": "x"}).status_code == 403
    assert tag_names(article) == []


@pytest.mark.parametrize("forged", ["https://evil.example/", "//evil.example/", "articles", "javascript:x"])
def test_a_forged_next_does_not_leave_the_site(analyst, forged):
    article = ArticleFactory(tlp="green")
    response = signed_in(analyst).post(
        reverse("workspace:tag-add", args=[article.pk]), {"name": "x", "next": forged}
    )
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()


def test_an_account_without_a_role_reads_but_cannot_tag(db):
    from accounts.models import User

    reader = User.objects.create_user("reader", clearance="green")
    article = ArticleFactory(tlp="green")
    client = signed_in(reader)
    assert "Add a tag" not in client.get(article.get_absolute_url()).content.decode()
    client.post(reverse("workspace:tag-add", args=[article.pk]), {"name": "x"})
    assert tag_names(article) == []


def test_list_rows_link_to_an_in_place_editor(analyst):
    article = ArticleFactory(tlp="green", title="Row <one>", tags=["apt"])
    page = signed_in(analyst).get("/articles/").content.decode()
    editor_url = reverse("workspace:tag-row-editor", args=[article.pk])
    assert (
        f'hx-get="{editor_url}"' in page
        and 'Edit tags<span class="visually-hidden"> of “Row &lt;one&gt;”' in page
    )
    editor = signed_in(analyst).get(editor_url, **HX).content.decode()
    assert editor.startswith('<details class="row-tags"') and " open>" in editor.split("\n")[0]
    removed = signed_in(analyst).post(
        reverse("workspace:tag-remove", args=[article.pk, Tag.objects.get(name="apt").pk]),
        {"place": "row"},
        **HX,
    )
    assert removed.content.decode().startswith('<details class="row-tags"') and tag_names(article) == []


def test_suggestions_offer_tags_in_use_on_readable_articles_then_taxonomy_tags(make_user):
    green = signed_in(make_user("green"))
    ArticleFactory(tlp="green", tags=["apt-watch"])
    ArticleFactory(tlp="amber", tags=["apt-secret-victim"])
    url = reverse("workspace:tag-suggest")
    body = green.get(url, {"name": "apt"}).content.decode()
    assert '<option value="apt-watch">' in body and "apt-secret-victim" not in body
    admiralty = green.get(url, {"name": "usually reliable"}).content.decode()
    assert 'value="admiralty-scale:source-reliability=&quot;b&quot;"' in admiralty
    assert "Source Reliability: Usually reliable" in admiralty
    assert 'value="tlp:' not in green.get(url, {"name": "tlp:am"}).content.decode().lower()
    assert green.get(url, {"name": "a"}).content.decode().strip() == ""


def test_list_query_count_does_not_grow_with_rows(analyst, django_assert_max_num_queries, settings):
    settings.ARTICLES_PER_PAGE = 50  # one page both times: the count is no query either time
    client = signed_in(analyst)
    client.get("/articles/")  # the first view records the visit (one insert)
    for _ in range(2):
        ArticleFactory(tlp="green", tags=["a", "b"])
    with django_assert_max_num_queries(50) as few:
        client.get("/articles/")
    baseline = len(few.captured_queries)
    for _ in range(30):
        ArticleFactory(tlp="green", tags=["a", "b"])
    with django_assert_max_num_queries(baseline):
        client.get("/articles/")


def bulk(client, action: str, ids, tag: str = ""):
    data = {"action": action, "ids": [str(pk) for pk in ids], "tag": tag, "next": "/articles/"}
    return client.post(reverse("workspace:bulk"), data)


def test_bulk_tagging_and_untagging_selected_rows(analyst):
    first, second = ArticleFactory(tlp="green"), ArticleFactory(tlp="green")
    client = signed_in(analyst)
    response = bulk(client, "tag", [first.pk, second.pk], "brief {candidate}")
    assert response.status_code == 303 and response["Location"] == "/articles/"
    assert tag_names(first) == tag_names(second) == ["brief {candidate}"]
    assert "Tagged 2 articles “brief {candidate}”." in client.get("/articles/").content.decode()
    bulk(client, "untag", [first.pk], "BRIEF {candidate}")
    assert tag_names(first) == [] and tag_names(second) == ["brief {candidate}"]


def test_bulk_tagging_refuses_a_hidden_article_or_a_bad_name_and_writes_nothing(make_user):
    green = signed_in(make_user("green"))
    visible, hidden = ArticleFactory(tlp="green"), ArticleFactory(tlp="amber")
    assert bulk(green, "tag", [visible.pk, hidden.pk], "x").status_code == 404
    assert tag_names(visible) == tag_names(hidden) == []
    bulk(green, "tag", [visible.pk], "tlp:red")
    assert tag_names(visible) == [] and "TLP is the article" in green.get("/articles/").content.decode()


def test_the_bulk_tag_field_is_offered_only_to_people_who_may_tag(analyst, db):
    from accounts.models import User

    ArticleFactory(tlp="green")
    assert 'id="bulk-tag"' in signed_in(analyst).get("/articles/").content.decode()
    reader = User.objects.create_user("plainreader", clearance="green")
    assert 'id="bulk-tag"' not in signed_in(reader).get("/articles/").content.decode()
    assert bulk(signed_in(reader), "tag", [ArticleFactory(tlp="green").pk], "x").status_code == 403
