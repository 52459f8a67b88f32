"""Places where other apps add to the article pages, without ``articles`` importing them.

``articles`` is the core: the workspace (stars, read marks, notes, saved searches) and
later apps build on it, never the other way round. An app registers a function for a
named hook in its ``AppConfig.ready()``; the article views call every function
registered for a hook and put what they return in the page. The idea is Wagtail's hooks
(``wagtail/hooks.py``), kept to what the article pages need.

Hooks (each function receives the request first; return markup built with
``format_html`` — it is inserted as is):

``article_list_rows(request, articles) -> dict[int, SafeString]``
    Controls for each row of a list, by article id (a star button, a "select" box).
    Called once per page with all its rows: answer with one query, not one per row.
``article_list_sidebar(request) -> SafeString``
    A block above the list's filters (saved searches).
``article_list_toolbar(request, articles) -> SafeString``
    A block above the rows (bulk actions on the page's articles).
``article_detail_panels(request, article) -> SafeString``
    A block on the article page, after its findings (tags, notes). The function may also
    record that the user opened the article (read marks).

Every article a hook receives was read through ``visible_to(request.user)``; a hook that
reads more articles must start from it too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from articles.markup import escape

HOOK_NAMES = frozenset(
    {"article_list_rows", "article_list_sidebar", "article_list_toolbar", "article_detail_panels"}
)
_registry: dict[str, list[Callable[..., Any]]] = {name: [] for name in HOOK_NAMES}


def register(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: ``@hooks.register("article_detail_panels")``. Registering twice is harmless."""
    if name not in HOOK_NAMES:
        raise ValueError(f"unknown article hook {name!r}; known: {', '.join(sorted(HOOK_NAMES))}")

    def decorator(function: Callable[..., Any]) -> Callable[..., Any]:
        if function not in _registry[name]:
            _registry[name].append(function)
        return function

    return decorator


def functions(name: str) -> list[Callable[..., Any]]:
    return list(_registry[name])


def markup(name: str, *args: Any) -> SafeString:
    """Every registered block for ``name``, in registration order. A block that is not
    marked safe (a plain ``str``) is escaped, so a careless hook shows text, not markup."""
    parts = (escape(function(*args) or "") for function in _registry[name])
    return mark_safe("".join(parts))  # noqa: S308 (each part safe or escaped)


def row_controls(request, articles: list) -> None:
    """Set ``article.row_controls`` (markup, maybe empty) on each of ``articles``."""
    by_id: dict[int, list[str]] = {}
    for function in _registry["article_list_rows"]:
        for pk, html in (function(request, articles) or {}).items():
            by_id.setdefault(pk, []).append(escape(html))
    for article in articles:
        article.row_controls = mark_safe("".join(by_id.get(article.pk, ())))  # noqa: S308
