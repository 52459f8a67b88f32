"""/api/v1/ (mounted in intelportal/urls.py; docs/api.md).

The exports (api/exports/) bring their own URLconf, included at the end when present.
"""

from importlib.util import find_spec

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from api import docs_views
from api.views import articles, briefs, intel, meta, workspace
from articles import converters  # noqa: F401 (registers <id:…>: ids that fit a 64-bit key)

app_name = "api"


def _exports_present() -> bool:
    try:
        return find_spec("api.exports.urls") is not None
    except ModuleNotFoundError:
        return False


urlpatterns: list = [
    path("me/", meta.MeView.as_view(), name="me"),
    path("articles/", articles.ArticleList.as_view(), name="article-list"),
    path("articles/<id:pk>/", articles.ArticleDetail.as_view(), name="article-detail"),
    path("articles/<id:pk>/tags/", articles.ArticleTags.as_view(), name="article-tags"),
    path("articles/<id:pk>/tags/<id:tag_id>/", articles.ArticleTagDetail.as_view(), name="article-tag"),
    path("entities/", intel.EntityList.as_view(), name="entity-list"),
    path("entities/<id:pk>/", intel.EntityDetail.as_view(), name="entity-detail"),
    path("indicators/", intel.IndicatorList.as_view(), name="indicator-list"),
    path("indicators/<id:pk>/", intel.IndicatorDetail.as_view(), name="indicator-detail"),
    path("stories/", intel.StoryList.as_view(), name="story-list"),
    path("stories/<id:pk>/", intel.StoryDetail.as_view(), name="story-detail"),
    path("annotations/", workspace.AnnotationList.as_view(), name="annotation-list"),
    path("annotations/<id:pk>/", workspace.AnnotationDetail.as_view(), name="annotation-detail"),
    path("saved-searches/", workspace.SavedSearchList.as_view(), name="saved-search-list"),
    path("saved-searches/<id:pk>/", workspace.SavedSearchDetail.as_view(), name="saved-search-detail"),
    path("briefs/", briefs.BriefList.as_view(), name="brief-list"),
    path("briefs/<id:pk>/", briefs.BriefDetail.as_view(), name="brief-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs_views.docs, name="docs"),
]

if _exports_present():
    urlpatterns.append(path("", include("api.exports.urls")))
