"""Assembling a brief: every change an editor makes to a draft, one function each.

Each function takes the brief's ``version`` the editor's page was rendered with. The
change starts with one conditional UPDATE (``version = version + 1 WHERE version =
<theirs>``): when another editor saved in between, it changes nothing and raises
``BriefConflict``, and the view shows the editor's own input again with the message, so
nothing is silently overwritten and nothing typed is lost. Only drafts change; a brief in
review goes back to draft first (``briefs.workflow``).

Articles come only from ``Article.objects.visible_to(editor)``. After every change the
brief's TLP is computed again (``recompute_tlp``): never lower than its floor or any item's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from articles.enrichment.vocabulary import CATEGORIES
from articles.models import Article
from articles.tlp import TLP, TLP_ORDER, rank
from audit.actions import Action
from audit.services import record
from briefs.models import Brief, BriefItem, BriefSection, Kind, Status
from briefs.querysets import may_edit_briefs

CATEGORY_LABELS = dict(CATEGORIES)
CATEGORY_ORDER = [value for value, _ in CATEGORIES]


class BriefError(ValueError):
    """A change that cannot be made; the message says why, for the editor."""


class BriefConflict(BriefError):
    """Another editor changed the brief since this editor's page was rendered."""


class BriefNotFound(LookupError):
    """No such brief, or not one this person may work on (the views answer 404)."""


def highest(labels: Iterable[str]) -> str:
    return max(labels, key=rank, default=TLP.CLEAR)


