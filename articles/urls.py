from django.urls import path, register_converter

from articles.views import articles, authors, corrections, findings, stories
from articles.views import sources as source_views

app_name = "articles"


class IdConverter:
    """A database id in a URL: at most 18 digits, so it always fits a 64-bit key
    (Django's ``int`` accepts any length and a huge one crashes the query)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

urlpatterns = [
    path("articles/", articles.article_list, name="list"),
    path("articles/<id:pk>/", articles.article_detail, name="detail"),
    path("articles/<id:pk>/enrich/", findings.reenrich, name="reenrich"),
    path("articles/<id:pk>/classification/", corrections.correct_classification, name="classify"),
    path("articles/<id:pk>/tlp/", corrections.relabel, name="relabel"),
    path("authors/<str:slug>/", authors.author_detail, name="author"),
    path("entities/<id:pk>/", findings.entity_detail, name="entity"),
    path("sources/health/", source_views.source_health, name="sources-health"),
    path("sources/preview/", source_views.source_preview, name="sources-preview"),
    path("sources/<id:pk>/poll/", source_views.poll_source_now, name="sources-poll"),
    path("stories/<id:pk>/", stories.story_detail, name="story"),
]
