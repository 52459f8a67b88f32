"""MISP events (PyMISP ``MISPEvent``) for an article or a published brief, and feed entries.

An event holds one attribute per indicator its articles found (docs/exports.md has the
type table). ``to_ids`` — "use this to detect" — is on only for values the author wrote
that no warning list names as benign: a known-benign value says so in its comment, and a
host only *derived* from a URL or an e-mail address (``Sighting.objects.derived()``) is
context, not a detection. CVEs are ``vulnerability`` attributes, never ``to_ids``.

Entities from MISP galaxies become their galaxy tags (``misp-galaxy:threat-actor="APT28"``);
the label becomes ``tlp:<label>`` and the source's Admiralty reliability
``admiralty-scale:source-reliability="b"``; the article's link and summary are attributes.
Uuids are deterministic, so a MISP instance pulling the feed again updates events.

Articles are read only through the scopes of ``api.exports.scope`` (``visible_to``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

from django.db.models import QuerySet
from pymisp import MISPEvent, MISPOrganisation

from api.exports import scope as scopes
from api.exports.stix import NAMESPACE, PORTAL_NAME

ATTRIBUTE_TYPES = {
    "ipv4": "ip-dst",
    "ipv6": "ip-dst",
    "domain": "domain",
    "url": "url",
    "email": "email-src",
    "md5": "md5",
    "sha1": "sha1",
    "sha256": "sha256",
    "sha512": "sha512",
    "cve": "vulnerability",
}
# MISP threat levels: 1 high, 2 medium, 3 low, 4 undefined.
THREAT_LEVELS = {"critical": 1, "high": 1, "medium": 2, "low": 3}
ORG_UUID = str(uuid.uuid5(NAMESPACE, f"misp-org:{PORTAL_NAME}"))


EVENT_KINDS = ("article", "brief")


def _kind_prefix(kind: str) -> bytes:
    return uuid.uuid5(NAMESPACE, f"misp-event:{kind}").bytes[:8]


def event_uuid(kind: str, pk: int) -> str:
    """A fixed uuid per article or brief that names it: 8 bytes for the kind, the RFC 4122
    variant, 7 bytes of the primary key. The feed's ``<uuid>.json`` is found by reading it
    back (``parse_event_uuid``) instead of looking through every event."""
    return str(uuid.UUID(bytes=_kind_prefix(kind) + b"\x80" + pk.to_bytes(7, "big")))


def parse_event_uuid(text: str) -> tuple[str, int] | None:
    try:
        raw = uuid.UUID(text).bytes
    except ValueError:
        return None
    for kind in EVENT_KINDS:
        if raw[:8] == _kind_prefix(kind) and raw[8] == 0x80:
            return kind, int.from_bytes(raw[9:], "big")
    return None


def _organisation() -> MISPOrganisation:
    org = MISPOrganisation()
    org.name = PORTAL_NAME
    org.uuid = ORG_UUID
    return org


def admiralty_tag(reliability: str) -> str:
    return f'admiralty-scale:source-reliability="{reliability.lower()}"'


def _new_event(uid: str, info: str, when: dt.datetime, label: str, modified: dt.datetime) -> MISPEvent:
    event = MISPEvent()
    event.uuid = uid
    event.info = info[:65535]
    event.date = when.date()
    event.analysis = 2  # completed: the article is published
    event.published = True
    event.timestamp = modified
    event.publish_timestamp = modified
    event.Orgc = _organisation()
    event.add_tag(f"tlp:{label}")
    return event


def _attribute(event: MISPEvent, kind: str, value: str, **kwargs):
    attribute = event.add_attribute(
        kind, value, uuid=str(uuid.uuid5(NAMESPACE, f"{event.uuid}:{kind}:{value}")), **kwargs
    )
    attribute.timestamp = event.timestamp
    return attribute


def _add_findings(event: MISPEvent, articles: QuerySet) -> None:
    for row in scopes.indicator_rows(articles).iterator(chunk_size=scopes.CHUNK):
        kind = row["indicator__type"]
        benign = row["indicator__benign"]
        comment = ""
        if benign:
            comment = f"Known benign ({benign})."
        elif not row["written"]:
            comment = "Host taken from a URL or e-mail address in the article."
        to_ids = kind != "cve" and not benign and bool(row["written"])
        _attribute(event, ATTRIBUTE_TYPES[kind], row["indicator__value"], to_ids=to_ids, comment=comment)
    for row in scopes.entity_rows(articles).iterator(chunk_size=scopes.CHUNK):
        if row["entity__ref"].startswith("misp-galaxy:"):
            event.add_tag(f'{row["entity__ref"]}="{row["entity__name"]}"')


def article_event(article, articles: QuerySet) -> MISPEvent:
    """The event of one article; ``articles`` is its scope (``scope.article_scope``)."""
    modified = max(filter(None, [article.published_at, article.processed_at, article.updated_at]))
    event = _new_event(
        event_uuid("article", article.pk), article.title, article.published_at, article.tlp, modified
    )
    event.threat_level_id = THREAT_LEVELS.get(article.priority, 4)
    event.add_tag(admiralty_tag(article.source.reliability))
    if article.url:
        _attribute(event, "link", article.url, category="External analysis", to_ids=False)
    summary = article.summary or article.executive_summary or article.auto_summary or article.teaser
    if summary:
        _attribute(event, "text", summary, category="External analysis", to_ids=False, comment="Summary")
    _add_findings(event, articles)
    return event


def brief_event(brief, articles: QuerySet) -> MISPEvent:
    """The event of a published brief; ``articles`` is ``scope.brief_scope``."""
    snapshot = brief.snapshot
    event = _new_event(
        event_uuid("brief", brief.pk),
        brief.heading,
        snapshot.published_at,
        snapshot.tlp,
        snapshot.published_at,
    )
    event.threat_level_id = 4
    if brief.executive_summary:
        _attribute(
            event,
            "text",
            brief.executive_summary,
            category="External analysis",
            to_ids=False,
            comment="Summary",
        )
    for article in articles.select_related("source").only("url", "title", "source__reliability"):
        if article.url:
            link = _attribute(
                event, "link", article.url, category="External analysis", to_ids=False, comment=article.title
            )
            link.add_tag(admiralty_tag(article.source.reliability))
    _add_findings(event, articles)
    return event


def event_json(event: MISPEvent) -> dict:
    """The event as a MISP feed file (``{"Event": …}``), loadable by ``MISPEvent.load``."""
    return event.to_feed(with_meta=False)


def feed_entry(event: MISPEvent) -> tuple[dict, dict, list[str]]:
    """What a MISP feed needs of an event: its file, its manifest entry (the value of
    ``manifest.json``'s key for this uuid), and the MD5 of each attribute value."""
    feed = event.to_feed(with_meta=True)
    hashes = feed["Event"].pop("_hashes")
    manifest = feed["Event"].pop("_manifest")
    return feed, manifest[event.uuid], hashes


def feed_events(user, since: dt.datetime) -> Iterator[tuple[str, int]]:
    """(kind, pk) of every event in ``user``'s feed: readable published briefs, and visible
    articles published since ``since`` that carry an indicator worth detecting."""
    from django.db.models import Exists, OuterRef

    from articles.models import Sighting
    from briefs.models import Brief

    for pk in Brief.objects.readable_by(user).order_by("pk").values_list("pk", flat=True).iterator():
        yield "brief", pk
    real = Sighting.objects.filter(article=OuterRef("pk"), derived_from="", indicator__benign="").exclude(
        indicator__type="cve"
    )
    articles = scopes.visible(user).filter(published_at__gte=since).filter(Exists(real)).order_by("pk")
    for pk in articles.values_list("pk", flat=True).iterator(chunk_size=scopes.CHUNK):
        yield "article", pk
