from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The outside world's door: personal API tokens, the JSON API under /api/v1/ and the
    exports (docs/api.md). Every read of articles goes through ``visible_to`` of the token's
    user; ``articles`` never imports this app."""

    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from api import schema  # noqa: F401 (registers the token scheme with drf-spectacular)
