"""Changes to who may read an article: its TLP label and its RED grants.

One place checks, changes and records them (the admin calls it). Nobody grants an
article to themselves, whatever its label (a grant on an AMBER article becomes a RED
grant the day the label is raised): another admin must. Every change is an audit
event tied to the article, with before → after.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from articles.models import Article, ArticleGrant
from articles.tlp import TLP, TLP_ORDER, rank
from audit.actions import Action
from audit.services import record


class RelabelDenied(PermissionDenied):
    """A TLP change from the article page that this person may not make (the message says why)."""


# RED is set in the admin, where the grants that make a RED article readable are managed.
PAGE_LABELS = [label for label in TLP_ORDER if label != TLP.RED]


def may_lower_tlp(user) -> bool:
    """Lowering a label widens who reads the article: an editor's (or an admin's) decision."""
    from accounts.models import Role

    return user.is_superuser or user.role in {Role.EDITOR, Role.ADMIN}


def check_may_relabel(user, old: str, new: str) -> None:
    """Raise ``RelabelDenied`` unless ``user`` may move an article from ``old`` to ``new`` on
    its page: anyone who reads it may raise it up to their own clearance (never to RED);
    only editors and admins may lower it."""
    if not user.may_work_on_articles:
        raise RelabelDenied("Your account may read but not relabel articles.")
    if new not in PAGE_LABELS:
        raise RelabelDenied("RED is set in the admin, together with who may read the article.")
    if old == TLP.RED:
        raise RelabelDenied("A RED article is relabelled in the admin.")
    if rank(new) > rank(user.clearance):
        raise RelabelDenied("You can raise the label only up to your own clearance.")
    if rank(new) < rank(old) and not may_lower_tlp(user):
        raise RelabelDenied("Only an editor can lower an article's TLP.")


def relabel_choices(user, current: str) -> list[str]:
    """The labels ``user`` may pick for an article labelled ``current`` (current first in order)."""
    choices = []
    for label in PAGE_LABELS:
        try:
            check_may_relabel(user, current, label)
        except RelabelDenied:
            if label != current:
                continue
        choices.append(label)
    return choices


class SelfGrantError(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("You cannot grant yourself an article; another admin must.")


def check_may_grant(user, *, by) -> None:
    """Raise ``SelfGrantError`` when ``by`` would be granting ``user`` = themselves."""
    if user.pk == by.pk:
        raise SelfGrantError


@transaction.atomic
def grant(article: Article, user, *, by, request: HttpRequest | None = None) -> ArticleGrant:
    """Let ``user`` read ``article`` when it is RED; recorded as GRANT_RED."""
    check_may_grant(user, by=by)
    article_grant, created = ArticleGrant.objects.get_or_create(
        article=article, user=user, defaults={"granted_by": by}
    )
    if created:
        record(
            Action.GRANT_RED,
            request=request,
            actor=by,
            obj=article,
            before={"user": user.get_username(), "granted": False},
            after={"user": user.get_username(), "granted": True},
        )
    return article_grant


@transaction.atomic
def revoke(article_grant: ArticleGrant, *, by, request: HttpRequest | None = None) -> None:
    """Take a grant back (anyone may give up their own); recorded as REVOKE_RED."""
    username = article_grant.user.get_username()
    article = article_grant.article
    deleted, _ = ArticleGrant.objects.filter(pk=article_grant.pk).delete()
    if deleted:
        record(
            Action.REVOKE_RED,
            request=request,
            actor=by,
            obj=article,
            before={"user": username, "granted": True},
            after={"user": username, "granted": False},
        )


@transaction.atomic
def change_tlp(article: Article, tlp: str, *, by, request: HttpRequest | None = None) -> bool:
    """Relabel ``article``; recorded as TLP with the old and new label. False if unchanged."""
    if tlp not in TLP.values:
        raise ValueError(f"{tlp!r} is not a TLP label; use one of: {', '.join(TLP.values)}")
    old = Article.objects.select_for_update().values_list("tlp", flat=True).get(pk=article.pk)
    article.tlp = tlp
    if old == tlp:
        return False
    Article.objects.filter(pk=article.pk).update(tlp=tlp)
    record(Action.TLP, request=request, actor=by, obj=article, before={"tlp": old}, after={"tlp": tlp})
    return True


@transaction.atomic
def relabel_from_page(article: Article, tlp: str, *, by, request: HttpRequest | None = None) -> bool:
    """A reader's TLP change from the article page: checked against the label as it is now
    (locked, so two changes cannot both pass the check), then made by :func:`change_tlp`."""
    old = Article.objects.select_for_update().values_list("tlp", flat=True).get(pk=article.pk)
    check_may_relabel(by, old, tlp)
    return change_tlp(article, tlp, by=by, request=request)
