"""Tags as people read them: ``misp-galaxy:malpedia="WINELOADER"`` shows as "WINELOADER (malware)".

Machine tags (MISP taxonomy and galaxy style, ``namespace:predicate="value"``) are
precise but hard to scan. Every page shows a tag through :func:`tag_link`, which
writes the readable label and keeps the machine tag in a tooltip and in text for
screen readers; free labels ("ransomware") show as they are.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import quote

from django import template
from django.utils.safestring import SafeString

from articles.bylines import BylineTag
from articles.markup import format_markup
from articles.models import Tag
from articles.urlpaths import reverse_fixed

register = template.Library()

_MACHINE_TAG = re.compile(r'^(?P<namespace>[^:="\s]+)(?::(?P<predicate>[^="]+))?(?:="(?P<value>[^"]*)")?$')
# What a galaxy's clusters are, in an analyst's words.
GALAXY_KINDS = {
    "threat-actor": "threat actor",
    "mitre-intrusion-set": "threat actor",
    "malpedia": "malware",
    "mitre-malware": "malware",
    "ransomware": "ransomware",
    "mitre-tool": "tool",
    "tool": "tool",
    "mitre-attack-pattern": "technique",
}
ADMIRALTY_PREDICATES = {"source-reliability": "Admiralty", "information-credibility": "Credibility"}
# Name lists of our own whose entries need no qualifier.
PLAIN_NAMESPACES = {"gazetteer", "watch", "designation"}


@dataclass(frozen=True)
class TagLabel:
    text: str  # what the reader sees
    machine: bool  # the tag is a machine tag, kept in a tooltip


@functools.lru_cache(maxsize=4096)  # a portal has hundreds of tags; a page prints ~75
def readable_tag(name: str) -> TagLabel:
    """The label a person reads for the tag ``name``."""
    match = _MACHINE_TAG.match(name.strip())
    if match is None or (match["predicate"] is None and match["value"] is None):
        return TagLabel(name, machine=False)
    namespace, predicate, value = match["namespace"].lower(), match["predicate"], match["value"]
    if namespace == "tlp" and predicate and value is None:
        return TagLabel(f"TLP:{predicate.upper()}", machine=True)
    if namespace == "misp-galaxy" and predicate and value:
        kind = GALAXY_KINDS.get(predicate, predicate.replace("-", " "))
        return TagLabel(f"{value} ({kind})", machine=True)
    if namespace == "admiralty-scale" and predicate in ADMIRALTY_PREDICATES and value:
        return TagLabel(f"{ADMIRALTY_PREDICATES[predicate]}: {value.upper()}", machine=True)
    if value and (namespace in PLAIN_NAMESPACES or predicate is None):
        return TagLabel(value, machine=True)
    if value:
        return TagLabel(f"{value} ({predicate.replace('-', ' ')})", machine=True)
    return TagLabel(f"{namespace}: {predicate.replace('-', ' ')}", machine=True)


@register.simple_tag
def tag_link(tag: Tag | BylineTag) -> SafeString:
    """A tag as a link to the articles carrying it, with its readable label.

    Built with ``format_markup`` rather than an included template: a list page prints ~75
    of these, and an inclusion tag cost ~0.1-0.2 ms each (docs/architecture.md, "Scale").
    ``tag`` is a Tag or anything with its ``name`` and ``slug`` (articles/bylines.py).
    """
    return _tag_link(tag.name, tag.slug, reverse_fixed("articles:list"))


@functools.lru_cache(maxsize=4096)  # the same few hundred tags on every page
def _tag_link(name: str, slug: str, list_url: str) -> SafeString:
    label = readable_tag(name)
    href = f"{list_url}?tag={quote(slug, safe='')}"
    if not label.machine:
        return format_markup('<a class="tag" href="{}">{}</a>', href, label.text)
    return format_markup(
        '<a class="tag" href="{}" title="{}">{}<span class="visually-hidden"> (machine tag {})</span></a>',
        href,
        name,
        label.text,
        name,
    )


@register.filter
def clip(text: str, length: int) -> str:
    """``text`` cut to at most ``length`` characters, ending in "…" when cut.

    For plain text (teasers); Django's ``truncatechars`` walks every character to
    handle combining marks, ~0.1 ms per row.
    """
    text = text or ""
    if len(text) <= length:
        return text
    return text[: max(length - 1, 0)].rstrip() + "…"
