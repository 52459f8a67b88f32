"""The notes panel this app adds to the article page (through ``articles.hooks``), with
the script that highlights the notes' passages and turns a selection into a new note."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

from articles import hooks


def register() -> None:
    hooks.register("article_detail_panels")(notes_panel)


def notes_panel(request, article) -> SafeString:
    from workspace.annotation_views import PANEL, panel_context

    panel = render_to_string(PANEL, panel_context(request, article), request=request)
    script = format_html('<script src="{}" defer></script>', static("js/annotations.js"))
    return format_html("{}{}", panel, script)
