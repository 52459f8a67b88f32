"""Blocklists: the non-benign indicators of one type, as plain text or CSV, for firewalls and
SIEM lookups.

A blocklist reads the sightings of the articles the token's user may see
(``visible_to``), narrowed by the request's filters (``BlocklistFilters``), leaves out
values on a warning list and, unless ``derived=1``, hosts only taken from a URL or an
e-mail address. Rows are grouped in the database and streamed (``iterator``), so 10,000
values take the same memory as ten.

``validators`` computes the ETag and Last-Modified from one aggregate over the same
sightings (their count, sum and maximum of ids, labels, and the articles' last change), so
a firewall polling every minute gets ``304 Not Modified`` until something it would receive
changes — and the validator depends only on rows the user may see.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Max, Min, QuerySet, Sum
from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime

from api.exports import scope as scopes
from articles.models import Reliability, Sighting
from articles.tlp import TLP_ORDER, parse_label

TYPES = ("ipv4", "ipv6", "domain", "url", "email", "md5", "sha1", "sha256", "sha512")
FORMATS = ("txt", "csv")
CSV_COLUMNS = ["value", "type", "first_seen", "last_seen", "articles", "tlp"]
# Reliability letters, best first; F ("cannot be judged") counts as the least reliable.
RELIABILITY_ORDER = [choice.value for choice in Reliability]
ROWS_PER_CHUNK = 500
# Bump when the output format changes, so cached copies are not reused.
FORMAT_VERSION = "1"
TRUE = {"1", "true", "yes", "on"}


class FilterError(ValueError):
    """A filter value that cannot be read; the message names the parameter."""


@dataclass(frozen=True)
class BlocklistFilters:
    since: dt.datetime | None = None
    sources: tuple[int, ...] = ()
    tlp: str | None = None
    reliability: str | None = None
    derived: bool = False

    @classmethod
    def from_query(cls, params: QueryDict) -> BlocklistFilters:
        return cls(
            since=_since(params.get("since", "")),
            sources=_sources(params.getlist("source")),
            tlp=_tlp(params.get("tlp", "")),
            reliability=_reliability(params.get("reliability", "")),
            derived=params.get("derived", "").strip().lower() in TRUE,
        )

    def key(self) -> str:
        since = self.since.isoformat() if self.since else ""
        return f"{since}|{','.join(map(str, self.sources))}|{self.tlp}|{self.reliability}|{self.derived}"

    def describe(self) -> str:
        parts = []
        if self.since:
            parts.append(f"since {self.since.isoformat()}")
        if self.sources:
            parts.append(f"sources {', '.join(map(str, self.sources))}")
        if self.tlp:
            parts.append(f"TLP at most {self.tlp.upper()}")
        if self.reliability:
            parts.append(f"source reliability {self.reliability} or better")
        parts.append("with derived hosts" if self.derived else "as written (no derived hosts)")
        return "; ".join(parts)


def _since(raw: str) -> dt.datetime | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            moment = dt.datetime.combine(day, dt.time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise FilterError("since: use a date (2026-01-31) or a date and time (2026-01-31T12:00:00Z).")
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _sources(raw: list[str]) -> tuple[int, ...]:
    ids = []
    for value in raw:
        for part in value.split(","):
            if not part.strip():
                continue
            if not part.strip().isdigit() or len(part.strip()) > 18:
                raise FilterError("source: use source ids (whole numbers), e.g. source=3&source=7.")
            ids.append(int(part))
    return tuple(sorted(set(ids)))


def _tlp(raw: str) -> str | None:
    if not raw.strip():
        return None
    try:
        return parse_label(raw)
    except ValueError:
        raise FilterError(f"tlp: use one of {', '.join(TLP_ORDER)}.") from None


def _reliability(raw: str) -> str | None:
    value = raw.strip().upper()
    if not value:
        return None
    if value not in RELIABILITY_ORDER:
        raise FilterError(f"reliability: use one of {', '.join(RELIABILITY_ORDER)} (A is best).")
    return value


def articles_for(user, filters: BlocklistFilters) -> QuerySet:
    """The articles a blocklist reads: what ``user`` may see, narrowed by ``filters``."""
    articles = scopes.visible(user)
    if filters.since:
        articles = articles.filter(published_at__gte=filters.since)
    if filters.sources:
        articles = articles.filter(source_id__in=filters.sources)
    if filters.tlp:
        articles = articles.filter(tlp__in=TLP_ORDER[: TLP_ORDER.index(filters.tlp) + 1])
    if filters.reliability:
        best = RELIABILITY_ORDER[: RELIABILITY_ORDER.index(filters.reliability) + 1]
        articles = articles.filter(source__reliability__in=best)
    return articles


def sightings_for(user, kind: str, filters: BlocklistFilters) -> QuerySet:
    sightings = Sighting.objects.filter(
        article__in=scopes.scope_ids(articles_for(user, filters)), indicator__type=kind, indicator__benign=""
    )
    return sightings if filters.derived else sightings.filter(derived_from="")


def rows(sightings: QuerySet) -> QuerySet:
    return (
        sightings.values("indicator__value")
        .annotate(
            first_seen=Min("article__published_at"),
            last_seen=Max("article__published_at"),
            articles=Count("article", distinct=True),
            rank=Max(scopes.tlp_rank("article__tlp")),
        )
        .order_by("indicator__value")
    )


def validators(
    sightings: QuerySet, kind: str, fmt: str, filters: BlocklistFilters
) -> tuple[str, dt.datetime | None]:
    """(ETag, Last-Modified) of the blocklist these sightings make, from one aggregate query."""
    agg = sightings.aggregate(
        n=Count("pk"),
        top=Max("pk"),
        total=Sum("pk"),
        labels=Sum(scopes.tlp_rank("article__tlp")),
        updated=Max("article__updated_at"),
        processed=Max("article__processed_at"),
    )
    changed = max(filter(None, [agg["updated"], agg["processed"]]), default=None)
    counts = f"{agg['n']}|{agg['top']}|{agg['total']}|{agg['labels']}"
    state = f"{FORMAT_VERSION}|{kind}|{fmt}|{filters.key()}|{counts}|{changed.isoformat() if changed else ''}"
    return '"' + hashlib.sha256(state.encode()).hexdigest()[:32] + '"', changed


def text_chunks(sightings: QuerySet, kind: str, filters: BlocklistFilters) -> Iterator[str]:
    yield f"# Intel Portal blocklist: {kind}, non-benign; {filters.describe()}\n"
    batch: list[str] = []
    for row in rows(sightings).iterator(chunk_size=scopes.CHUNK):
        batch.append(row["indicator__value"])
        if len(batch) >= ROWS_PER_CHUNK:
            yield "\n".join(batch) + "\n"
            batch = []
    if batch:
        yield "\n".join(batch) + "\n"


def csv_chunks(sightings: QuerySet, kind: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for count, row in enumerate(rows(sightings).iterator(chunk_size=scopes.CHUNK), start=1):
        writer.writerow(
            [
                row["indicator__value"],
                kind,
                row["first_seen"].isoformat(),
                row["last_seen"].isoformat(),
                row["articles"],
                scopes.label_of(row["rank"]),
            ]
        )
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
