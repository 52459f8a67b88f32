"""Admin pieces that keep the visibility rule inside the Django admin too.

Being staff does not bypass TLP: admin pages must not reveal, through a delete
confirmation or a list of tags, entities or indicators, anything about articles
the admin may not read.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from articles.models import Article


class HiddenArticlesDeletionMixin:
    """Deleting a source, author or tag must not list article titles the admin cannot read.

    Django's confirmation page names every related object; articles are summarised
    instead, so a low-clearance admin never sees a RED title there.
    """

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            protected = [
                "articles (move or delete them first; only articles you may read are shown in lists)"
            ]
        deleted = [item for item in deleted if not isinstance(item, list)]
        counts.pop(Article._meta.verbose_name_plural, None)
        return deleted, counts, perms_needed, protected


def seen_or_unused(queryset: QuerySet, link_model, field: str, user) -> QuerySet:
    """Rows linked to an article ``user`` may read, or linked to no article at all."""
    readable = link_model.objects.filter(
        **{field: OuterRef("pk")}, article__in=Article.objects.visible_to(user)
    )
    linked = link_model.objects.filter(**{field: OuterRef("pk")})
    return queryset.filter(Exists(readable) | ~Exists(linked))
