"""API tokens: hashed at rest, shown once, revoked or expired tokens refused with one message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from api.models import ApiToken
from api.tokens import issue_token, revoke_token
from audit.models import AuditEvent

ME = "/api/v1/me/"


def bearer(plain: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


@pytest.fixture
def token_of(db):
    def make(user, scope="read", expires_at=None):
        return issue_token(user, name="script", scope=scope, expires_at=expires_at)

    return make


def test_only_a_hash_and_the_prefix_are_stored(analyst, token_of):
    token, plain = token_of(analyst)
    stored = ApiToken.objects.get(pk=token.pk)
    assert plain.startswith(stored.display_prefix + "_")
    assert plain not in str(stored.__dict__)
    assert len(stored.key_hash) == 64


def test_a_token_authenticates_as_its_user_with_bearer_or_token(client, analyst, token_of):
    _, plain = token_of(analyst)
    for keyword in ("Bearer", "Token"):
        response = client.get(ME, HTTP_AUTHORIZATION=f"{keyword} {plain}")
        assert response.status_code == 200
        assert response.json()["username"] == "analyst"
        assert response.json()["token"]["scope"] == "read"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("state", ["revoked", "expired", "wrong-secret", "garbage", "inactive-user", "none"])
def test_an_unusable_token_gets_401_with_one_message(client, analyst, token_of, state):
    token, plain = token_of(analyst)
    if state == "revoked":
        revoke_token(token, by=analyst)
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif state == "wrong-secret":
        plain = plain[:-4] + ("AAAA" if not plain.endswith("AAAA") else "BBBB")
    elif state == "garbage":
        plain = "not-a-token"
    elif state == "inactive-user":
        analyst.is_active = False
        analyst.save()
    headers = {} if state == "none" else bearer(plain)
    response = client.get(ME, **headers)
    assert response.status_code == 401
    if state != "none":
        assert response.json() == {"detail": "Invalid or expired token."}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_last_used_is_written_at_most_once_a_minute(client, analyst, token_of, django_assert_num_queries):
    token, plain = token_of(analyst)
    client.get(ME, **bearer(plain))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get(ME, **bearer(plain))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    client.get(ME, **bearer(plain))
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - dt.timedelta(minutes=2)


def test_creating_and_revoking_are_audited(analyst, admin_user, token_of):
    token, _ = token_of(analyst)
    assert revoke_token(token, by=admin_user)
    assert not revoke_token(token, by=admin_user)
    actions = list(AuditEvent.objects.filter(object_type="api.apitoken").values_list("action", flat=True))
    assert sorted(actions) == ["api.token_create", "api.token_revoke"]
