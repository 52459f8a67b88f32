"""The editor's assembly page and the forms it posts.

Plain forms with Django's CSRF token, each carrying the ``version`` the page was rendered
with; they work without JavaScript and answer with a 303 back to the page (at the part
that changed). A refused change — another editor saved first (409), or the change cannot
be made (400) — shows the page again with the message and the editor's own input in the
form. Everything goes through ``briefs.composition`` and ``briefs.workflow``.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from articles.tlp import TLP, TLP_ORDER, rank
from briefs import composition, estimative, judgments, workflow
from briefs.candidates import candidates
from briefs.composition import BriefConflict, BriefError, BriefNotFound
from briefs.models import Brief, Confidence, Kind, Status


class SeeOther(HttpResponseRedirect):
    status_code = 303


def _brief(request: HttpRequest, pk: int) -> Brief:
    try:
        return composition.open_for_work(request.user, pk)
    except BriefNotFound as missing:
        raise Http404("No such brief") from missing


def _edit_url(brief: Brief, anchor: str = "") -> str:
    return reverse("briefs:edit", args=[brief.pk]) + (f"#{anchor}" if anchor else "")


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    raw_week = request.POST.get("week", "").strip().upper()
    try:
        if raw_week:
            year, week = int(raw_week[:4]), int(raw_week.split("W", 1)[1])
        else:
            year, week = composition.week_of(timezone.localdate())
        kind = request.POST.get("kind", Kind.WEEKLY)
        if kind not in Kind.values:
            raise BriefError("Choose a weekly or a special brief.")
        brief = composition.create_brief(
            request.user,
            year=year,
            week=week,
            title=request.POST.get("title", ""),
            kind=kind,
            request=request,
        )
    except (ValueError, IndexError) as problem:
        message = str(problem) if isinstance(problem, BriefError) else "Write the week as 2026-W49."
        messages.error(request, message)
        return SeeOther(reverse("briefs:index"))
    return SeeOther(_edit_url(brief))


@require_GET
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _brief(request, pk))


def _int(post, name: str) -> int:
    try:
        return int(post.get(name, ""))
    except ValueError as problem:
        raise BriefError(f"The form is missing its {name}; reload the page.") from problem


# "123", "/articles/123/" or the whole address of an article page.
_ARTICLE_REF = re.compile(r"^\s*(?:\S*/articles/)?(\d{1,18})/?\s*$")


def _article_id(raw: str) -> int:
    match = _ARTICLE_REF.match(raw)
    if match is None:
        raise BriefError("Give an article's number or the address of its page (…/articles/123/).")
    return int(match.group(1))


def _ints(post, name: str) -> list[int]:
    return [int(v) for v in post.getlist(name) if v.isdigit()]


def _apply(brief: Brief, user, op: str, post) -> tuple[str, str]:
    """Run one change; return (message, anchor to go back to)."""
    v = _int(post, "version")
    item = lambda: _int(post, "item")  # noqa: E731
    section = lambda: _int(post, "section")  # noqa: E731
    if op == "add":
        return composition.add_article(
            brief, user, v, _article_id(post.get("article", "")), whole_story=post.get("whole_story") == "1"
        ), "sections"
    if op == "remove":
        return composition.remove_item(brief, user, v, item()), "sections"
    if op == "move":
        return composition.move_item(brief, user, v, item(), post.get("direction", "")), f"item-{item()}"
    if op == "move-to":
        return composition.move_to_section(brief, user, v, item(), section()), f"item-{item()}"
    if op == "commentary":
        return composition.set_commentary(
            brief, user, v, item(), post.get("commentary", "")
        ), f"item-{item()}"
    if op == "section-add":
        return composition.add_section(brief, user, v, post.get("name", "")), "sections"
    if op == "section-rename":
        return composition.rename_section(
            brief, user, v, section(), post.get("name", "")
        ), f"section-{section()}"
    if op == "section-move":
        return composition.move_section(
            brief, user, v, section(), post.get("direction", "")
        ), f"section-{section()}"
    if op == "section-remove":
        return composition.remove_section(brief, user, v, section()), "sections"
    if op == "text":
        return composition.update_text(
            brief,
            user,
            v,
            title=post.get("title", ""),
            summary=post.get("summary", ""),
            tlp_floor=post.get("tlp_floor", ""),
        ), "text"
    if op == "judgment-add":
        return judgments.add_judgment(
            brief, user, v, post.get("text", ""), post.get("confidence", ""), _ints(post, "items")
        ), "judgments"
    if op == "judgment-edit":
        return judgments.edit_judgment(
            brief,
            user,
            v,
            _int(post, "judgment"),
            post.get("text", ""),
            post.get("confidence", ""),
            _ints(post, "items"),
        ), "judgments"
    if op == "judgment-remove":
        return judgments.remove_judgment(brief, user, v, _int(post, "judgment")), "judgments"
    raise BriefError("Unknown change; reload the page.")


@require_POST
def change(request: HttpRequest, pk: int) -> HttpResponse:
    brief = _brief(request, pk)
    op = request.POST.get("op", "")
    if op == "text" and "draft" in request.POST:
        # Draft the summary from the items and show it in the form, unsaved, to be edited.
        kept = request.POST.copy()
        kept["summary"] = composition.summary_draft(brief)
        messages.info(
            request, "Drafted the executive summary from the items' assessments: edit it, then save."
        )
        return _page(request, brief, kept=kept)
    try:
        message, anchor = _apply(brief, request.user, op, request.POST)
    except BriefError as problem:
        messages.error(request, str(problem))
        brief.refresh_from_db()
        return _page(
            request, brief, kept=request.POST, status=409 if isinstance(problem, BriefConflict) else 400
        )
    messages.success(request, message)
    return SeeOther(_edit_url(brief, anchor))


@require_POST
def transition(request: HttpRequest, pk: int, to: str) -> HttpResponse:
    brief = _brief(request, pk)
    user = request.user
    try:
        if to == "review":
            workflow.submit_for_review(brief, user, _int(request.POST, "version"), request=request)
            messages.success(request, "Sent for review: a second editor or an admin publishes it.")
        elif to == "draft":
            workflow.return_to_draft(brief, user, reason=request.POST.get("reason", ""), request=request)
            messages.success(request, "Returned to draft.")
        elif to == "publish":
            workflow.publish(brief, user, _int(request.POST, "version"), request=request)
            messages.success(request, "Published.")
            return SeeOther(reverse("briefs:detail", args=[brief.pk]))
        elif to == "correct":
            new = workflow.correct(brief, user, request=request)
            messages.success(
                request, f"Started revision {new.revision}: correct it, then send it for review."
            )
            return SeeOther(_edit_url(new))
        else:
            raise Http404("No such transition")
    except BriefError as problem:
        messages.error(request, str(problem))
        brief.refresh_from_db()
        return _page(request, brief, status=409 if isinstance(problem, BriefConflict) else 400)
    return SeeOther(_edit_url(brief))


def _page(request: HttpRequest, brief: Brief, *, kept=None, status: int = 200) -> HttpResponse:
    user = request.user
    sections = list(brief.sections.prefetch_related("items__article__source"))
    items = [item for section in sections for item in section.items.all()]
    judgments = list(brief.judgments.prefetch_related("supported_by"))
    for judgment in judgments:
        judgment.warnings = estimative.check(judgment.text, judgment=True)
        judgment.support_ids = {i.pk for i in judgment.supported_by.all()}
    raising = [item for item in items if item.tlp == brief.tlp and brief.tlp != TLP.CLEAR]
    kept = kept or {}
    kept_op = kept.get("op", "")
    context = {
        "brief": brief,
        "sections": sections,
        "items": items,
        "judgments": judgments,
        "summary_warnings": estimative.check(brief.executive_summary),
        "editing": brief.status == Status.DRAFT,
        "may_approve": workflow.may_approve(brief, user),
        "raising": raising,
        "floor_raises": rank(brief.tlp_floor) == rank(brief.tlp) and brief.tlp != TLP.CLEAR,
        "tlp_choices": [(v, TLP(v).label) for v in TLP_ORDER if rank(v) <= rank(user.clearance)],
        "confidences": Confidence.choices,
        "candidates": candidates(brief, user) if brief.status == Status.DRAFT else [],
        "kept_op": kept_op,
        "kept": kept,
        "kept_item": kept.get("item", ""),
        "yardstick": estimative.YARDSTICK,
    }
    return render(request, "briefs/assembly.html", context, status=status)
