"""Articles with real findings for the export tests: enriched by the real pipeline."""

from __future__ import annotations

import json

from articles import processing
from tests.factories import ArticleFactory, SourceFactory

APT_TEXT = (
    "APT28 used X-Agent and Mimikatz (T1059.001) to exploit CVE-2023-23397 against the energy "
    "sector in Ukraine. The loader fetched hxxp://evil-updates[.]com/a.php and 203.0.113.77 "
    "was not it; the C2 was 185.220.101.47, dropper hash "
    "d41d8cd98f00b204e9800998ecf8427f and e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855, "
    "mail from bad@evil-updates.com, and also google.com."
)


def enriched(text: str = APT_TEXT, *, tlp: str = "clear", source=None, **kwargs):
    """An article whose findings the real enrichment pipeline stored (eager Celery)."""
    article = ArticleFactory(
        body_text=text, tlp=tlp, processing_status="pending", source=source or SourceFactory(), **kwargs
    )
    processing.process_article(article.pk)
    article.refresh_from_db()
    return article


def bundle_objects(text: str) -> list[dict]:
    return json.loads(text)["objects"]
