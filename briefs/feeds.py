"""Atom feeds of published briefs: one per reader at a secret address, one public.

A reader's feed (``/briefs/feed/<token>/atom.xml``) needs no session (feed readers have
none): the token names the reader, and the feed lists ``Brief.objects.readable_by`` that
reader **now**, so a lowered clearance or a relabelled article applies at once. The public
feed lists only ``Brief.objects.public()``: TLP:CLEAR briefs made entirely of CLEAR
articles, as published and still.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from briefs.models import Brief
from briefs.publication_models import FeedToken

FEED_ITEMS = 30


class _BriefFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, item: Brief) -> str:
        return f"[{item.snapshot.data['tlp_label']}] {item.snapshot.data['title']}"

    def item_description(self, item: Brief) -> str:
        data = item.snapshot.data
        parts = [data["tlp_label"], data.get("executive_summary", "")]
        parts += [f"{j['number']}. {j['text']} ({j['confidence_label']})" for j in data.get("judgments", [])]
        return "\n".join(p for p in parts if p)

    def item_pubdate(self, item: Brief):
        return item.published_at

    def item_updateddate(self, item: Brief):
        return item.published_at

    def item_guid(self, item: Brief) -> str:
        return f"{settings.PORTAL_URL}/briefs/{item.pk}/"


class ReaderFeed(_BriefFeed):
    title = "Intel Portal briefs"
    subtitle = "Published briefs you are cleared for."

    def get_object(self, request, token: str):
        row = FeedToken.objects.select_related("user").filter(token=token).first()
        if row is None or not row.user.is_active:
            raise Http404("No such feed")
        return row.user

    def link(self, obj) -> str:
        return reverse("briefs:index")

    def items(self, obj):
        return (
            Brief.objects.readable_by(obj).select_related("snapshot").order_by("-published_at")[:FEED_ITEMS]
        )

    def item_link(self, item: Brief) -> str:
        return reverse("briefs:detail", args=[item.pk])


class PublicFeed(_BriefFeed):
    title = "Intel Portal public briefs (TLP:CLEAR)"
    subtitle = "Briefs marked TLP:CLEAR and made only of TLP:CLEAR articles."

    def link(self) -> str:
        return reverse("briefs:public-index")

    def items(self):
        return Brief.objects.public().select_related("snapshot").order_by("-published_at")[:FEED_ITEMS]

    def item_link(self, item: Brief) -> str:
        return reverse("briefs:public-detail", args=[item.pk])


reader_feed = login_not_required(ReaderFeed())
public_feed = login_not_required(PublicFeed())
