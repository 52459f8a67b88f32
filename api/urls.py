"""/api/v1/ (mounted in intelportal/urls.py). The exports (api/exports/) bring their own URLconf."""

from importlib.util import find_spec

from django.urls import include, path

from api.views import meta

app_name = "api"


def _exports_present() -> bool:
    try:
        return find_spec("api.exports.urls") is not None
    except ModuleNotFoundError:
        return False


urlpatterns: list = [
    path("me/", meta.MeView.as_view(), name="me"),
]

if _exports_present():
    urlpatterns.append(path("", include("api.exports.urls")))
