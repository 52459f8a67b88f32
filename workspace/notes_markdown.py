"""A note's Markdown as safe HTML.

markdown-it-py in its CommonMark preset with raw HTML off (a ``<script>`` typed in a note
stays text), images off (an image in a note would be fetched by every reader's browser,
telling a third party who read it), then the article body's bleach allow-list
(``articles.sanitize``) as a second wall: links keep only http(s)/mailto and get
``rel="noopener noreferrer nofollow"``.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt

from articles.sanitize import sanitize_html


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")


def render_note(source: str) -> str:
    """HTML for the note ``source``; safe to insert unescaped."""
    return sanitize_html(_parser().render(source or ""))
