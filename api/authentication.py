"""DRF authentication by personal API token: ``Authorization: Bearer <token>`` (or ``Token <token>``).

Every failure — unknown, malformed, revoked, expired, or the user deactivated — gets the same
message, so a response never tells which tokens exist.
"""

from __future__ import annotations

from rest_framework import authentication, exceptions

from api.tokens import find_usable_token, touch

KEYWORDS = ("bearer", "token")
INVALID = "Invalid or expired token."


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None  # no token: let session authentication (the docs pages) try
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(INVALID)
        try:
            plain = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID) from None
        token = find_usable_token(plain)
        if token is None:
            raise exceptions.AuthenticationFailed(INVALID)
        touch(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (with this challenge) rather than 403 when no credentials came.
        return 'Bearer realm="api"'
