"""The sign-in page's ``next``: never back to a sign-in or sign-out page, never off-site;
signing out only by POST."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LANDING = "/"  # the dashboard
NOT_DESTINATIONS = [
    "/accounts/login/",
    "/accounts/login/?next=/accounts/login/",
    "/accounts/%6Cogin/",
    "/accounts/logout/",
    "/admin/login/",
    "/admin/logout/",
    "https://evil.example/articles/",
    "//evil.example/",
]


@pytest.mark.parametrize("next_url", NOT_DESTINATIONS)
def test_a_signed_in_reader_sent_to_a_sign_in_page_lands_on_the_dashboard(client, analyst, next_url):
    client.force_login(analyst)
    response = client.get(reverse("login"), {"next": next_url})
    assert (response.status_code, response["Location"]) == (302, LANDING)


@pytest.mark.parametrize("next_url", NOT_DESTINATIONS)
def test_signing_in_with_such_a_next_lands_on_the_dashboard(client, analyst, next_url):
    response = client.post(reverse("login"), {"username": "analyst", "password": PASSWORD, "next": next_url})
    assert (response.status_code, response["Location"]) == (302, LANDING)


def test_a_next_inside_the_portal_is_still_followed(client, analyst):
    response = client.post(
        reverse("login"), {"username": "analyst", "password": PASSWORD, "next": "/articles/?q=lazarus"}
    )
    assert response["Location"] == "/articles/?q=lazarus"
    client.force_login(analyst)
    assert client.get(reverse("login"), {"next": "/articles/?q=x"})["Location"] == "/articles/?q=x"


def test_the_sign_in_form_keeps_only_a_usable_next(client):
    page = client.get(reverse("login"), {"next": "/accounts/login/"}).content.decode()
    assert 'name="next" value=""' in page
    page = client.get(reverse("login"), {"next": "/articles/"}).content.decode()
    assert 'name="next" value="/articles/"' in page


def test_signing_out_needs_a_post(client, analyst):
    client.force_login(analyst)
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"))
    assert (response.status_code, response["Location"]) == (302, reverse("login"))
    assert "_auth_user_id" not in client.session
