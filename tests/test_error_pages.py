"""Our own error pages in every mode, and a favicon anyone can fetch."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

OUR_404 = "There is nothing here, or nothing you can see."
DJANGO_TECHNICAL_404 = ("URLconf", "Django tried these URL patterns", "DEBUG = True")


@pytest.mark.parametrize("debug", [True, False])
def test_a_hidden_article_shows_our_404_page_not_djangos_url_listing(settings, login, make_user, debug):
    settings.DEBUG = debug
    hidden = ArticleFactory(tlp="red")
    response = login(make_user("green")).get(hidden.get_absolute_url())
    assert response.status_code == 404
    body = response.content.decode()
    assert OUR_404 in body
    assert not [marker for marker in DJANGO_TECHNICAL_404 if marker in body]


def test_a_missing_article_and_a_missing_author_show_our_404_page_with_debug_on(settings, login, analyst):
    settings.DEBUG = True
    client = login(analyst)
    for address in ("/articles/999999/", "/authors/nobody-by-that-name/"):
        response = client.get(address)
        assert response.status_code == 404
        assert OUR_404 in response.content.decode(), address


def test_the_favicon_is_served_without_a_login():
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("img/favicon.svg")
    assert finders.find("img/favicon.svg"), "static/img/favicon.svg is missing"


def test_the_favicon_file_itself_is_public(settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from static/ without collectstatic
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get(Client().get("/favicon.ico")["Location"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")


def test_pages_point_browsers_at_the_favicon(login, analyst):
    assert 'rel="icon" href="/static/img/favicon.svg"' in login(analyst).get("/articles/").content.decode()


def test_a_form_sent_without_a_valid_token_gets_our_403_page_which_needs_no_inline_style():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "This form has expired" in body
    assert "<style" not in body  # Django's own page styles itself inline, which the CSP blocks


def test_a_request_for_another_host_gets_our_400_page():
    response = Client(HTTP_HOST="evil.example").get("/accounts/login/")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Bad request" in body
    assert "<style" not in body
