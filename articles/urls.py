from django.urls import path

from articles.views import articles, authors

app_name = "articles"

urlpatterns = [
    path("articles/", articles.article_list, name="list"),
    path("articles/<int:pk>/", articles.article_detail, name="detail"),
    path("authors/<str:slug>/", authors.author_detail, name="author"),
]