def week_of(day: dt.date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def week_bounds(year: int, week: int) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday 00:00 of ISO week ``year``-W``week``, local time."""
    start = dt.datetime.combine(dt.date.fromisocalendar(year, week, 1), dt.time.min)
    start = timezone.make_aware(start)
    return start, start + dt.timedelta(days=7)


def create_brief(
    user, *, year: int, week: int, title: str = "", kind: str = Kind.WEEKLY, request=None
) -> Brief:
    if not may_edit_briefs(user):
        raise BriefError("Only editors and admins start briefs.")
    try:
        dt.date.fromisocalendar(year, week, 1)
    except ValueError as problem:
        raise BriefError(f"{year}-W{week:02d} is not an ISO week.") from problem
    if kind == Kind.WEEKLY and Brief.objects.filter(kind=Kind.WEEKLY, iso_year=year, iso_week=week).exists():
        raise BriefError(
            f"There is already a weekly brief for {year}-W{week:02d}; open it, or start a special brief."
        )
    title = " ".join(title.split()) or f"Weekly brief, {year}-W{week:02d}"
    try:
        with transaction.atomic():
            brief = Brief.objects.create(
                kind=kind, iso_year=year, iso_week=week, title=title[:200], created_by=user
            )
            brief.editors.add(user)
            record(
                Action.BRIEF_CREATE, request=request, actor=user, obj=brief, after={"week": brief.week_label}
            )
    except IntegrityError as problem:  # another editor started it a moment ago
        raise BriefError(f"There is already a weekly brief for {year}-W{week:02d}; open it.") from problem
    return brief


def open_for_work(user, brief_id: int) -> Brief:
    """The brief, if ``user`` may work on it once its label is brought up to date (an article
    relabelled, or a report joining a whole story, since the last change may raise it above
    them)."""
    brief = Brief.objects.workable_by(user).filter(pk=brief_id).first()
    if brief is not None and brief.status == Status.DRAFT:
        before, after = recompute_tlp(brief, user)
        if rank(after) > rank(before) and not Brief.objects.workable_by(user).filter(pk=brief_id).exists():
            brief = None
    if brief is None:
        raise BriefNotFound(brief_id)
    return brief


def claim_version(brief: Brief, user, version: int) -> None:
    """Move the brief's version on, or raise BriefConflict (module docstring)."""
    if brief.status != Status.DRAFT:
        raise BriefError(
            f"This brief is {brief.get_status_display().lower()}: return it to draft before changing it."
        )
    moved = Brief.objects.filter(pk=brief.pk, version=version, status=Status.DRAFT).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not moved:
        raise BriefConflict(
            "Another editor changed this brief after you opened it, so your change was not saved. "
            "The page now shows their version; your input is kept in the form — check it and save again."
        )
    brief.version = version + 1
    brief.editors.add(user)


# --- TLP ------------------------------------------------------------------------------------


def cited_articles(item: BriefItem, user) -> list[Article]:
    """The articles an item cites: the article, or every report of its story. Raises
    BriefError when ``user`` may not read one of them: a whole story is all of it."""
    if not (item.whole_story and item.article.story_id):
        return [item.article]
    story_id = item.article.story_id
    readable = list(
        Article.objects.visible_to(user)
        .filter(story_id=story_id)
        .select_related("source")
        .order_by("published_at", "pk")
    )
    if len(readable) != _story_size(story_id):
        raise BriefError(
            f"“{item.article.title}” stands for a whole story with reports you may not read; "
            "add the article alone, or ask an editor cleared for the whole story."
        )
    return readable


def _story_size(story_id: int) -> int:
    # Counted over every report, whoever may read it: only the number is used, to refuse.
    return Article.objects.filter(story_id=story_id).count()


def item_label(item: BriefItem) -> str:
    """The most restrictive label among what the item cites. For a whole story that is every
    report, whoever is looking: a viewer with a lower clearance must not lower the brief's
    label (its commentary and summary were written from all of them). Only the label is read."""
    if item.whole_story and item.article.story_id:
        labels = Article.objects.filter(story_id=item.article.story_id).values_list("tlp", flat=True)
        return highest(labels)
    return item.article.tlp


def recompute_tlp(brief: Brief, user) -> tuple[str, str]:
    """Set each item's label and the brief's (never lower than its floor or any item's).
    ``user`` is who made the change (for the audit event). Returns (before, after)."""
    before = brief.tlp
    labels = [brief.tlp_floor]
    for item in brief.items.select_related("article"):
        label = item_label(item)
        if label != item.tlp:
            BriefItem.objects.filter(pk=item.pk).update(tlp=label)
        labels.append(label)
    brief.tlp = highest(labels)
    if brief.tlp != before:
        Brief.objects.filter(pk=brief.pk).update(tlp=brief.tlp)
        # Who sees the brief changed: on the trail, like an article's relabelling.
        record(Action.BRIEF_TLP, actor=user, obj=brief, before={"tlp": before}, after={"tlp": brief.tlp})
    return before, brief.tlp


def _tlp_note(before: str, after: str) -> str:
    if rank(after) > rank(before):
        return f" The brief's label rose from {TLP(before).label} to {TLP(after).label}."
    if rank(after) < rank(before):
        return f" The brief's label is now {TLP(after).label} (was {TLP(before).label})."
    return ""


# --- items ----------------------------------------------------------------------------------


def section_for_category(brief: Brief, category: str) -> BriefSection:
    category = category or "other"
    section = brief.sections.filter(category=category).first()
    if section is None:
        # Default sections follow the categories' order; a new one goes after the others.
        last = brief.sections.aggregate(m=Max("position"))["m"]
        section = BriefSection.objects.create(
            brief=brief,
            category=category,
            name=CATEGORY_LABELS.get(category, category.title()),
            position=0 if last is None else last + 1,
        )
    return section


def add_article(
    brief: Brief,
    user,
    version: int,
    article_id: int,
    *,
    whole_story: bool = False,
    section_id: int | None = None,
) -> str:
    """Add a readable article (or its whole story) to the brief; returns a message."""
    article = Article.objects.visible_to(user).filter(pk=article_id).first()
    if article is None:
        raise BriefError("That article does not exist or you may not read it.")
    with transaction.atomic():
        claim_version(brief, user, version)
        if brief.items.filter(article=article).exists():
            raise BriefError(f"“{article.title}” is already in this brief.")
        if whole_story and article.story_id:
            whole = BriefItem(brief=brief, article=article, whole_story=True)
            cited_articles(whole, user)  # refuses a story with reports this editor may not read
        if section_id:
            section = brief.sections.filter(pk=section_id).first()
            if section is None:
                raise BriefError("That section is not part of this brief.")
        else:
            section = section_for_category(brief, article.category)
        last = section.items.aggregate(m=Max("position"))["m"]
        BriefItem.objects.create(
            brief=brief,
            section=section,
            article=article,
            whole_story=whole_story and article.story_id is not None,
            position=0 if last is None else last + 1,
            tlp=article.tlp,
            added_by=user,
        )
        before, after = recompute_tlp(brief, user)
    return f"Added “{article.title}” to {section.name}." + _tlp_note(before, after)


def _item(brief: Brief, item_id: int) -> BriefItem:
    item = brief.items.select_related("article", "section").filter(pk=item_id).first()
    if item is None:
        raise BriefError("That item is no longer in this brief.")
    return item


def remove_item(brief: Brief, user, version: int, item_id: int) -> str:
    with transaction.atomic():
        claim_version(brief, user, version)
        item = _item(brief, item_id)
        title = item.article.title
        item.delete()
        before, after = recompute_tlp(brief, user)
    return f"Removed “{title}”." + _tlp_note(before, after)


def _offset(direction: str) -> int:
    if direction not in ("up", "down"):
        raise BriefError("Move up or down.")
    return -1 if direction == "up" else 1


def _swap(rows: list, index: int, offset: int) -> bool:
    other = index + offset
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows):
        if row.position != position:
            type(row).objects.filter(pk=row.pk).update(position=position)
    return True


