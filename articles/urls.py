from django.urls import path

from articles import converters  # noqa: F401 (registers <id:…>)
from articles.views import articles, authors, corrections, findings, stories
from articles.views import sources as source_views

app_name = "articles"


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
