from django.urls import path

from workspace import annotation_urls, saved_search_urls, tag_urls, views

app_name = "workspace"

urlpatterns = [
    path("star/", views.toggle_star, name="star"),
    path("read/", views.toggle_read, name="read"),
    path("bulk/", views.bulk, name="bulk"),
    path("page-read/", views.page_read, name="page-read"),
    path("new/", views.new_articles, name="new"),
    path("starred/", views.starred, name="starred"),
    *tag_urls.urlpatterns,
    *annotation_urls.urlpatterns,
    *saved_search_urls.urlpatterns,
]
