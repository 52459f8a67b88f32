"""The names of audited actions: one vocabulary, so the admin can filter by it."""

from __future__ import annotations

from django.db import models


class Action(models.TextChoices):
    LOGIN = "auth.login", "signed in"
    LOGIN_FAILED = "auth.login_failed", "sign-in failed"
    LOCKOUT = "auth.lockout", "locked out"
    UNLOCK = "auth.unlock", "unlocked"
    LOGOUT = "auth.logout", "signed out"
    CLEARANCE = "user.clearance", "clearance changed"
    GROUPS = "user.groups", "groups changed"
    USER_FLAGS = "user.flags", "staff/superuser/active changed"
    PASSWORD = "user.password", "password set by an admin"
    USER_PERMISSIONS = "user.permissions", "permissions changed"
    GRANT_RED = "grant.add", "RED grant given"
    REVOKE_RED = "grant.remove", "RED grant removed"
    TLP = "article.tlp", "TLP changed"
    CLASSIFICATION = "article.classification", "classification corrected"
    TAG_ADD = "article.tag_add", "tag added"
    TAG_REMOVE = "article.tag_remove", "tag removed"
    REENRICH = "article.reenrich", "re-enrichment queued"
    SOURCE_CREATE = "source.create", "source created"
    SOURCE_EDIT = "source.edit", "source edited"
    SOURCE_ENABLE = "source.enable", "source enabled"
    SOURCE_DISABLE = "source.disable", "source disabled"
    SOURCE_POLL = "source.poll", "source polled"
    SOURCE_DELETE = "source.delete", "source deleted"
    BRIEF = "brief.transition", "brief status changed"
    BRIEF_CREATE = "brief.create", "brief started"
    BRIEF_SEND = "brief.send", "brief sent by e-mail"
    BRIEF_TLP = "brief.tlp", "brief's TLP changed"
    API_TOKEN_CREATE = "api.token_create", "API token created"
    API_TOKEN_REVOKE = "api.token_revoke", "API token revoked"
