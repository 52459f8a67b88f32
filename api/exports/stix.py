"""STIX 2.1 bundles of a scope of articles (an article, a story, a brief, a search).

The bundle holds one ``report`` for the scope and, in its ``object_refs``, everything the
scope's articles found (docs/exports.md has the mapping table):

- an ``indicator`` (pattern checked with stix2-patterns) and its observable for every
  indicator the author wrote that is not on a warning list; hosts only *derived* from a
  URL or an e-mail address and known-benign values are observables without an indicator;
- CVEs as ``vulnerability``; threat actors as ``intrusion-set`` (the MISP threat-actor
  galaxy names groups, which STIX calls intrusion sets); ``malware``, ``tool``,
  ``attack-pattern`` (with its ATT&CK reference); sectors as ``identity`` (class) and
  countries as ``location``; sources as ``identity`` (organization);
- relationships drawn conservatively, only from articles that name exactly one threat
  actor (it ``uses`` the malware, tools and techniques, ``targets`` the sectors, countries
  and CVEs; their indicators ``indicates`` it) or exactly one malware (their indicators
  ``indicates`` it); an indicator is ``based-on`` its observable.

Every object carries the TLP 2.0 marking of the most restrictive article of the scope it
came from. Ids are deterministic (UUIDv5 over ``NAMESPACE`` and the canonical value;
observables use STIX's own deterministic ids), so exporting again updates objects in a
consumer instead of duplicating them; an id's ``created`` is the same in every export
(``VALUE_CREATED``, or a report's own fixed date) and ``modified`` carries the scope's dates.

The bundle is produced as text chunks (``bundle_chunks``) in constant memory: objects are
written as the queries stream, the report last, its ``object_refs`` written by a second pass
over the same queries rather than kept in a list.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial

import stix2
from django.db.models import QuerySet
from stix2.base import SCO_DET_ID_NAMESPACE
from stix2.canonicalization.Canonicalize import canonicalize
from stix2patterns.validator import run_validator

from api.exports import scope as scopes

log = logging.getLogger(__name__)

# Fixed for ever: changing it changes every id this portal has ever exported.
NAMESPACE = uuid.UUID("6f1d4c2a-3b59-5e0c-9a57-1c7e4b2d8f30")

TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
# The OASIS TLP 2.0 marking definitions (cti-stix-common-objects, tlp-2.0).
TLP2_IDS = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
EPOCH = dt.datetime(2022, 10, 1, tzinfo=dt.UTC)
# The ``created`` of every object whose id is derived from a value (an indicator, a group, a
# technique, a relationship...). STIX identifies a version by id + ``modified`` and forbids
# ``created`` to differ between versions; a value has no single creation time the portal could
# give every reader in every export without leaking (the first article that named it may be
# one the reader cannot see, and an earlier one may arrive later). So it is a fixed time that
# claims nothing; what the reader may know of the value's dates is in ``valid_from``,
# ``first_seen``/``last_seen`` and ``modified``. The Unix epoch, so no ``modified`` is earlier.
VALUE_CREATED = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
PORTAL_NAME = "Intel Portal"
ATTACK_URL = "https://attack.mitre.org/techniques/{}/"


def ms(moment: dt.datetime) -> dt.datetime:
    """``moment`` to the millisecond: STIX timestamps of versions have exactly three decimals
    (stix2 would write six), and TAXII's manifest gives the same text as the object."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@lru_cache(maxsize=8)
