"""Export URLs, included by api/urls.py under /api/v1/ (names live in the ``api`` namespace)."""

from django.urls import path

from api.exports import (
    converters,  # noqa: F401 (registers blocklist_kind, blocklist_format, feed_event_id)
    taxii_views,
    views,
)
from articles import converters as _ids  # noqa: F401 (registers <id:…>)

TAXII_COLLECTION = "taxii2/root/collections/<str:collection_id>/"

urlpatterns = [
    path("exports/stix/articles/<id:pk>/", views.stix_article, name="export-stix-article"),
    path("exports/stix/stories/<id:pk>/", views.stix_story, name="export-stix-story"),
    path("exports/stix/briefs/<id:pk>/", views.stix_brief, name="export-stix-brief"),
    path("exports/stix/search/", views.stix_search, name="export-stix-search"),
    path("exports/misp/articles/<id:pk>/", views.misp_article, name="export-misp-article"),
    path("exports/misp/briefs/<id:pk>/", views.misp_brief, name="export-misp-brief"),
    path("exports/misp/feed/manifest.json", views.misp_feed_manifest, name="export-misp-manifest"),
    path("exports/misp/feed/hashes.csv", views.misp_feed_hashes, name="export-misp-hashes"),
    path("exports/misp/feed/<feed_event_id:uid>.json", views.misp_feed_event, name="export-misp-event"),
    path(
        "exports/blocklists/<blocklist_kind:kind>.<blocklist_format:fmt>",
        views.blocklist,
        name="export-blocklist",
    ),
    path("taxii2/", taxii_views.discovery, name="taxii-discovery"),
    path("taxii2/root/", taxii_views.api_root, name="taxii-root"),
    path("taxii2/root/collections/", taxii_views.collections, name="taxii-collections"),
    path(TAXII_COLLECTION, taxii_views.collection, name="taxii-collection"),
    path(f"{TAXII_COLLECTION}objects/", taxii_views.objects, name="taxii-objects"),
    path(f"{TAXII_COLLECTION}objects/<str:object_id>/", taxii_views.objects, name="taxii-object"),
    path(f"{TAXII_COLLECTION}manifest/", taxii_views.manifest, name="taxii-manifest"),
]
