"""Forms for sources: the one set of rules for adding a source, whoever adds it.

The admin, the ``add_source`` command and the preview page all validate through
these forms, so a rule (feeds need an http(s) URL, a seed folder must exist) is
written once and every door enforces it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django import forms

from articles.models import FEED_KINDS, Source, SourceKind

WEB_SCHEMES = ("http", "https")


def web_url_error(url: str) -> str | None:
    """Why ``url`` cannot be fetched by the collector, or None when it can."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in WEB_SCHEMES:
        shown = f"{scheme}://" if scheme else "no scheme"
        return f"The address uses {shown}; only http:// and https:// feeds can be fetched."
    return None


class SourceForm(forms.ModelForm):
    # Declared to say which scheme a bare "example.com/feed" gets: https, not Django's http.
    url = forms.URLField(
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text="feed URL",
        widget=forms.URLInput(attrs={"class": "vURLField"}),  # the admin's wide URL input
    )

    class Meta:
        model = Source
        fields = (
            "name",
            "kind",
            "url",
            "folder",
            "enabled",
            "poll_interval_minutes",
            "include_keywords",
            "exclude_keywords",
            "default_tlp",
            "reliability",
        )
        error_messages = {
            "name": {"unique": "A source with this name already exists; pick another name."},
        }

    def clean_url(self) -> str:
        url = self.cleaned_data.get("url", "")
        if url and (error := web_url_error(url)):
            raise forms.ValidationError(error)
        return url

    def clean_poll_interval_minutes(self) -> int | None:
        minutes = self.cleaned_data.get("poll_interval_minutes")
        if minutes is not None and minutes < 1:
            raise forms.ValidationError("Poll at most once a minute: the interval must be at least 1.")
        return minutes

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in FEED_KINDS and not cleaned.get("url") and "url" not in self.errors:
            label = SourceKind(kind).label
            self.add_error("url", f"{label} sources need the address of their feed.")
        if kind == SourceKind.SEED_FOLDER:
            folder = (cleaned.get("folder") or "").strip()
            if not folder:
                self.add_error("folder", "A seed-folder source needs the folder to watch.")
            elif not Path(folder).is_dir():
                self.add_error(
                    "folder",
                    f"The folder {folder!r} does not exist on the server (or is not a folder); "
                    "create it first or correct the path.",
                )
        return cleaned


class PreviewForm(forms.Form):
    url = forms.URLField(
        label="Feed URL",
        max_length=2000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "input", "placeholder": "https://example.com/feed.xml"}),
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if error := web_url_error(url):
            raise forms.ValidationError(error)
        return url
