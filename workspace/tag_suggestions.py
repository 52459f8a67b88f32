"""What the tag field suggests as an analyst types: tags in use, then taxonomy machine tags.

Tags in use come only from articles the person may read: a tag name can say as much as
the article it is on ("victim:acme-bank"). Machine tags come from the MISP taxonomies
that ``pytaxonomies`` ships (TLP aside, which is the article's label, not a tag): PAP,
the Admiralty scale, kill chain, and the rest, ~13,000 tags, matched on the tag and on
its expanded description ("Usually reliable" finds ``admiralty-scale:source-reliability="b"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Exists, OuterRef

from articles.models import Article, ArticleTag, Tag
from articles.templatetags.tag_labels import readable_tag

MAX_SUGGESTIONS = 12
MIN_QUERY = 2  # one letter matches thousands of machine tags: not a useful list
EXCLUDED_NAMESPACES = {"tlp"}


@dataclass(frozen=True)
class Suggestion:
    name: str  # what goes in the field
    label: str  # what the person reads next to it
    in_use: bool


@dataclass(frozen=True)
class _MachineTag:
    name: str
    label: str
    haystack: str  # lower-cased name and description, searched by substring


@lru_cache(maxsize=1)
def machine_tags() -> tuple[_MachineTag, ...]:
    """Every machine tag of the shipped taxonomies, loaded once per process (~50 ms)."""
    from pytaxonomies import Taxonomies

    found = []
    taxonomies = Taxonomies()
    for namespace in sorted(taxonomies.keys()):
        if namespace.lower() in EXCLUDED_NAMESPACES:
            continue
        taxonomy = taxonomies.get(namespace)
        expanded = _expanded_labels(taxonomy)
        for name in taxonomy.machinetags():
            label = expanded.get(name) or readable_tag(name).text
            found.append(_MachineTag(name, _clip(label), f"{name} {label}".lower()))
    return tuple(found)


def _clip(text: str, limit: int = 90) -> str:
    # Some taxonomies describe a tag in a paragraph; a suggestion list needs a line.
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _expanded_labels(taxonomy) -> dict[str, str]:
    """Machine tag -> "Predicate: Value" in the taxonomy's own words, where it has them."""
    labels = {}
    for predicate in taxonomy.predicates.values():
        entries = getattr(predicate, "entries", None) or {}
        head = getattr(predicate, "expanded", None) or predicate.predicate
        for entry in entries.values():
            value = getattr(entry, "expanded", None) or entry.value
            labels[f'{taxonomy.name}:{predicate.predicate}="{entry.value}"'] = f"{head}: {value}"
        if not entries:
            labels[f"{taxonomy.name}:{predicate.predicate}"] = head
    return labels


def suggest(user, typed: str) -> list[Suggestion]:
    """Up to ``MAX_SUGGESTIONS`` tags for what ``user`` typed: tags in use on articles they
    may read first (by name), then machine tags (names starting with the text first)."""
    text = " ".join(typed.split())[:120]
    if len(text) < MIN_QUERY:
        return []
    readable = Article.objects.visible_to(user).filter(pk=OuterRef("article_id"))
    in_use_links = ArticleTag.objects.filter(tag=OuterRef("pk")).filter(Exists(readable))
    in_use = list(
        Tag.objects.filter(name__icontains=text)
        .exclude(name__istartswith="tlp:")
        .filter(Exists(in_use_links))
        .order_by("name")
        .values_list("name", flat=True)[:MAX_SUGGESTIONS]
    )
    found = [Suggestion(name, readable_tag(name).text, in_use=True) for name in in_use]
    taken = {name.lower() for name in in_use}
    needle = text.lower()
    starts, contains = [], []
    for tag in machine_tags():
        if needle in tag.haystack and tag.name.lower() not in taken:
            (starts if tag.name.lower().startswith(needle) else contains).append(tag)
            if len(starts) >= MAX_SUGGESTIONS:
                break
    for tag in (starts + contains)[: MAX_SUGGESTIONS - len(found)]:
        found.append(Suggestion(tag.name, tag.label, in_use=False))
    return found
