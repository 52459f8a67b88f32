"""URLs of saved searches; workspace/urls.py adds them to the app's namespace."""

from django.urls import path

from workspace import saved_search_views

urlpatterns = [
    path("searches/", saved_search_views.index, name="searches"),
    path("searches/save/", saved_search_views.save, name="search-save"),
    path("searches/<int:search_id>/edit/", saved_search_views.edit, name="search-edit"),
    path("searches/<int:search_id>/delete/", saved_search_views.delete, name="search-delete"),
    path("searches/<int:search_id>/open/", saved_search_views.open_search, name="search-open"),
]
