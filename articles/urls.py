from django.urls import path

from articles.views import articles, authors, corrections, findings
from articles.views import sources as source_views

app_name = "articles"

urlpatterns = [
    path("articles/", articles.article_list, name="list"),
    path("articles/<int:pk>/", articles.article_detail, name="detail"),
    path("articles/<int:pk>/enrich/", findings.reenrich, name="reenrich"),
    path("articles/<int:pk>/classification/", corrections.correct_classification, name="classify"),
    path("authors/<str:slug>/", authors.author_detail, name="author"),
    path("entities/<int:pk>/", findings.entity_detail, name="entity"),
    path("sources/health/", source_views.source_health, name="sources-health"),
    path("sources/preview/", source_views.source_preview, name="sources-preview"),
    path("sources/<int:pk>/poll/", source_views.poll_source_now, name="sources-poll"),
    path("stories/<int:pk>/", findings.story_detail, name="story"),
]
