"""URLs of notes on articles; workspace/urls.py adds them to the app's namespace."""

from django.urls import path

from workspace import annotation_views

urlpatterns = [
    path("articles/<int:pk>/notes/", annotation_views.create, name="note-create"),
    path("notes/<int:note_id>/reply/", annotation_views.reply, name="note-reply"),
    path("notes/<int:note_id>/edit/", annotation_views.edit, name="note-edit"),
    path("notes/<int:note_id>/delete/", annotation_views.delete, name="note-delete"),
    path("notes/", annotation_views.search, name="notes"),
]
