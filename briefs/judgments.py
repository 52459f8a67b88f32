"""Key judgments of a draft brief: numbered, each with a confidence level and the items
that support it. The same rules as every assembly change (``briefs.composition``): the
page's version is claimed first, and only drafts change."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max

from briefs.composition import BriefError, claim_version
from briefs.models import Brief, BriefItem, Confidence, KeyJudgment


def _supporting(brief: Brief, item_ids: Iterable[int]) -> list[BriefItem]:
    return list(brief.items.filter(pk__in=list(item_ids)))


def add_judgment(
    brief: Brief, user, version: int, text: str, confidence: str, item_ids: Iterable[int]
) -> str:
    text = text.strip()
    if not text:
        raise BriefError("Type the key judgment.")
    if confidence not in Confidence.values:
        raise BriefError("Choose a confidence level.")
    with transaction.atomic():
        claim_version(brief, user, version)
        last = brief.judgments.aggregate(m=Max("number"))["m"] or 0
        judgment = KeyJudgment.objects.create(brief=brief, number=last + 1, text=text, confidence=confidence)
        judgment.supported_by.set(_supporting(brief, item_ids))
    return f"Added key judgment {judgment.number}."


def edit_judgment(
    brief: Brief, user, version: int, judgment_id: int, text: str, confidence: str, item_ids: Iterable[int]
) -> str:
    text = text.strip()
    if not text:
        raise BriefError("A key judgment cannot be empty; remove it instead.")
    if confidence not in Confidence.values:
        raise BriefError("Choose a confidence level.")
    with transaction.atomic():
        claim_version(brief, user, version)
        judgment = brief.judgments.filter(pk=judgment_id).first()
        if judgment is None:
            raise BriefError("That key judgment is no longer in this brief.")
        judgment.text, judgment.confidence = text, confidence
        judgment.save(update_fields=["text", "confidence"])
        judgment.supported_by.set(_supporting(brief, item_ids))
    return f"Saved key judgment {judgment.number}."


def remove_judgment(brief: Brief, user, version: int, judgment_id: int) -> str:
    with transaction.atomic():
        claim_version(brief, user, version)
        deleted, _ = brief.judgments.filter(pk=judgment_id).delete()
        if not deleted:
            raise BriefError("That key judgment is no longer in this brief.")
        for number, judgment in enumerate(brief.judgments.all(), start=1):
            if judgment.number != number:
                KeyJudgment.objects.filter(pk=judgment.pk).update(number=number)
    return "Removed the key judgment; the others were renumbered."
