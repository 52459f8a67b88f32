"""API tokens in the admin: who has which, when each was last used; admins revoke any.

The admin never shows the stored hash, and cannot create a token (a token is created by
its own user, who alone sees it once) or edit one.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest

from api.models import ApiToken
from api.tokens import revoke_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "display_prefix",
        "scope",
        "created_at",
        "last_used_at",
        "expires_at",
        "status",
    )
    list_filter = ("scope", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)
    fields = (
        "user",
        "name",
        "display_prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    )
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description="token starts")
    def display_prefix(self, token: ApiToken) -> str:
        return f"{token.display_prefix}…"

    @admin.display(description="status")
    def status(self, token: ApiToken) -> str:
        return token.status

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # revoke instead: the row stays, for the audit trail and the owner's list

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset) -> None:
        revoked = sum(
            revoke_token(token, by=request.user, request=request) for token in queryset.select_related("user")
        )
        messages.success(request, f"{revoked} token{'s' if revoked != 1 else ''} revoked.")
