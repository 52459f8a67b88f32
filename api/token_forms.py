"""The form that creates a personal API token (the settings page)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from api.models import ApiToken, TokenScope

MAX_EXPIRY_DAYS = 3 * 366


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text="What it is for, so you can tell your tokens apart (“SIEM lookup”).",
        widget=forms.TextInput(attrs={"class": "input", "autocomplete": "off"}),
    )
    scope = forms.ChoiceField(
        choices=[
            (TokenScope.READ, "Read: articles, findings, notes, searches and briefs you may read"),
            (TokenScope.READ_WRITE, "Read and write: also tag articles, write notes and save searches"),
        ],
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
    )
    expires_on = forms.DateField(
        required=False,
        label="Expires on (optional)",
        help_text="The token stops working at the end of this day. Leave empty for no expiry.",
        widget=forms.DateInput(attrs={"type": "date", "class": "input"}),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the token a name.")
        return name

    def clean_expires_on(self) -> dt.date | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError("Choose today or a later day.")
        if day > today + dt.timedelta(days=MAX_EXPIRY_DAYS):
            raise forms.ValidationError("Choose a day within three years, or leave it empty.")
        return day

    def expires_at(self) -> dt.datetime | None:
        """The end of the chosen day in the portal's time zone."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return dt.datetime.combine(
            day + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
        )
