"""Rate limits per token (API_REQUESTS_PER_MINUTE, docs/settings.md).

Each token has its own bucket, keyed by its prefix (random, and never reused the way a row
id can be); a browser session's bucket is its user's. Counters live in Django's cache, so
web processes count together only when they share a cache (docs/api.md, "Rate limits").
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_rate(self) -> str:
        # Read at each request rather than once at import, so the setting is the one place.
        return f"{settings.API_REQUESTS_PER_MINUTE}/min"

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.prefix}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
