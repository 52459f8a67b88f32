"""The search box's form field: what cannot be searched is a form error, never a 500."""

from __future__ import annotations

from django import forms

from articles.search.query import parse

MAX_QUERY_LENGTH = 1000
SORT_NEWEST = ""
SORT_RELEVANCE = "relevance"
SORT_CHOICES = [(SORT_NEWEST, "Newest first"), (SORT_RELEVANCE, "Relevance (best of the newest 500 matches)")]


class SearchField(forms.CharField):
    """Cleans to the typed text; the parsed query is ``ArticleFilter.parsed_query``.

    Too long, a NUL character (Django's own validators) or nothing searchable left once
    the operators are read ("- or \\"\\"") is an error that says what to type instead.
    Everything else searches: the parser reads what it cannot use as plain words.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.error_messages["max_length"] = (
            "This search is too long (%(show_value)d characters; at most %(limit_value)d). "
            "Keep the words that matter most."
        )

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and value.strip() and parse(value).is_empty:
            raise forms.ValidationError(
                'There is nothing to search for in this text: type a word, a "phrase", an '
                'indicator or a prefix such as actor:"Fancy Bear" (see the search help).',
                code="nothing_to_search",
            )
