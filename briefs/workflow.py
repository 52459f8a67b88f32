"""A brief's status: draft → in review → published, and a correction as a new revision.

One function per transition. Each checks who may do it, moves the status with one
conditional UPDATE (on the status it expects and, where an editor's page sent it, the
version), and writes the audit event (``brief.transition``, before → after) in the same
transaction. Nobody approves a brief they worked on (is among its editors): a second
editor or an admin does — the four-eyes rule.

Publishing freezes the snapshot (``briefs.snapshot``) and the list of articles it cites,
from the articles as the approver may read them at that moment.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from articles.models import Article
from articles.tlp import TLP
from audit.actions import Action
from audit.services import record
from briefs import snapshot
from briefs.composition import BriefConflict, BriefError, recompute_tlp
from briefs.models import Brief, BriefItem, BriefSection, KeyJudgment, Status
from briefs.publication_models import PublishedCitation, PublishedSnapshot
from briefs.querysets import may_edit_briefs


def _move(
    brief: Brief, user, *, expected: str, to: str, version: int | None, request, detail: str = "", **fields
):
    if not may_edit_briefs(user):
        raise BriefError("Only editors and admins change a brief's status.")
    rows = Brief.objects.filter(pk=brief.pk, status=expected)
    if version is not None:
        rows = rows.filter(version=version)
    moved = rows.update(status=to, version=F("version") + 1, updated_at=timezone.now(), **fields)
    if not moved:
        current = Brief.objects.filter(pk=brief.pk).values_list("status", flat=True).first()
        if current != expected:
            raise BriefConflict(
                f"This brief is {Status(current).label.lower() if current else 'gone'}, not "
                f"{Status(expected).label.lower()}: someone else moved it. Nothing was changed."
            )
        raise BriefConflict(
            "Another editor changed this brief after you opened it. Nothing was changed; check it again."
        )
    record(
        Action.BRIEF,
        request=request,
        actor=user,
        obj=brief,
        before={"status": expected},
        after={"status": to},
        detail=detail,
    )
    brief.refresh_from_db()
    return brief


def submit_for_review(brief: Brief, user, version: int, *, request=None) -> Brief:
    if not brief.items.exists():
        raise BriefError("Add at least one item before sending the brief for review.")
    with transaction.atomic():
        brief.editors.add(user)
        return _move(
            brief,
            user,
            expected=Status.DRAFT,
            to=Status.IN_REVIEW,
            version=version,
            request=request,
            submitted_by=user,
        )


def return_to_draft(brief: Brief, user, *, reason: str = "", request=None) -> Brief:
    with transaction.atomic():
        return _move(
            brief,
            user,
            expected=Status.IN_REVIEW,
            to=Status.DRAFT,
            version=None,
            request=request,
            detail=reason.strip()[:2000],
        )


def may_approve(brief: Brief, user) -> bool:
    """Editors and admins approve briefs they did not work on."""
    return may_edit_briefs(user) and not brief.editors.filter(pk=user.pk).exists()


def publish(brief: Brief, user, version: int | None = None, *, request=None) -> Brief:
    """Approve a brief in review: compute its label afresh, freeze the snapshot, publish."""
    if not may_edit_briefs(user):
        raise BriefError("Only editors and admins publish briefs.")
    if not may_approve(brief, user):
        raise BriefError(
            "You worked on this brief, so you cannot approve it: a second editor or an admin must publish it."
        )
    with transaction.atomic():
        recompute_tlp(brief, user)
        data, cited = snapshot.build(brief, user)
        readable = Article.objects.visible_to(user).filter(pk__in=cited)
        labels = set(readable.values_list("tlp", flat=True))
        if readable.count() != len(cited):
            raise BriefError("You may not read every article this brief cites, so you cannot publish it.")
        now = timezone.now()
        brief = _move(
            brief,
            user,
            expected=Status.IN_REVIEW,
            to=Status.PUBLISHED,
            version=version,
            request=request,
            published_by=user,
            published_at=now,
        )
        url = brief_url(brief)
        PublishedSnapshot.objects.create(
            brief=brief,
            tlp=brief.tlp,
            all_clear=brief.tlp == TLP.CLEAR and labels <= {TLP.CLEAR},
            data=data,
            markdown=snapshot.markdown(data, published=f"{now:%Y-%m-%d %H:%M} UTC", brief_url=url),
            published_at=now,
            published_by=user,
        )
        PublishedCitation.objects.bulk_create([PublishedCitation(brief=brief, article_id=pk) for pk in cited])
    return brief


def brief_url(brief: Brief) -> str:
    from django.urls import reverse

    return reverse("briefs:detail", args=[brief.pk])


def correct(brief: Brief, user, *, request=None) -> Brief:
    """Start a correction of a published brief: a new draft revision with the same content,
    which goes through review and publication like any brief. The published revision stays
    readable and, once the correction is published, says so."""
    if not may_edit_briefs(user):
        raise BriefError("Only editors and admins correct briefs.")
    if brief.status != Status.PUBLISHED:
        raise BriefError("Only a published brief is corrected; change the draft instead.")
    try:
        with transaction.atomic():
            new = Brief.objects.create(
                kind=brief.kind,
                iso_year=brief.iso_year,
                iso_week=brief.iso_week,
                revision=brief.revision + 1,
                corrects=brief,
                title=brief.title,
                executive_summary=brief.executive_summary,
                tlp_floor=brief.tlp_floor,
                tlp=brief.tlp,
                created_by=user,
            )
            new.editors.add(user)
            _copy_content(brief, new)
            record(
                Action.BRIEF,
                request=request,
                actor=user,
                obj=new,
                before={"status": "published"},
                after={"status": "draft", "corrects": brief.pk},
                detail=f"correction of revision {brief.revision}",
            )
    except IntegrityError as problem:
        raise BriefError("A correction of this brief has already been started.") from problem
    return new


def _copy_content(old: Brief, new: Brief) -> None:
    items: dict[int, BriefItem] = {}
    for section in old.sections.prefetch_related("items"):
        copy = BriefSection.objects.create(
            brief=new, name=section.name, position=section.position, category=section.category
        )
        for item in section.items.all():
            items[item.pk] = BriefItem.objects.create(
                brief=new,
                section=copy,
                article_id=item.article_id,
                whole_story=item.whole_story,
                position=item.position,
                commentary=item.commentary,
                tlp=item.tlp,
                added_by=item.added_by,
            )
    for judgment in old.judgments.prefetch_related("supported_by"):
        copy = KeyJudgment.objects.create(
            brief=new, number=judgment.number, text=judgment.text, confidence=judgment.confidence
        )
        copy.supported_by.set([items[i.pk] for i in judgment.supported_by.all() if i.pk in items])
