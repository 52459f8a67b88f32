from articles.models.articles import (
    Article,
    ArticleAuthor,
    ArticleGrant,
    Author,
    FailureKind,
    ProcessingStatus,
)
from articles.models.findings import ArticleEntity, Entity, Indicator, Mention, Sighting, WatchEntity
from articles.models.overrides import CLASSIFICATION_FIELDS, ClassificationOverride, SuppressedTag
from articles.models.sources import FEED_KINDS, Reliability, Source, SourceKind
from articles.models.stories import SimilarityKey, Story
from articles.models.tags import ArticleTag, Tag

__all__ = [
    "CLASSIFICATION_FIELDS",
    "FEED_KINDS",
    "Article",
    "ArticleAuthor",
    "ArticleEntity",
    "ArticleGrant",
    "ArticleTag",
    "Author",
    "ClassificationOverride",
    "Entity",
    "FailureKind",
    "Indicator",
    "Mention",
    "ProcessingStatus",
    "Reliability",
    "Sighting",
    "SimilarityKey",
    "Source",
    "SourceKind",
    "Story",
    "SuppressedTag",
    "Tag",
    "WatchEntity",
]
