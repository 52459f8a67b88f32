"""What the saved-search forms post. The rules (a valid query, a name not yet used) are in
``workspace.saved_searches``; these forms only check the shape of the input."""

from __future__ import annotations

from django import forms

from workspace.saved_search_models import MAX_NAME_LENGTH, Digest

# A raw query string may be longer than what it normalizes to (cursors, unknown parameters).
MAX_RAW_QUERY_LENGTH = 8000


class SaveSearchForm(forms.Form):
    name = forms.CharField(label="Save this search as", max_length=MAX_NAME_LENGTH)
    query = forms.CharField(required=False, max_length=MAX_RAW_QUERY_LENGTH, widget=forms.HiddenInput)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"class": "input", "autocomplete": "off"})


class EditSearchForm(forms.Form):
    name = forms.CharField(label="Name", max_length=MAX_NAME_LENGTH)
    digest = forms.ChoiceField(label="E-mail digest", choices=Digest.choices, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "input"
