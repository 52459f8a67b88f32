"""Token scopes: a read token may only read; writing needs a read-write token.

A signed-in browser session (the docs pages) counts as read-only: the portal's own pages
are where people change things by hand.
"""

from __future__ import annotations

from rest_framework import permissions

from api.models import ApiToken


class TokenScopePermission(permissions.BasePermission):
    message = "This token is read-only; writing needs a read-write token."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        return isinstance(token, ApiToken) and token.can_write


class ReadWriteToken(TokenScopePermission):
    """For views that write even on GET-less actions: always needs a read-write token."""

    def has_permission(self, request, view) -> bool:
        token = request.auth
        return isinstance(token, ApiToken) and token.can_write
