from django.urls import path

from briefs import assembly_views, delivery_views, feeds, public_views, views

app_name = "briefs"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", assembly_views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/brief.md", views.markdown, name="markdown"),
    path("<int:pk>/edit/", assembly_views.edit, name="edit"),
    path("<int:pk>/edit/change/", assembly_views.change, name="change"),
    path("<int:pk>/status/<slug:to>/", assembly_views.transition, name="transition"),
    path("<int:pk>/send/", delivery_views.send, name="send"),
    path("feed/", public_views.feed_page, name="feed"),
    path("feed/<str:token>/atom.xml", feeds.reader_feed, name="reader-feed"),
    path("public/", public_views.public_index, name="public-index"),
    path("public/<int:pk>/", public_views.public_detail, name="public-detail"),
    path("public/atom.xml", feeds.public_feed, name="public-feed"),
]
