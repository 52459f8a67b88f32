"""TAXII 2.1 endpoints (read-only): discovery, one API root, its collections, and each
collection's objects and manifest (``api.exports.taxii`` holds the rules).

A collection the reader may not list answers 404 with the same body as one that does not
exist; errors use TAXII's error message and media type.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from api.exports import taxii
from api.exports.auth import error_response, export_view
from api.exports.taxii_versions import VersionError, VersionMatch

TITLE = "Intel Portal TAXII 2.1"
ACCEPTABLE = ("taxii+json", "*/*", "application/*")


def _json(body: dict | str, status: int = 200) -> HttpResponse:
    text = body if isinstance(body, str) else json.dumps(body)
    response = HttpResponse(text, status=status, content_type=taxii.MEDIA_TYPE)
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Authorization, Cookie"
    return response


def _error(status: int, message: str) -> HttpResponse:
    return error_response(status, message, taxii.MEDIA_TYPE)


def taxii_view(view):
    """``export_view`` with TAXII's media type, and 406 for an Accept it cannot serve."""

    @export_view(content_type=taxii.MEDIA_TYPE)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        accept = request.headers.get("Accept", "")
        if accept and not any(kind in accept for kind in ACCEPTABLE):
            return _error(406, f"This server answers {taxii.MEDIA_TYPE}.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _root_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("api:taxii-root"))


@taxii_view
def discovery(request: HttpRequest) -> HttpResponse:
    root = _root_url(request)
    return _json(
        {
            "title": TITLE,
            "description": "STIX 2.1 objects from the articles you may read, one collection per TLP label.",
            "default": root,
            "api_roots": [root],
        }
    )


@taxii_view
def api_root(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "title": TITLE,
            "versions": [taxii.MEDIA_TYPE],
            "max_content_length": 0,  # read-only: nothing may be posted
        }
    )


@taxii_view
def collections(request: HttpRequest) -> HttpResponse:
    labels = taxii.readable_labels(request.user)
    return _json({"collections": [taxii.collection_resource(label) for label in labels]})


@taxii_view
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    label = taxii.label_for_collection(request.user, collection_id)
    if label is None:
        return _error(404, "No such collection.")
    return _json(taxii.collection_resource(label))


def _page(request: HttpRequest, collection_id: str, object_id: str | None):
    """The page the query asks for, or an error response."""
    label = taxii.label_for_collection(request.user, collection_id)
    if label is None:
        return _error(404, "No such collection.")
    params = request.GET
    added_after = None
    if params.get("added_after"):
        added_after = parse_datetime(params["added_after"])
        if added_after is None or added_after.tzinfo is None:
            return _error(400, "added_after: use a timestamp such as 2026-01-31T12:00:00.000Z.")
    cursor = None
    if params.get("next"):
        try:
            cursor = taxii.Cursor.decode(params["next"])
        except taxii.CursorError as exc:
            return _error(400, str(exc))
    raw_limit = params.get("limit", "")
    if raw_limit and not raw_limit.isdigit():
        return _error(400, "limit: use a whole number.")
    limit = min(int(raw_limit or taxii.DEFAULT_LIMIT) or taxii.DEFAULT_LIMIT, taxii.MAX_LIMIT)
    types = {t for value in params.getlist("match[type]") for t in value.split(",") if t}
    ids = {i for value in params.getlist("match[id]") for i in value.split(",") if i}
    if object_id is not None:
        ids = {object_id}
    try:
        versions = VersionMatch.parse(params.getlist("match[version]"))
    except VersionError as exc:
        return _error(400, str(exc))
    return taxii.page(
        request.user,
        label,
        added_after=added_after,
        cursor=cursor,
        limit=limit,
        types=types,
        ids=ids,
        versions=versions,
    )


def _envelope_response(page: taxii.Page, items: list[str]) -> HttpResponse:
    head = {"more": page.more}
    if page.next:
        head["next"] = page.next
    body = json.dumps(head)[:-1] + ', "objects": [' + ", ".join(items) + "]}"
    if not items:
        body = json.dumps(head)  # an empty page has no "objects"
    response = _json(body)
    if page.entries:
        response["X-TAXII-Date-Added-First"] = taxii.timestamp(page.entries[0].added)
        response["X-TAXII-Date-Added-Last"] = taxii.timestamp(page.entries[-1].added)
    return response


@taxii_view
def objects(request: HttpRequest, collection_id: str, object_id: str | None = None) -> HttpResponse:
    page = _page(request, collection_id, object_id)
    if isinstance(page, HttpResponse):
        return page
    if object_id is not None and not page.entries:
        return _error(404, "No such object.")
    return _envelope_response(page, [entry.obj.serialize() for entry in page.entries])


@taxii_view
def manifest(request: HttpRequest, collection_id: str) -> HttpResponse:
    page = _page(request, collection_id, None)
    if isinstance(page, HttpResponse):
        return page
    items = [
        json.dumps(
            {
                "id": entry.id,
                "date_added": taxii.timestamp(entry.added),
                "version": entry.version,
                "media_type": taxii.STIX_MEDIA_TYPE,
            }
        )
        for entry in page.entries
    ]
    return _envelope_response(page, items)
