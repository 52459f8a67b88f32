from articles.models.articles import (
    Article,
    ArticleAuthor,
    ArticleGrant,
    Author,
    ProcessingStatus,
)
from articles.models.findings import Entity, Indicator, Mention, Sighting, WatchEntity
from articles.models.overrides import CLASSIFICATION_FIELDS, ClassificationOverride, SuppressedTag
from articles.models.sources import FEED_KINDS, Reliability, Source, SourceKind
from articles.models.stories import SimilarityKey, Story
from articles.models.tags import ArticleTag, Tag

__all__ = [
    "FEED_KINDS",
    "SimilarityKey",
    "Story",
    "CLASSIFICATION_FIELDS",
    "Article",
    "ArticleAuthor",
    "ArticleGrant",
    "ArticleTag",
    "Author",
    "ClassificationOverride",
    "Entity",
    "Indicator",
    "Mention",
    "ProcessingStatus",
    "Reliability",
    "Sighting",
    "Source",
    "SourceKind",
    "SuppressedTag",
    "Tag",
    "WatchEntity",
]
