from articles.models.articles import (
    Article,
    ArticleAuthor,
    ArticleGrant,
    Author,
    ProcessingStatus,
)
from articles.models.sources import Reliability, Source, SourceKind
from articles.models.tags import ArticleTag, Tag

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleGrant",
    "ArticleTag",
    "Author",
    "ProcessingStatus",
    "Reliability",
    "Source",
    "SourceKind",
    "Tag",
]
