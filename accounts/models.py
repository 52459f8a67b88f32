from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property

from articles.tlp import TLP


class Role(models.TextChoices):
    ANALYST = "analyst", "Analyst"
    EDITOR = "editor", "Editor"
    ADMIN = "admin", "Admin"


# Group names, one per role; created by a data migration.
ROLE_GROUPS: dict[str, str] = {Role.ANALYST: "Analyst", Role.EDITOR: "Editor", Role.ADMIN: "Admin"}
# What each role's group may do beyond reading ("app_label.codename").
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ANALYST: [],
    Role.EDITOR: ["articles.reenrich_article"],
    Role.ADMIN: ["articles.reenrich_article"],
}


class User(AbstractUser):
    """A portal user. ``clearance`` is the highest TLP label they may read.

    RED needs more than clearance: an explicit grant per article.
    """

    clearance = models.CharField(
        max_length=16,
        choices=TLP.choices,
        default=TLP.CLEAR,
        help_text="Highest TLP label this person may read. RED also needs a grant per article.",
    )

    @property
    def may_work_on_articles(self) -> bool:
        """Analysts, editors and admins tag, note, relabel and correct; an account with no
        role only reads."""
        return self.is_active and (self.is_superuser or self.role is not None)

    @cached_property
    def role(self) -> str | None:
        """The highest role of the user's groups. Read once per instance (a request's user
        is a fresh instance): several blocks of one page ask, and each asking was a query."""
        names = {g.name for g in self.groups.all()}
        for role in (Role.ADMIN, Role.EDITOR, Role.ANALYST):
            if ROLE_GROUPS[role] in names:
                return role
        return None
