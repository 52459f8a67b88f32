"""URLs of tags in place; workspace/urls.py adds them to the app's namespace."""

from django.urls import path

from workspace import tag_views

urlpatterns = [
    path("articles/<int:pk>/tags/", tag_views.add, name="tag-add"),
    path("articles/<int:pk>/tags/<int:tag_id>/remove/", tag_views.remove, name="tag-remove"),
    path("articles/<int:pk>/tags/row/", tag_views.row_editor, name="tag-row-editor"),
    path("tags/suggest/", tag_views.suggestions, name="tag-suggest"),
]