def tlp_marking(label: str) -> stix2.MarkingDefinition:
    return stix2.MarkingDefinition(
        id=TLP2_IDS[label],
        created=EPOCH,
        name=f"TLP:{label.upper()}",
        extensions={TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": label}},
    )


def sdo_id(stix_type: str, canonical: str) -> str:
    return f"{stix_type}--{uuid.uuid5(NAMESPACE, f'{stix_type}:{canonical}')}"


PORTAL_ID = sdo_id("identity", f"portal:{PORTAL_NAME}")


def relationship_id(kind: str, source: str, target: str) -> str:
    return sdo_id("relationship", f"{kind}|{source}|{target}")


# ------------------------------------------------------------------------------- patterns

# indicator type -> (observable type, pattern path)
PATTERN_PATHS = {
    "ipv4": ("ipv4-addr", "ipv4-addr:value"),
    "ipv6": ("ipv6-addr", "ipv6-addr:value"),
    "domain": ("domain-name", "domain-name:value"),
    "url": ("url", "url:value"),
    "email": ("email-addr", "email-addr:value"),
    "md5": ("file", "file:hashes.MD5"),
    "sha1": ("file", "file:hashes.'SHA-1'"),
    "sha256": ("file", "file:hashes.'SHA-256'"),
    "sha512": ("file", "file:hashes.'SHA-512'"),
}
HASH_NAMES = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256", "sha512": "SHA-512"}
OBSERVABLES = {
    "ipv4": stix2.IPv4Address,
    "ipv6": stix2.IPv6Address,
    "domain": stix2.DomainName,
    "url": stix2.URL,
    "email": stix2.EmailAddress,
}


def pattern_for(kind: str, value: str) -> str | None:
    """The STIX pattern matching ``value``, or None when it cannot form a valid one (logged)."""
    if kind not in PATTERN_PATHS:
        return None
    return _checked_pattern(kind, value)


@lru_cache(maxsize=1024)
def _checked_pattern(kind: str, value: str) -> str | None:
    literal = value.replace("\\", "\\\\").replace("'", "\\'")
    pattern = f"[{PATTERN_PATHS[kind][1]} = '{literal}']"
    try:
        errors = run_validator(pattern, stix_version="2.1")
    except (UnicodeError, ValueError) as exc:  # a lone surrogate, say: not even parseable text
        errors = [str(exc)]
    if errors:
        log.warning("%s %r cannot form a valid STIX pattern, left out: %s", kind, value, errors[0])
        return None
    return pattern


def _observable_key(kind: str, value: str) -> dict:
    return {"hashes": {HASH_NAMES[kind]: value}} if kind in HASH_NAMES else {"value": value}


def observable_id(kind: str, value: str) -> str:
    """STIX's deterministic id for the observable (spec 2.9: UUIDv5 over the canonical JSON
    of its id-contributing properties) — what stix2 computes, without building the object."""
    data = canonicalize(_observable_key(kind, value), utf8=False)
    return f"{PATTERN_PATHS[kind][0]}--{uuid.uuid5(SCO_DET_ID_NAMESPACE, data)}"


def observable_for(kind: str, value: str, markings: list[str]):
    factory = stix2.File if kind in HASH_NAMES else OBSERVABLES[kind]
    return factory(
        id=observable_id(kind, value), object_marking_refs=markings, **_observable_key(kind, value)
    )


@lru_cache(maxsize=1)
def _country_codes() -> dict[str, str]:
    """Galaxy cluster uuid -> ISO 3166-1 alpha-2 code, from the MISP country galaxy."""
    from articles.enrichment.galaxies import load_cluster_values

    return {
        entry["uuid"]: entry["meta"]["ISO"]
        for entry in load_cluster_values("country")
        if entry.get("meta", {}).get("ISO")
    }


# ---------------------------------------------------------------------------- the report


@dataclass
class ReportInfo:
    """What the scope's report says about itself (built by the ``report_for_*`` helpers)."""

    id: str
    name: str
    published: dt.datetime
    description: str = ""
    report_types: list[str] = field(default_factory=lambda: ["threat-report"])
    external_references: list[dict] = field(default_factory=list)
    created_by_ref: str = PORTAL_ID
    # Fixed for the report's id (see VALUE_CREATED); an article's report uses its ingestion.
    created: dt.datetime = VALUE_CREATED
    # When the report last changed (its findings re-enriched, say); never before published.
    modified: dt.datetime | None = None


def report_for_article(article) -> ReportInfo:
    refs = [{"source_name": article.source.name, "url": article.url}] if article.url else []
    return ReportInfo(
        id=sdo_id("report", f"article:{article.pk}"),
        name=article.title,
        published=article.published_at,
        description=article.summary or article.teaser or article.auto_summary,
        external_references=refs,
        created_by_ref=sdo_id("identity", f"source:{article.source.name}"),
        # When the portal first had the article: it never changes, unlike the feed's date.
        created=article.ingested_at,
        modified=max(
            filter(
                None, [article.published_at, article.processed_at, article.updated_at, article.ingested_at]
            )
        ),
    )


def report_for_story(story_id: int, lead, latest: dt.datetime | None = None) -> ReportInfo:
    """``lead``: the story's first article the reader may read; ``latest``: when the last of
    them was published, enriched or edited (a new article in the story is a new version;
    one leaving it, or the reader's view, can make ``modified`` go back)."""
    return ReportInfo(
        id=sdo_id("report", f"story:{story_id}"),
        name=lead.title,
        published=lead.published_at,
        description=f"Every report of story {story_id} you may read.",
        modified=latest,
    )


def report_for_brief(brief) -> ReportInfo:
    snapshot = brief.snapshot
    return ReportInfo(
        id=sdo_id("report", f"brief:{brief.pk}"),
        name=brief.heading,
        published=snapshot.published_at,
        description=brief.executive_summary,
        created=brief.created_at,
        modified=max(brief.created_at, snapshot.published_at),
    )


def report_for_search(query: str, now: dt.datetime) -> ReportInfo:
    return ReportInfo(
        id=sdo_id("report", f"search:{query}"),
        name=f"Search: {query}" if query else "Articles",
        published=now,
        description=f"Articles matching {query!r}." if query else "",
        modified=now,  # the result may differ every time: each export is a new version
    )


# ------------------------------------------------------------------------------- objects


def _markings(rank: int) -> list[str]:
    return [TLP2_IDS[scopes.label_of(rank)]]


def _common(row: dict) -> dict:
    return {
        "created": VALUE_CREATED,
        "modified": ms(row["last_seen"]),
        "created_by_ref": PORTAL_ID,
        "object_marking_refs": _markings(row["rank"]),
    }


def _entity_object(row: dict):
    kind, name = row["entity__kind"], row["entity__name"]
    if kind == "threat-actor":
        return stix2.IntrusionSet(id=sdo_id("intrusion-set", name), name=name, **_seen(row), **_common(row))
    if kind == "malware":
        return stix2.Malware(
            id=sdo_id("malware", name), name=name, is_family=True, **_seen(row), **_common(row)
        )
    if kind == "tool":
        return stix2.Tool(id=sdo_id("tool", name), name=name, **_common(row))
    if kind == "attack-pattern":
        technique = row["entity__external_id"]
        refs = (
            [
                {
                    "source_name": "mitre-attack",
                    "external_id": technique,
                    "url": ATTACK_URL.format(technique.replace(".", "/")),
                }
            ]
            if technique
            else []
        )
        return stix2.AttackPattern(
            id=sdo_id("attack-pattern", technique or name),
            name=name,
            external_references=refs,
            **_common(row),
        )
    if kind == "sector":
        return stix2.Identity(id=entity_ref(row), name=name, identity_class="class", **_common(row))
    if kind == "country":
        code = _country_codes().get(row["entity__uuid"])
        if code is None:
            log.warning("country %r has no ISO code in the galaxy, left out", name)
            return None
        return stix2.Location(id=sdo_id("location", code), name=name, country=code, **_common(row))
    return None


def _seen(row: dict) -> dict:
    """The first and last publication among the export's articles naming it: STIX's
    ``first_seen``/``last_seen`` of an intrusion set or a malware family."""
    return {"first_seen": ms(row["first_seen"]), "last_seen": ms(row["last_seen"])}


def entity_ref(row: dict, prefix: str = "entity__") -> str | None:
    """The id ``_entity_object`` gives the entity in ``row`` (None if it is left out)."""
    kind, name = row[f"{prefix}kind"], row[f"{prefix}name"]
    if kind == "threat-actor":
        return sdo_id("intrusion-set", name)
    if kind in ("malware", "tool"):
        return sdo_id(kind, name)
    if kind == "attack-pattern":
        return sdo_id("attack-pattern", row[f"{prefix}external_id"] or name)
    if kind == "sector":
        return sdo_id("identity", f"sector:{name}")
    if kind == "country":
        code = _country_codes().get(row[f"{prefix}uuid"])
        return sdo_id("location", code) if code else None
    return None


def indicator_ids(row: dict) -> Iterator[str]:
    """The ids of a sighted value's objects (``row`` as ``scope.indicator_rows`` gives it)."""
    for ref, _make in _indicator_entries(row):
        yield ref


def _indicator_entries(row: dict) -> Iterator[tuple[str, Callable]]:
    """(id, factory) of a sighted value's objects: a CVE's vulnerability; else its observable,
    and an indicator when the author wrote the value and it is not known benign."""
    kind, value = row["indicator__type"], row["indicator__value"]
    if kind == "cve":
        yield sdo_id("vulnerability", value), partial(_vulnerability, row)
        return
    if kind not in PATTERN_PATHS:
        return
    yield observable_id(kind, value), partial(_observable, row)
    if row["indicator__benign"] or not row["written"]:
        return  # known benign, or only a host taken from a URL/e-mail: an observable only
    pattern = pattern_for(kind, value)
    if pattern is not None:
        yield sdo_id("indicator", pattern), partial(_indicator, row, pattern)


def _observable(row: dict):
    return observable_for(row["indicator__type"], row["indicator__value"], _markings(row["rank"]))


def _vulnerability(row: dict) -> stix2.Vulnerability:
    value = row["indicator__value"]
    return stix2.Vulnerability(
        id=sdo_id("vulnerability", value),
        name=value,
        external_references=[{"source_name": "cve", "external_id": value}],
        **_common(row),
    )


def _indicator(row: dict, pattern: str) -> stix2.Indicator:
    value = row["indicator__value"]
    return stix2.Indicator(
        id=sdo_id("indicator", pattern),
        name=value,
        pattern=pattern,
        pattern_type="stix",
        valid_from=ms(row["first_seen"]),
        indicator_types=["malicious-activity"],
        description=f"Seen in {row['articles']} article(s).",
        **_common(row),
    )


def indicator_ref(kind: str, value: str) -> str | None:
    """The id of the indicator (or vulnerability, for a CVE) for this value."""
    if kind == "cve":
        return sdo_id("vulnerability", value)
    pattern = pattern_for(kind, value)
    return sdo_id("indicator", pattern) if pattern else None


def _relationship(kind: str, source: str, target: str, row: dict, why: str = "") -> stix2.Relationship:
    return stix2.Relationship(
        id=relationship_id(kind, source, target),
        relationship_type=kind,
        source_ref=source,
        target_ref=target,
        description=why or None,
        **_common(row),
    )


def _source_object(row: dict) -> stix2.Identity:
    return stix2.Identity(
        id=sdo_id("identity", f"source:{row['source__name']}"),
        name=row["source__name"],
        identity_class="organization",
        description=f"Source reliability (Admiralty): {row['source__reliability']}",
        **_common(row),
    )


def portal_identity() -> stix2.Identity:
    return stix2.Identity(
        id=PORTAL_ID,
        name=PORTAL_NAME,
        identity_class="system",
        created=EPOCH,
        modified=EPOCH,
        object_marking_refs=[TLP2_IDS["clear"]],
    )


def scope_entries(articles: QuerySet) -> Iterator[tuple[str, Callable]]:
    """(id, factory) of every object of the scope but the report and the markings, streamed.
    The ids follow the objects' own rules without building them (stix2 objects are costly:
    the report's object_refs pass and TAXII's version check need only the ids)."""
    from api.exports import stix_relations

    return entries_from(
        scopes.source_rows(articles).iterator(chunk_size=scopes.CHUNK),
        scopes.entity_rows(articles).iterator(chunk_size=scopes.CHUNK),
        scopes.indicator_rows(articles).iterator(chunk_size=scopes.CHUNK),
        stix_relations.relations(articles),
    )


def entries_from(sources, entities, indicators, relations) -> Iterator[tuple[str, Callable]]:
    """(id, factory) of the objects of the given rows (as ``scope.source_rows``,
    ``entity_rows``, ``indicator_rows`` and ``stix_relations.relations`` give them), the
    portal's identity first."""
    yield PORTAL_ID, portal_identity
    for row in sources:
        yield sdo_id("identity", f"source:{row['source__name']}"), partial(_source_object, row)
    for row in entities:
        ref = entity_ref(row)
        if ref is not None:
            yield ref, partial(_entity_object, row)
    for row in indicators:
        yield from _indicator_entries(row)
    for kind, source, target, row, why in relations:
        yield relationship_id(kind, source, target), partial(_relationship, kind, source, target, row, why)


def scope_objects(articles: QuerySet) -> Iterator:
    """Every object of the scope but the report and the markings, streamed."""
    for _ref, make in scope_entries(articles):
        yield make()


def scope_ids(articles: QuerySet) -> Iterator[str]:
    """The ids of ``scope_objects``, in the same order, without building the objects."""
    for ref, _make in scope_entries(articles):
        yield ref


# -------------------------------------------------------------------------------- bundle


def bundle_chunks(articles: QuerySet, report: ReportInfo) -> Iterator[str]:
    """The bundle as JSON text, in chunks: markings, objects, then the report."""
    labels = sorted(
        set(articles.order_by().values_list("tlp", flat=True).distinct()), key=scopes.TLP_ORDER.index
    )
    top = labels[-1] if labels else "clear"
    bundle_id = f"bundle--{uuid.uuid5(NAMESPACE, report.id)}"
    yield f'{{"type": "bundle", "id": "{bundle_id}", "objects": [\n'
    for label in labels or ["clear"]:
        yield tlp_marking(label).serialize() + ",\n"
    for count, obj in enumerate(scope_objects(articles), start=1):
        yield obj.serialize() + ",\n"
        _collect_cycles(count)
    prefix, suffix = _report_frame(report, top)
    yield prefix
    for count, ref in enumerate(scope_ids(articles)):
        yield (", " if count else "") + json.dumps(ref)
        _collect_cycles(count + 1)
    yield suffix + "\n]}\n"


# stix2 objects (and the pattern parser's) hold reference cycles, which only the cyclic
# collector frees; left to its own schedule, the garbage grew with the export (peak 3.4 MB at
# 10,000 indicators, 4.8 MB at 20,000). A young-generation pass every 1,000 objects and a full
# one every 10,000 keep it flat (2.4 and 2.5 MB) and made the export faster, with less garbage
# to walk (bench/README.md, export_speed.py).
COLLECT_EVERY = 1000


def _collect_cycles(count: int) -> None:
    if count % COLLECT_EVERY == 0:
        # Cycles that outlived two young passes reach the oldest generation: a full pass
        # every ten (~50 ms on a Django process) frees those too.
        gc.collect(2 if count % (10 * COLLECT_EVERY) == 0 else 1)


def report_object(report: ReportInfo, label: str, refs: list[str]) -> stix2.Report:
    return stix2.Report(
        id=report.id,
        name=report.name,
        description=report.description or None,
        published=ms(report.published),
        created=ms(report.created),
        modified=ms(max(report.created, report.published, report.modified or report.published)),
        report_types=report.report_types,
        created_by_ref=report.created_by_ref,
        external_references=report.external_references or None,
        object_refs=refs,
        object_marking_refs=[TLP2_IDS[label]],
    )


def _report_frame(report: ReportInfo, label: str) -> tuple[str, str]:
    """The report serialized around its ``object_refs`` list, which the caller streams."""
    placeholder = PORTAL_ID  # always the first object, so object_refs is never empty
    text = report_object(report, label, [placeholder]).serialize()
    marker = json.dumps([placeholder])
    at = text.index(marker)
    return text[: at + 1], text[at + len(marker) - 1 :]


def bundle_text(articles: QuerySet, report: ReportInfo) -> str:
    return "".join(bundle_chunks(articles, report))
