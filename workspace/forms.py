"""What the triage forms post: article ids, the state wanted, and where to go back to."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from workspace.actions import MAX_IDS

MAX_ID = 10**18 - 1  # the article URLs' id converter: 18 digits at most


class ArticleIdsField(forms.Field):
    """Several article ids (``ids=1&ids=2``), distinct, in the order given."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        ids: dict[int, None] = {}
        for raw in value:
            text = str(raw).strip()
            if not text.isascii() or not text.isdigit() or len(text) > 18:
                raise ValidationError("An article id is not a number.", code="invalid")
            ids[int(text)] = None
        if len(ids) > MAX_IDS:
            raise ValidationError(f"At most {MAX_IDS} articles at once.", code="too_many")
        return list(ids)


class _WithNext(forms.Form):
    next = forms.CharField(required=False, max_length=2000)


class ToggleForm(_WithNext):
    """One article and the state it should have afterwards (``on``: "1" set, "0" clear)."""

    article = forms.IntegerField(min_value=1, max_value=MAX_ID)
    on = forms.TypedChoiceField(choices=[("1", "set"), ("0", "clear")], coerce=lambda v: v == "1")


class BulkForm(_WithNext):
    ACTIONS = [
        ("read", "Mark read"),
        ("unread", "Mark unread"),
        ("star", "Star"),
        ("unstar", "Unstar"),
        ("tag", "Tag"),
        ("untag", "Untag"),
    ]

    action = forms.ChoiceField(choices=ACTIONS)
    ids = ArticleIdsField(required=False)
    tag = forms.CharField(required=False, max_length=200, strip=True)


class PageReadForm(_WithNext):
    ids = ArticleIdsField(required=False)


def safe_next(request: HttpRequest, raw: str, default: str) -> str | None:
    """Where to send the reader back to: ``raw`` if it stays on this site, ``default`` if it
    is empty, ``None`` if it points elsewhere (the caller refuses the request)."""
    if not raw:
        return default
    if url_has_allowed_host_and_scheme(
        raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return raw
    return None
