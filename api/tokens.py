"""Issuing, checking and revoking API tokens: the one place each of these happens.

The settings page, the admin and tests call these; each writes its audit event.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from api.models import TOKEN_PREFIX, ApiToken, TokenScope, hash_token
from audit.actions import Action
from audit.services import record

# last_used_at is written at most this often per token (not on every request).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def issue_token(
    user,
    *,
    name: str,
    scope: str = TokenScope.READ,
    expires_at: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it and the secret token string (shown once)."""
    with transaction.atomic():
        while True:
            prefix = secrets.token_hex(4)
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        plain = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            key_hash=hash_token(plain),
            scope=scope,
            expires_at=expires_at,
        )
        record(
            Action.API_TOKEN_CREATE,
            request=request,
            actor=None if request is not None else user,
            obj=token,
            after={
                "user": user.get_username(),
                "prefix": token.display_prefix,
                "scope": scope,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
    return token, plain


def split_token(plain: str) -> str | None:
    """The lookup prefix of a token string, or None when it does not look like one of ours."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    prefix, sep, secret = plain[len(TOKEN_PREFIX) :].partition("_")
    if not sep or not secret or len(prefix) != 8:
        return None
    return prefix


def find_usable_token(plain: str) -> ApiToken | None:
    """The usable token (not revoked, not expired, its user active) ``plain`` is, or None.

    The user is fetched fresh with the token on every request, so a changed clearance,
    grant or deactivation applies to the very next request.
    """
    prefix = split_token(plain)
    if prefix is None:
        return None
    token = ApiToken.objects.usable().select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.key_hash, hash_token(plain)):
        return None
    if not token.user.is_active:
        return None
    return token


def touch(token: ApiToken, now: dt.datetime | None = None) -> None:
    """Record that ``token`` was used, at most once per LAST_USED_RESOLUTION (one UPDATE a
    minute per token, not one per request; the conditional UPDATE keeps concurrent requests
    from writing it twice)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    from django.db.models import Q

    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def revoke_token(token: ApiToken, *, by, request: HttpRequest | None = None) -> bool:
    """Revoke ``token`` (by its owner or an admin). False when it was already revoked."""
    now = timezone.now()
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by
    )
    if not changed:
        return False
    token.revoked_at, token.revoked_by = now, by
    record(
        Action.API_TOKEN_REVOKE,
        request=request,
        actor=by,
        obj=token,
        after={"user": token.user.get_username(), "prefix": token.display_prefix},
    )
    return True
