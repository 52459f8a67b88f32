"""Walking every URL pattern of the project, for tests that send something to all of them.

``every_route`` turns each pattern of ``get_resolver()`` (the admin's included) into an
address with ``{name}`` holes and a valid value for each hole; ``parameter_names`` collects
the query parameter names the pages themselves use (form fields and ``?...`` links).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qsl, quote

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

PARAMETER = re.compile(r"\{(\w+)\}")
FORM_FIELD_NAME = re.compile(r'\bname="([^"]+)"')
QUERY_LINK = re.compile(r'\bhref="(\?[^"]*)"')

# (template, hole name, URL name) -> a value that reaches the view's real work
ValidValue = Callable[[str, str, str | None], str]


@dataclass(frozen=True)
class Route:
    """A URL pattern as an address with ``{name}`` holes, and a valid value for each hole."""

    template: str
    valid: dict[str, str]

    def address(self, **values: str) -> str:
        filled = {**self.valid, **values}
        return "/" + PARAMETER.sub(lambda m: filled[m.group(1)], self.template)


def _as_template(pattern) -> tuple[str, dict[str, str]]:
    """('articles/{pk}/', {}) from a route; regex groups with fixed choices give a sample."""
    text = str(pattern.pattern)
    if text.startswith("^") or text.endswith("$"):  # a regular expression (re_path)
        samples = {}

        def hole(match: re.Match) -> str:
            name, body = match.group(1), match.group(2)
            if re.fullmatch(r"[\w|]+", body):
                samples[name] = body.split("|")[0]
            return "{" + name + "}"

        text = re.sub(r"\(\?P<(\w+)>([^)]*)\)", hole, text.removeprefix("^").removesuffix("$"))
        return text, samples
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text), {}


def _walk(patterns, prefix: str = "", samples: dict | None = None) -> Iterator[tuple[str, dict, str | None]]:
    for pattern in patterns:
        text, found = _as_template(pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + text, {**(samples or {}), **found})
        elif isinstance(pattern, URLPattern):
            yield prefix + text, {**(samples or {}), **found}, pattern.name


def every_route(valid_value: ValidValue) -> list[Route]:
    routes = []
    for template, samples, url_name in _walk(get_resolver().url_patterns):
        holes = PARAMETER.findall(template)
        valid = {name: samples.get(name) or valid_value(template, name, url_name) for name in holes}
        routes.append(Route(template, valid))
    return routes


def parameter_names(client: Client, routes: list[Route]) -> set[str]:
    """Every query parameter name the pages use: their form fields and their ``?...`` links."""
    names = set()
    for route in routes:
        response = client.get(route.address())
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        text = response.content.decode(errors="replace")
        names.update(FORM_FIELD_NAME.findall(text))
        for link in QUERY_LINK.findall(text):
            names.update(name for name, _ in parse_qsl(unescape(link)[1:], keep_blank_values=True))
    return names - {"csrfmiddlewaretoken"}


def query(pairs: dict[str, str]) -> str:
    """A query string from names and values that are already percent-encoded."""
    return "?" + "&".join(f"{quote(name, safe='')}={value}" for name, value in pairs.items())
