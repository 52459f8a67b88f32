"""A choice among pairs set per request, kept as given (the article list's source select).

Django's ``ChoiceField`` normalizes its choices every time they are set and deep-copies
them with every form; django-filter's wraps them in an iterator besides. The list's
source select (one option per source with a readable article, ~200) went through that
three times per page, a few milliseconds of Python (docs/architecture.md, "Scale").
:class:`PlainChoiceField` takes ``(value, label)`` string pairs, shares them between
copies (they are replaced, never changed) and checks a submitted value against them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError

from articles.widgets import QuickSelect


class PlainChoiceField(forms.Field):
    widget = QuickSelect
    default_error_messages = {
        "invalid_choice": "Select a valid choice. %(value)s is not one of the available choices.",
    }

    def __init__(self, *, choices: Iterable[tuple[str, str]] = (), empty_label: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.empty_label = empty_label
        self.set_choices(choices)

    def set_choices(self, choices: Iterable[tuple[str, str]]) -> None:
        """Offer ``choices`` (``(value, label)`` strings) after the empty option, if any."""
        self.choices = list(choices)
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        self.widget.choices = empty + self.choices

    def to_python(self, value) -> str:
        return "" if value in self.empty_values else str(value)

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and not any(value == option for option, _label in self.choices):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
