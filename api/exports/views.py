"""Export downloads: STIX bundles, MISP events and the MISP feed, blocklists (TAXII is in
``taxii_views``). Every view authenticates with ``auth.export_view`` and reads through the
scopes of ``api.exports.scope``; what the reader may not see answers exactly like what does
not exist (404, the same body)."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from api.exports import blocklists, misp, stix
from api.exports import scope as scopes
from api.exports.auth import error_response, export_view

STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
NOT_FOUND = "Not found."
FEED_MAX_DAYS = 3650


def not_found() -> HttpResponse:
    return error_response(404, NOT_FOUND)


def _private(response: HttpResponse) -> HttpResponse:
    """Per-user content: never stored by a shared cache, and varies with the credentials."""
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Authorization, Cookie"
    return response


def _bundle(articles, report: stix.ReportInfo, filename: str) -> HttpResponse:
    response = StreamingHttpResponse(stix.bundle_chunks(articles, report), content_type=STIX_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.stix.json"'
    return _private(response)


# ------------------------------------------------------------------------------------ STIX


@export_view()
def stix_article(request: HttpRequest, pk: int) -> HttpResponse:
    articles = scopes.article_scope(request.user, pk)
    article = articles.select_related("source").first()
    if article is None:
        return not_found()
    return _bundle(articles, stix.report_for_article(article), f"article-{pk}")


@export_view()
def stix_story(request: HttpRequest, pk: int) -> HttpResponse:
    articles = scopes.story_scope(request.user, pk)
    lead = articles.order_by("published_at", "pk").first()
    if lead is None:
        return not_found()
    dates = articles.order_by().aggregate(
        published=Max("published_at"), enriched=Max("processed_at"), edited=Max("updated_at")
    )
    latest = max(filter(None, dates.values()))
    return _bundle(articles, stix.report_for_story(pk, lead, latest), f"story-{pk}")


@export_view()
def stix_brief(request: HttpRequest, pk: int) -> HttpResponse:
    brief = scopes.readable_brief(request.user, pk)
    if brief is None:
        return not_found()
    return _bundle(scopes.brief_scope(request.user, brief), stix.report_for_brief(brief), f"brief-{pk}")


@export_view()
def stix_search(request: HttpRequest) -> HttpResponse:
    articles, filterset = scopes.search_scope(request.user, request.GET)
    if not filterset.is_valid():
        return JsonResponse({"detail": "Invalid filters.", "errors": filterset.errors}, status=400)
    report = stix.report_for_search(request.GET.get("q", "").strip(), timezone.now())
    return _bundle(articles, report, "search")


# ------------------------------------------------------------------------------------ MISP


def _article_event(user, pk: int):
    articles = scopes.article_scope(user, pk)
    article = articles.select_related("source").first()
    return None if article is None else misp.article_event(article, articles)


def _brief_event(user, pk: int):
    brief = scopes.readable_brief(user, pk)
    return None if brief is None else misp.brief_event(brief, scopes.brief_scope(user, brief))


def _event(user, kind: str, pk: int):
    return _article_event(user, pk) if kind == "article" else _brief_event(user, pk)


@export_view()
def misp_article(request: HttpRequest, pk: int) -> HttpResponse:
    event = _article_event(request.user, pk)
    return not_found() if event is None else _private(JsonResponse(misp.event_json(event)))


@export_view()
def misp_brief(request: HttpRequest, pk: int) -> HttpResponse:
    event = _brief_event(request.user, pk)
    return not_found() if event is None else _private(JsonResponse(misp.event_json(event)))


def _feed_since(request: HttpRequest):
    raw = request.GET.get("days", "")
    days = int(raw) if raw.isdigit() and len(raw) < 6 else settings.MISP_FEED_DAYS
    return timezone.now() - dt.timedelta(days=min(max(days, 1), FEED_MAX_DAYS))


def _feed_entries(request: HttpRequest):
    user = request.user
    for kind, pk in misp.feed_events(user, _feed_since(request)):
        event = _event(user, kind, pk)
        if event is not None:
            yield misp.feed_entry(event)


@export_view()
def misp_feed_manifest(request: HttpRequest) -> HttpResponse:
    """``manifest.json``: every event of the reader's feed, with its tags and timestamp."""

    def chunks():
        yield "{"
        first = True
        for feed, manifest, _hashes in _feed_entries(request):
            uid = feed["Event"]["uuid"]
            yield ("" if first else ",\n") + f"{json.dumps(uid)}: {json.dumps(manifest)}"
            first = False
        yield "}\n"

    return _private(StreamingHttpResponse(chunks(), content_type="application/json"))


@export_view(content_type="text/csv")
def misp_feed_hashes(request: HttpRequest) -> HttpResponse:
    """``hashes.csv``: the MD5 of every attribute value, with its event's uuid."""

    def chunks():
        for feed, _manifest, hashes in _feed_entries(request):
            uid = feed["Event"]["uuid"]
            yield "".join(f"{h},{uid}\n" for h in hashes)

    return _private(StreamingHttpResponse(chunks(), content_type="text/csv"))


@export_view()
def misp_feed_event(request: HttpRequest, uid: str) -> HttpResponse:
    parsed = misp.parse_event_uuid(uid)
    event = None if parsed is None else _event(request.user, *parsed)
    if event is None:
        return not_found()
    return _private(JsonResponse(misp.event_json(event)))


# ------------------------------------------------------------------------------ blocklists


@export_view(content_type="text/plain")
def blocklist(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in blocklists.TYPES or fmt not in blocklists.FORMATS:
        return error_response(404, NOT_FOUND, "text/plain")
    try:
        filters = blocklists.BlocklistFilters.from_query(request.GET)
    except blocklists.FilterError as exc:
        return HttpResponse(f"{exc}\n", status=400, content_type="text/plain; charset=utf-8")
    sightings = blocklists.sightings_for(request.user, kind, filters)
    etag, changed = blocklists.validators(sightings, kind, fmt, filters)
    last_modified = int(changed.timestamp()) if changed else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        not_modified["ETag"] = etag
        return _private(not_modified)
    if fmt == "csv":
        body, content_type = blocklists.csv_chunks(sightings, kind), "text/csv; charset=utf-8"
    else:
        body, content_type = blocklists.text_chunks(sightings, kind, filters), "text/plain; charset=utf-8"
    response = StreamingHttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    if changed:
        response["Last-Modified"] = http_date(last_modified)
    response["Content-Disposition"] = f'inline; filename="{kind}.{fmt}"'
    return _private(response)
