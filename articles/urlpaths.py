"""``reverse`` for the one-argument URLs that list rows print many times.

A list page links every row to its article, authors, story and tags: ~150 calls of
Django's ``reverse`` at ~40-80 µs each, about a fifth of the page's Python time
(docs/architecture.md, "Scale"). :func:`reverse_one` reverses each route once with a
sentinel value, keeps the text around it, and fills in the value. Values that Django's
converters might quote or refuse (anything but plain slug characters, ids of more than
18 digits) take the ordinary ``reverse``, so the result is always what ``reverse``
gives.
"""

from __future__ import annotations

import re

from django.urls import get_script_prefix, get_urlconf, reverse

_SENTINEL_ID = 918273645546372819  # 18 digits: what the id converter accepts
_SENTINEL_TEXT = "zq-sentinel-zq"
_PLAIN = re.compile(r"[-a-zA-Z0-9_]+")
_templates: dict[tuple, tuple[str, str]] = {}


def reverse_one(viewname: str, **kwargs: int | str) -> str:
    """``reverse(viewname, kwargs=kwargs)`` for a route with exactly one argument."""
    ((name, value),) = kwargs.items()
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**18:
        sentinel, text = _SENTINEL_ID, str(value)
    elif isinstance(value, str) and _PLAIN.fullmatch(value):
        sentinel, text = _SENTINEL_TEXT, value
    else:
        return reverse(viewname, kwargs=kwargs)
    key = (viewname, name, type(sentinel), get_script_prefix(), get_urlconf())
    around = _templates.get(key)
    if around is None:
        before, found, after = reverse(viewname, kwargs={name: sentinel}).partition(str(sentinel))
        if not found:  # a converter that rewrites values: never guess
            return reverse(viewname, kwargs=kwargs)
        around = _templates[key] = (before, after)
    return around[0] + text + around[1]


def reverse_fixed(viewname: str) -> str:
    """``reverse(viewname)`` for a route without arguments (the list every tag links to),
    reversed once per script prefix and URLconf."""
    key = (viewname, None, None, get_script_prefix(), get_urlconf())
    url = _fixed.get(key)
    if url is None:
        url = _fixed[key] = reverse(viewname)
    return url


_fixed: dict[tuple, str] = {}
