"""The API token settings page, the admin's token list, and the API reference page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.tokens import issue_token
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PAGE = "/settings/api-tokens/"


def test_a_new_token_is_shown_once_and_works(client, make_user):
    user = make_user("amber")
    client.force_login(user)
    response = client.post(PAGE, {"name": "SIEM lookup", "scope": "read-write", "expires_on": ""})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    secret = response.context["secret"]
    assert secret.startswith(token.display_prefix + "_")
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    again = client.get(PAGE).content.decode()
    assert secret not in again and token.display_prefix in again and "SIEM lookup" in again
    me = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.json()["token"]["scope"] == "read-write"


def test_an_expiry_day_ends_the_token_at_the_end_of_that_day(client, make_user):
    client.force_login(make_user("amber"))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client.post(PAGE, {"name": "short", "scope": "read", "expires_on": tomorrow.isoformat()})
    token = ApiToken.objects.get()
    assert timezone.localtime(token.expires_at).date() == tomorrow + dt.timedelta(days=1)
    assert timezone.localtime(token.expires_at).time() == dt.time.min


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": " ", "scope": "read"}, "name"),
        ({"name": "x", "scope": "admin"}, "scope"),
        ({"name": "x", "scope": "read", "expires_on": "2001-01-01"}, "expires_on"),
        ({"name": "x", "scope": "read", "expires_on": "2999-01-01"}, "expires_on"),
    ],
)
def test_a_bad_form_says_what_is_wrong_and_creates_nothing(client, make_user, data, field):
    client.force_login(make_user("amber"))
    response = client.post(PAGE, data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_page_needs_a_login_and_the_form_a_csrf_token(make_user):
    anonymous = Client()
    assert anonymous.get(PAGE).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("amber"))
    assert strict.post(PAGE, {"name": "x", "scope": "read"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token_and_only_the_owner_can(client, make_user):
    owner, other = make_user("amber"), make_user("amber")
    token, secret = issue_token(owner, name="mine")
    client.force_login(other)
    assert client.post(f"{PAGE}{token.pk}/revoke/").status_code == 404
    client.force_login(owner)
    response = client.post(f"{PAGE}{token.pk}/revoke/", follow=True)
    assert "no longer works" in response.content.decode()
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoke", actor=owner).count() == 1


def test_the_admin_lists_tokens_without_their_hash_and_revokes_any(client, make_user, admin_user):
    token, secret = issue_token(make_user("amber", username="someone"), name="feed puller")
    client.force_login(admin_user)
    listing = client.get("/admin/api/apitoken/").content.decode()
    assert "feed puller" in listing and token.display_prefix in listing and "someone" in listing
    detail = client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert token.key_hash not in listing + detail and secret not in listing + detail
    assert client.get("/admin/api/apitoken/add/").status_code == 403
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == admin_user
    assert AuditEvent.objects.filter(action="api.token_revoke", actor=admin_user).count() == 1


def test_the_reference_page_lists_every_endpoint(client, make_user):
    client.force_login(make_user("clear"))
    page = client.get("/api/v1/docs/").content.decode()
    for endpoint in [
        "/api/v1/articles/",
        "/api/v1/articles/{id}/tags/",
        "/api/v1/indicators/",
        "/api/v1/briefs/{id}/",
    ]:
        assert f"GET {endpoint}" in page or f"POST {endpoint}" in page
    assert "Needs a read-write token." in page
    assert Client().get("/api/v1/docs/").status_code == 302


def test_the_schema_is_valid_openapi(make_user):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_schema_needs_a_sign_in_or_a_token(make_user):
    assert Client().get("/api/v1/schema/").status_code == 401
    _, secret = issue_token(make_user("clear"), name="x")
    assert Client().get("/api/v1/schema/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
