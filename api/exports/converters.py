"""Path converters for the export URLs.

Converters rather than ``re_path`` so every route reads like the rest of the project and
tools that walk the URL patterns (the CSRF and hostile-input tests) can fill each hole.
"""

from django.urls import register_converter


class BlocklistKind:
    """An indicator type as a blocklist names it (``ipv4``, ``sha256``); the view checks the list."""

    regex = "[a-z0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class BlocklistFormat(BlocklistKind):
    regex = "txt|csv"


class FeedEventId(BlocklistKind):
    """A MISP feed event's UUID as the manifest lists it (any case); the view parses it."""

    regex = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


register_converter(BlocklistKind, "blocklist_kind")
register_converter(BlocklistFormat, "blocklist_format")
register_converter(FeedEventId, "feed_event_id")
