"""Tags as people read them: ``misp-galaxy:malpedia="WINELOADER"`` shows as "WINELOADER (malware)".

Machine tags (MISP taxonomy and galaxy style, ``namespace:predicate="value"``) are
precise but hard to scan. Every page shows a tag through :func:`tag_link`, which
writes the readable label and keeps the machine tag in a tooltip and in text for
screen readers; free labels ("ransomware") show as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import template

from articles.models import Tag

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
PLAIN_NAMESPACES = {"gazetteer", "watch"}


@dataclass(frozen=True)
class TagLabel:
    text: str  # what the reader sees
    machine: bool  # the tag is a machine tag, kept in a tooltip


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


@register.inclusion_tag("articles/_tag.html")
def tag_link(tag: Tag) -> dict:
    """A tag as a link to the articles carrying it, with its readable label."""
    return {"tag": tag, "label": readable_tag(tag.name)}
