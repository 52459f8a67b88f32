"""Project-level views that belong to no app."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever the page says; send them to the static icon.

    Resolved per request, not at import: with the manifest storage the hashed name is only
    known once collectstatic has run.
    """
    return HttpResponseRedirect(static("img/favicon.svg"))
