"""Escaping HTML formatting for markup written in Python (list rows and their controls).

Django's ``format_html`` escapes each argument through ``conditional_escape`` and
``escape``, both wrapped in ``keep_lazy``, which inspects every argument for lazy strings
on every call. A list page of 25 rows makes ~800 such calls, and that wrapper was about a
fifth of the page's Python time (docs/architecture.md, "Scale"). :func:`format_markup`
escapes exactly as ``format_html`` does — ``html.escape`` with quotes, and a value that
has ``__html__`` (``SafeString``, ``format_markup``'s own output) inserted as it is —
without the wrapper. Lazy strings are turned into text by ``str``, as ``escape`` does.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django.utils.safestring import SafeString


def escape(value: Any) -> str:
    """``conditional_escape(value)``: markup stays markup, anything else becomes text."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def format_markup(template: str, *args: Any, **kwargs: Any) -> SafeString:
    """``format_html(template, *args, **kwargs)``: ``template`` is trusted, values are escaped."""
    return SafeString(
        template.format(*[escape(a) for a in args], **{k: escape(v) for k, v in kwargs.items()})
    )


def join_markup(separator: str, template: str, rows: Iterable[tuple]) -> SafeString:
    """``format_html_join(separator, template, rows)``."""
    return SafeString(separator.join(template.format(*[escape(v) for v in row]) for row in rows))


def attributes(attrs: dict[str, Any]) -> SafeString:
    """``flatatt(attrs)``: `` name="value"`` pairs, escaped, then the names whose value is
    ``True`` written bare (``checked``), each sorted by name; ``False`` and ``None`` leave
    the attribute out."""
    pairs = "".join(
        f' {key}="{escape(value)}"'
        for key, value in sorted(attrs.items())
        if not isinstance(value, bool) and value is not None
    )
    bare = "".join(f" {key}" for key, value in sorted(attrs.items()) if value is True)
    return SafeString(pairs + bare)
