from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import PortalLoginView
from articles.admin_view_on_site import view_on_site
from intelportal.views import favicon
from workspace import dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="dashboard"),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Before the admin's own "view on site" shortcut, which would redirect for hidden objects.
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
    path("workspace/", include("workspace.urls")),
    path("briefs/", include("briefs.urls")),
    path("api/v1/", include("api.urls")),
    path("settings/api-tokens/", include("api.token_urls")),
    path("", include("articles.urls")),
]
