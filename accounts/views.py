"""The sign-in page: Django's, with a ``next`` that can never lead back to signing in."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from django.contrib.auth import views as auth_views
from django.urls import Resolver404, resolve

# Sending a signed-in person "next" to one of these pages would loop (sign-in pages send
# them on again) or end on an error (sign-out answers only POST).
NOT_A_DESTINATION = {"login", "logout", "admin:login", "admin:logout"}


def is_sign_in_or_out_page(url: str) -> bool:
    try:
        match = resolve(unquote(urlsplit(url).path))
    except Resolver404:
        return False
    return match.view_name in NOT_A_DESTINATION


class PortalLoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        """The safe ``next`` URL, or "" (the landing page) when it is unsafe or a sign-in/out page."""
        redirect_to = super().get_redirect_url()
        if redirect_to and is_sign_in_or_out_page(redirect_to):
            return ""
        return redirect_to
