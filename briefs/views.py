"""Readers' pages: the briefs they are cleared for, a published brief, its Markdown.

Every brief comes through ``Brief.objects.readable_by(user)`` (``briefs.querysets``): a
brief someone may not read answers 404, exactly like one that does not exist. A draft
opens the assembly page for editors who may work on it.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from briefs.models import Brief, Kind
from briefs.querysets import may_edit_briefs


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    published = Brief.objects.readable_by(user).select_related("snapshot").order_by("-published_at", "-pk")
    in_progress = []
    if may_edit_briefs(user):
        in_progress = list(
            Brief.objects.workable_by(user).exclude(status="published").order_by("-updated_at")
        )
    return render(
        request,
        "briefs/index.html",
        {
            "briefs": list(published[:100]),
            "in_progress": in_progress,
            "may_edit": may_edit_briefs(user),
            "kinds": Kind.choices,
        },
    )


def readable_brief(request: HttpRequest, pk: int) -> Brief:
    brief = Brief.objects.readable_by(request.user).select_related("snapshot").filter(pk=pk).first()
    if brief is None:
        raise Http404("No such brief")
    return brief


def correction_of(brief: Brief, user) -> Brief | None:
    """The published correction of ``brief`` that ``user`` may read, if any."""
    return Brief.objects.readable_by(user).filter(corrects=brief).first()


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    brief = Brief.objects.readable_by(request.user).select_related("snapshot").filter(pk=pk).first()
    if brief is None:
        if Brief.objects.workable_by(request.user).filter(pk=pk).exists():
            return redirect("briefs:edit", pk=pk)
        raise Http404("No such brief")
    return render(request, "briefs/brief.html", brief_context(brief, request.user))


def brief_context(brief: Brief, user) -> dict:
    data = brief.snapshot.data
    return {
        "brief": brief,
        "data": data,
        "snapshot": brief.snapshot,
        "correction": correction_of(brief, user) if user.is_authenticated else None,
        "markdown_url": reverse("briefs:markdown", args=[brief.pk]),
        "may_edit": may_edit_briefs(user),
    }


@require_GET
def markdown(request: HttpRequest, pk: int) -> HttpResponse:
    brief = readable_brief(request, pk)
    return markdown_response(brief)


def markdown_response(brief: Brief) -> HttpResponse:
    response = HttpResponse(brief.snapshot.markdown, content_type="text/markdown; charset=utf-8")
    name = f"brief-{brief.week_label}-r{brief.revision}.md"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
