from django.urls import path

from api import token_views

app_name = "api_tokens"

urlpatterns = [
    path("", token_views.tokens, name="list"),
    path("<int:pk>/revoke/", token_views.revoke, name="revoke"),
]
