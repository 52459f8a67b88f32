"""/api/v1/ (mounted in intelportal/urls.py; docs/api.md).

The exports (api/exports/) bring their own URLconf, included at the end when present.
"""

from importlib.util import find_spec

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from api import docs_views
from api.views import articles, briefs, intel, meta, workspace

app_name = "api"


def _exports_present() -> bool:
    try:
        return find_spec("api.exports.urls") is not None
    except ModuleNotFoundError:
        return False


urlpatterns: list = [
    path("me/", meta.MeView.as_view(), name="me"),
    path("articles/", articles.ArticleList.as_view(), name="article-list"),
    path("articles/<int:pk>/", articles.ArticleDetail.as_view(), name="article-detail"),
    path("articles/<int:pk>/tags/", articles.ArticleTags.as_view(), name="article-tags"),
    path("articles/<int:pk>/tags/<int:tag_id>/", articles.ArticleTagDetail.as_view(), name="article-tag"),
    path("entities/", intel.EntityList.as_view(), name="entity-list"),
    path("entities/<int:pk>/", intel.EntityDetail.as_view(), name="entity-detail"),
    path("indicators/", intel.IndicatorList.as_view(), name="indicator-list"),
    path("indicators/<int:pk>/", intel.IndicatorDetail.as_view(), name="indicator-detail"),
    path("stories/", intel.StoryList.as_view(), name="story-list"),
    path("stories/<int:pk>/", intel.StoryDetail.as_view(), name="story-detail"),
    path("annotations/", workspace.AnnotationList.as_view(), name="annotation-list"),
    path("annotations/<int:pk>/", workspace.AnnotationDetail.as_view(), name="annotation-detail"),
    path("saved-searches/", workspace.SavedSearchList.as_view(), name="saved-search-list"),
    path("saved-searches/<int:pk>/", workspace.SavedSearchDetail.as_view(), name="saved-search-detail"),
    path("briefs/", briefs.BriefList.as_view(), name="brief-list"),
    path("briefs/<int:pk>/", briefs.BriefDetail.as_view(), name="brief-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs_views.docs, name="docs"),
]

if _exports_present():
    urlpatterns.append(path("", include("api.exports.urls")))
