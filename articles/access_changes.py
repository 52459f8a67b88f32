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
from articles.tlp import TLP
from audit.actions import Action
from audit.services import record


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
