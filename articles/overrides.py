"""People's corrections: one place that checks, changes and records them.

Enrichment proposes a classification; a person may correct it. Each correction
is recorded (who, when, old → new) and wins over every later re-enrichment.
Removing a tag that an enricher or a feed added records a suppression, so the
tag does not come back on the next run.
"""

from __future__ import annotations

from django.db import transaction

from articles.enrichment.vocabulary import CATEGORIES, INTEL_LEVELS, PRIORITIES
from articles.models import CLASSIFICATION_FIELDS, Article, ArticleTag, ClassificationOverride, SuppressedTag
from audit.actions import Action
from audit.services import record

ALLOWED_VALUES = {
    "category": {value for value, _ in CATEGORIES},
    "intel_level": {value for value, _ in INTEL_LEVELS},
    "priority": {value for value, _ in PRIORITIES},
}


@transaction.atomic
def override_classification(
    article: Article, changes: dict[str, str], user, request=None
) -> list[ClassificationOverride]:
    """Apply ``changes`` ({field: new value}); returns the overrides recorded (unchanged fields skip).

    Each correction is kept as a ``ClassificationOverride`` (which re-enrichment obeys) and
    as one audit event with every changed field's old and new value."""
    recorded = []
    current = Article.objects.select_for_update().get(pk=article.pk)
    for field, value in changes.items():
        if field not in CLASSIFICATION_FIELDS:
            raise ValueError(f"{field!r} cannot be overridden")
        if value not in ALLOWED_VALUES[field]:
            raise ValueError(f"{value!r} is not a valid {field.replace('_', ' ')}")
        old = getattr(current, field)
        if old == value:
            continue
        recorded.append(
            ClassificationOverride.objects.create(
                article=current, field=field, old_value=old, new_value=value, user=user
            )
        )
        setattr(current, field, value)
    if recorded:
        Article.objects.filter(pk=current.pk).update(**{o.field: o.new_value for o in recorded})
        record(
            Action.CLASSIFICATION,
            request=request,
            actor=user,
            obj=current,
            before={o.field: o.old_value for o in recorded},
            after={o.field: o.new_value for o in recorded},
        )
    return recorded


@transaction.atomic
def remove_tag(link: ArticleTag, user) -> None:
    """Delete a tag from an article; an automatic tag is also kept from coming back."""
    if link.added_by_enricher:
        SuppressedTag.objects.get_or_create(
            article_id=link.article_id, tag_id=link.tag_id, defaults={"user": user}
        )
    link.delete()
