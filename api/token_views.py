"""The settings page for personal API tokens: create (the token is shown once), list, revoke.

Everyone signed in may have tokens: a token reads only what its user may read, at the
moment of each request. Creating and revoking go through ``api.tokens`` (audited).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from api.models import ApiToken
from api.token_forms import TokenForm
from api.tokens import issue_token, revoke_token

MAX_ACTIVE_TOKENS = 20


def _page(
    request: HttpRequest, form: TokenForm, *, created=None, secret: str = "", status: int = 200
) -> HttpResponse:
    tokens = list(ApiToken.objects.filter(user=request.user))
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "created": created,
            "secret": secret,
            "max_tokens": MAX_ACTIVE_TOKENS,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if form.is_valid():
        active = ApiToken.objects.filter(user=request.user).usable().count()
        if active >= MAX_ACTIVE_TOKENS:
            form.add_error(
                None, f"You have {MAX_ACTIVE_TOKENS} active tokens, the most there can be: revoke one first."
            )
        else:
            token, secret = issue_token(
                request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
                request=request,
            )
            # Rendered, not redirected: the secret exists only in this response (never stored,
            # never in a session or a URL), and the page is never cached (no-store).
            return _page(request, TokenForm(), created=token, secret=secret)
    return _page(request, form, status=400)


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404("no such token")
    if revoke_token(token, by=request.user, request=request):
        messages.success(
            request, f"Token “{token.name}” ({token.display_prefix}…) is revoked: it no longer works."
        )
    return redirect("api_tokens:list")
