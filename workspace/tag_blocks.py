"""The tag blocks this app adds to the article pages (through ``articles.hooks``).

The article page gets the tag panel (each tag with who added it, a remove button and an
add field with suggestions). A list row gets only a link: "Edit tags" opens the article
page at its tag panel, or, with htmx, loads the row's editor in place. Rendering 25
editors on every list page would cost what docs/architecture.md ("Scale") saved by
writing rows in Python; a link costs nothing.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from articles import hooks, tagging
from articles.markup import format_markup
from articles.urlpaths import reverse_one


def register() -> None:
    hooks.register("article_detail_panels")(tag_panel)
    hooks.register("article_list_rows")(row_links)


def tag_panel(request, article) -> SafeString:
    from workspace.tag_views import PANEL, panel_context

    return render_to_string(PANEL, panel_context(request, article), request=request)


def row_links(request, articles) -> dict[int, SafeString]:
    if not tagging.may_tag(request.user):
        return {}
    return {
        article.pk: format_markup(
            '<a class="row-tags-link" href="{}#tags-{}" hx-get="{}" hx-swap="outerHTML">'
            'Edit tags<span class="visually-hidden"> of “{}”</span></a>',
            article.get_absolute_url(),
            article.pk,
            reverse_one("workspace:tag-row-editor", pk=article.pk),
            article.title,
        )
        for article in articles
    }
