"""Who may see which brief: one rule for readers, one for editors.

A reader may read a published brief when its label is within their clearance **and** they
may read, now, every article it cites (``Article.objects.visible_to``): a RED brief needs
the RED grants of its articles, and an article relabelled above the reader since
publication takes the brief away from them too. Pages, the Markdown download, e-mail at
send time and the Atom feeds all ask ``readable_by``.

An editor works on a draft or a brief in review when its label is within their clearance
and they may read every article in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q

from articles.tlp import TLP, labels_up_to

if TYPE_CHECKING:
    from accounts.models import User


def may_edit_briefs(user) -> bool:
    """Editors and admins assemble, review and send briefs."""
    from accounts.models import Role

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in (Role.EDITOR, Role.ADMIN)


def _labels(user: User) -> Q:
    allowed = Q(tlp__in=labels_up_to(user.clearance))
    if user.clearance == TLP.RED:
        allowed |= Q(tlp=TLP.RED)  # and every RED article's grant: the Exists below
    return allowed


def _unreadable(user: User, through) -> Exists:
    """Whether a row of ``through`` (citations or items) names an article ``user`` cannot read."""
    from articles.models import Article

    readable = Article.objects.visible_to(user).filter(pk=OuterRef("article_id"))
    return Exists(through.objects.filter(brief=OuterRef("pk")).exclude(Exists(readable)))


class BriefQuerySet(models.QuerySet):
    def published(self) -> BriefQuerySet:
        return self.filter(status="published")

    def readable_by(self, user: User | None) -> BriefQuerySet:
        """Published briefs ``user`` may read now (module docstring)."""
        from briefs.publication_models import PublishedCitation

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.published().filter(_labels(user)).exclude(_unreadable(user, PublishedCitation))

    def workable_by(self, user: User | None) -> BriefQuerySet:
        """Briefs ``user`` may open in the assembly page: any status, for editors cleared
        for the brief and every article in it."""
        from briefs.models import BriefItem

        if not may_edit_briefs(user):
            return self.none()
        return self.filter(_labels(user)).exclude(_unreadable(user, BriefItem))

    def public(self) -> BriefQuerySet:
        """Published TLP:CLEAR briefs made entirely of CLEAR articles, as published and now."""
        from briefs.publication_models import PublishedCitation

        not_clear = PublishedCitation.objects.filter(brief=OuterRef("pk")).exclude(article__tlp=TLP.CLEAR)
        return (
            self.published()
            .filter(tlp=TLP.CLEAR, snapshot__tlp=TLP.CLEAR, snapshot__all_clear=True)
            .exclude(Exists(not_clear))
        )