def move_item(brief: Brief, user, version: int, item_id: int, direction: str) -> str:
    with transaction.atomic():
        claim_version(brief, user, version)
        item = _item(brief, item_id)
        rows = list(item.section.items.all())
        index = next(i for i, row in enumerate(rows) if row.pk == item.pk)
        moved = _swap(rows, index, _offset(direction))
    title = item.article.title
    return f"Moved “{title}” {direction}." if moved else f"“{title}” is already there."


def move_to_section(brief: Brief, user, version: int, item_id: int, section_id: int) -> str:
    with transaction.atomic():
        claim_version(brief, user, version)
        item = _item(brief, item_id)
        section = brief.sections.filter(pk=section_id).first()
        if section is None:
            raise BriefError("That section is not part of this brief.")
        last = section.items.aggregate(m=Max("position"))["m"]
        BriefItem.objects.filter(pk=item.pk).update(section=section, position=0 if last is None else last + 1)
    return f"Moved “{item.article.title}” to {section.name}."


def set_commentary(brief: Brief, user, version: int, item_id: int, commentary: str) -> str:
    with transaction.atomic():
        claim_version(brief, user, version)
        item = _item(brief, item_id)
        BriefItem.objects.filter(pk=item.pk).update(commentary=commentary.strip())
    return f"Saved the commentary on “{item.article.title}”."


# --- sections -------------------------------------------------------------------------------


def add_section(brief: Brief, user, version: int, name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise BriefError("Type the new section's name.")
    with transaction.atomic():
        claim_version(brief, user, version)
        last = brief.sections.aggregate(m=Max("position"))["m"]
        BriefSection.objects.create(brief=brief, name=name[:120], position=0 if last is None else last + 1)
    return f"Added the section “{name}”."


def rename_section(brief: Brief, user, version: int, section_id: int, name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise BriefError("A section needs a name.")
    with transaction.atomic():
        claim_version(brief, user, version)
        updated = brief.sections.filter(pk=section_id).update(name=name[:120])
        if not updated:
            raise BriefError("That section is no longer in this brief.")
    return f"Renamed the section to “{name}”."


def move_section(brief: Brief, user, version: int, section_id: int, direction: str) -> str:
    with transaction.atomic():
        claim_version(brief, user, version)
        rows = list(brief.sections.all())
        index = next((i for i, row in enumerate(rows) if row.pk == section_id), None)
        if index is None:
            raise BriefError("That section is no longer in this brief.")
        name = rows[index].name
        moved = _swap(rows, index, _offset(direction))
    return f"Moved the section “{name}” {direction}." if moved else f"“{name}” is already there."


def remove_section(brief: Brief, user, version: int, section_id: int) -> str:
    with transaction.atomic():
        claim_version(brief, user, version)
        section = brief.sections.filter(pk=section_id).first()
        if section is None:
            raise BriefError("That section is no longer in this brief.")
        if section.items.exists():
            raise BriefError(f"“{section.name}” still has items: move or remove them first.")
        section.delete()
    return f"Removed the section “{section.name}”."


# --- the brief's own text -------------------------------------------------------------------


def update_text(brief: Brief, user, version: int, *, title: str, summary: str, tlp_floor: str) -> str:
    if tlp_floor not in TLP_ORDER:
        raise BriefError("Choose a TLP label.")
    if rank(tlp_floor) > rank(user.clearance):
        raise BriefError("You cannot mark a brief above your own clearance.")
    title = " ".join(title.split())
    if not title:
        raise BriefError("A brief needs a title.")
    with transaction.atomic():
        claim_version(brief, user, version)
        brief.title, brief.executive_summary, brief.tlp_floor = title[:200], summary.strip(), tlp_floor
        Brief.objects.filter(pk=brief.pk).update(
            title=brief.title, executive_summary=brief.executive_summary, tlp_floor=tlp_floor
        )
        before, after = recompute_tlp(brief, user)
    return "Saved the title and executive summary." + _tlp_note(before, after)


def summary_draft(brief: Brief) -> str:
    """A first executive summary from the items' assessments (or summaries), in brief order:
    one line each, for the editor to rewrite."""
    lines = []
    for section in brief.sections.prefetch_related("items__article"):
        for item in section.items.all():
            article = item.article
            text = article.assessment or article.executive_summary or article.summary or article.teaser
            sentence = " ".join(text.split())
            if sentence:
                lines.append(f"- {article.title}: {sentence[:400]}")
    return "\n".join(lines)
