"""Forms for sources: the one set of rules for adding a source, whoever adds it.

The admin, the ``add_source`` command and the preview page all validate through
these forms, so a rule (feeds need an http(s) URL, a seed folder must be inside
``SEED_FOLDERS_ROOT``) is written once and every door enforces it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings

from articles.ingest.addresses import AddressRefused, parse_networks, resolve
from articles.ingest.seed_folders import SeedFolderRefused, confined_folder
from articles.models import FEED_KINDS, Source, SourceKind

WEB_SCHEMES = ("http", "https")


def web_url_error(url: str) -> str | None:
    """Why ``url`` cannot be fetched by the collector, or None when it can."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in WEB_SCHEMES:
        shown = f"{scheme}://" if scheme else "no scheme"
        return f"The address uses {shown}; only http:// and https:// feeds can be fetched."
    return None


def address_guard_warning(url: str) -> str | None:
    """The private-address guard's refusal of ``url`` as things stand, or None.

    Resolved and checked exactly as a poll would (``addresses.resolve`` with
    FETCH_ALLOW_NETWORKS), so an admin adding a feed on the local network hears at
    once that the first poll would fail, instead of finding it backed off an hour later.
    Only a warning: the operator may be about to allow that network. A name that does
    not resolve is not reported here; the first poll says so.
    """
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    if not host:
        return None
    try:
        resolve(host, port, parse_networks(settings.FETCH_ALLOW_NETWORKS), url)
    except AddressRefused as refused:
        return str(refused) if refused.kind == "blocked-address" else None
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
        help_texts = {
            "folder": "seed-folder sources: a folder inside SEED_FOLDERS_ROOT (the project's seeds/ "
            "unless the operator set it); a relative path is taken from there",
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
            else:
                try:
                    confined_folder(folder, settings.SEED_FOLDERS_ROOT)
                except SeedFolderRefused as refused:
                    self.add_error("folder", f"{str(refused)[:1].upper()}{str(refused)[1:]}.")
        return cleaned

    def address_warning(self) -> str | None:
        """After a valid form: the guard's refusal of the feed address, if it would refuse it."""
        url = self.cleaned_data.get("url")
        if self.cleaned_data.get("kind") not in FEED_KINDS or not url:
            return None
        return address_guard_warning(url)


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
