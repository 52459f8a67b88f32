"""The triage controls on the article pages, registered on ``articles.hooks``.

- list rows: a selection box, a star toggle and the read state with its toggle;
- list toolbar: "Mark all on this page read" and the bulk form the selection boxes join;
- list sidebar: "New since your last visit (N)" and the starred list;
- article page: opening it marks it read; a panel with the star toggle and "Mark unread".

Row controls are written with ``articles.markup.format_markup`` (``format_html``
without its lazy-text checks; a page has up to 50 rows, see
``articles/templatetags/article_rows.py`` for why rows are not templates). The views
answer an htmx post with the same functions' output, so a swapped control is exactly
what the page printed.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString

from articles import hooks, tagging
from articles.markup import escape, format_markup, join_markup
from workspace import visits
from workspace.actions import mark_opened
from workspace.models import ReadingState

BULK_FORM_ID = "triage-bulk"


def register() -> None:
    hooks.register("article_list_rows")(row_controls)
    hooks.register("article_list_toolbar")(toolbar)
    hooks.register("article_list_sidebar")(sidebar)
    hooks.register("article_detail_panels")(detail_panel)


def row_controls(request: HttpRequest, articles: list) -> dict[int, SafeString]:
    """Each row's controls, from one query for the whole page."""
    if not articles or not request.user.is_authenticated:
        return {}
    states = dict(
        (pk, (read_at, starred_at))
        for pk, read_at, starred_at in ReadingState.objects.filter(
            user=request.user, article_id__in=[a.pk for a in articles]
        ).values_list("article_id", "read_at", "starred_at")
    )
    context = FormContext(request, request.get_full_path())
    controls = {}
    for article in articles:
        read_at, starred_at = states.get(article.pk, (None, None))
        title = SafeString(escape(article.title))  # escaped once, printed three times
        controls[article.pk] = format_markup(
            '<div class="triage" data-triage-article="{}">'
            '<label class="triage__select"><input type="checkbox" name="ids" value="{}" form="{}"'
            ' aria-label="Select {}"> Select</label>{}{}</div>',
            article.pk,
            article.pk,
            BULK_FORM_ID,
            title,
            star_form(context, article.pk, title, starred_at is not None),
            read_form(context, article.pk, title, read_at is not None),
        )
    return controls


class FormContext:
    """What every triage form on a page shares: URLs, the CSRF token, where to go back —
    escaped once here rather than in each of a page's 50 forms."""

    def __init__(self, request: HttpRequest, next_url: str) -> None:
        self.csrf = SafeString(escape(get_token(request)))
        self.next = SafeString(escape(next_url))
        self.star_url = SafeString(escape(reverse("workspace:star")))
        self.read_url = SafeString(escape(reverse("workspace:read")))


def star_form(context: FormContext, pk: int, title: str, starred: bool) -> SafeString:
    """A toggle button: its name stays "Star <title>", ``aria-pressed`` tells the state."""
    return format_markup(
        '<form method="post" action="{url}" class="triage-form" hx-post="{url}" hx-swap="outerHTML">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
        '<input type="hidden" name="article" value="{pk}"><input type="hidden" name="on" value="{want}">'
        '<input type="hidden" name="next" value="{next}">'
        '<button type="submit" id="star-{pk}" class="triage-star{on_class}" aria-pressed="{pressed}"'
        ' aria-label="Star {title}" data-shortcut="star"><span aria-hidden="true">{icon}</span> Star</button>'
        "</form>",
        url=context.star_url,
        csrf=context.csrf,
        pk=pk,
        want="0" if starred else "1",
        next=context.next,
        on_class=" is-on" if starred else "",
        pressed="true" if starred else "false",
        title=title,
        icon="★" if starred else "☆",
    )


def read_form(context: FormContext, pk: int, title: str, read: bool) -> SafeString:
    """The read state as words ("Unread" badge) and the button that flips it."""
    return format_markup(
        '<form method="post" action="{url}" class="triage-form triage-read{state_class}"'
        ' hx-post="{url}" hx-swap="outerHTML">{badge}'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
        '<input type="hidden" name="article" value="{pk}"><input type="hidden" name="on" value="{want}">'
        '<input type="hidden" name="next" value="{next}">'
        '<button type="submit" id="read-{pk}" class="triage-read__toggle" aria-label="{label}: {title}"'
        ' data-shortcut="read">{label}</button></form>',
        url=context.read_url,
        state_class="" if read else " triage-read--unread",
        badge="" if read else SafeString('<span class="badge-unread">Unread</span> '),
        csrf=context.csrf,
        pk=pk,
        want="0" if read else "1",
        next=context.next,
        label="Mark unread" if read else "Mark read",
        title=title,
    )


def toolbar(request: HttpRequest, articles: list) -> SafeString:
    if not articles or not request.user.is_authenticated:
        return SafeString("")
    ids = join_markup("", '<input type="hidden" name="ids" value="{}">', ((a.pk,) for a in articles))
    return SafeString(
        render_to_string(
            "workspace/_toolbar.html",
            {
                "page_ids": ids,
                "can_tag": tagging.may_tag(request.user),
                "next": request.get_full_path(),
                "bulk_form_id": BULK_FORM_ID,
                "script": _script(),
            },
            request=request,
        )
    )


def sidebar(request: HttpRequest) -> SafeString:
    """Records the list view (a visit, see ``workspace.visits``) and links what is new."""
    visit = visits.record_list_view(request.user)
    if visit is None:
        return SafeString("")
    counted = visits.new_unread_count(request.user, visit.new_since) if visit.new_since else None
    return SafeString(
        render_to_string(
            "workspace/_sidebar.html",
            {
                "new_since": visit.new_since,
                "new_count": counted[0] if counted else None,
                "new_more": counted[1] if counted else False,
            },
            request=request,
        )
    )


def detail_panel(request: HttpRequest, article) -> SafeString:
    state = mark_opened(request.user, article)
    if state is None:
        return SafeString("")
    # Back to the list after "Mark unread": reloading the article would mark it read again.
    context = FormContext(request, reverse("articles:list"))
    return SafeString(
        render_to_string(
            "workspace/_detail_panel.html",
            {
                "star": star_form(context, article.pk, article.title, state.starred_at is not None),
                "read": read_form(context, article.pk, article.title, state.read_at is not None),
                "script": _script(),
            },
            request=request,
        )
    )


def _script() -> SafeString:
    # The keyboard shortcuts load only on pages that print these blocks (the list, the
    # article page, the workspace lists); ``defer`` runs it once the page is parsed.
    return format_markup('<script src="{}" defer></script>', static("js/workspace.js"))
