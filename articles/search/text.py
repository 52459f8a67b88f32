"""The full-text part of a search, on PostgreSQL and on SQLite.

PostgreSQL matches the stored weighted ``search_vector`` (migration 0002, GIN index)
against ``websearch_to_tsquery`` of the quoted terms. SQLite matches the FTS5 table
``articles_article_fts`` (migration 0014) with a query in which every term is a quoted
string, so neither database can be handed a syntax error by what a reader typed.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from articles.search.query import Clause, fts5_query, websearch_text

FTS_TABLE = "articles_article_fts"
CONFIG = "english"


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def search_query(clauses: tuple[Clause, ...]) -> SearchQuery:
    return SearchQuery(websearch_text(clauses), search_type="websearch", config=CONFIG)


def filter_text(queryset: QuerySet, clauses: tuple[Clause, ...]) -> QuerySet:
    """``queryset`` narrowed to articles whose text matches every clause (words and
    phrases only; each clause an OR of its terms, a negated clause excludes)."""
    if not clauses:
        return queryset
    if is_postgresql():
        return queryset.filter(search_vector=search_query(clauses))
    match, exclude = fts5_query(clauses)
    if match:
        return queryset.filter(pk__in=_fts_ids(match))
    return queryset.exclude(pk__in=_fts_ids(exclude))


def text_condition(clause: Clause) -> Q:
    """One positive word or phrase as a condition to OR with prefixes (``x or actor:y``)."""
    if is_postgresql():
        return Q(search_vector=search_query((clause,)))
    return Q(pk__in=_fts_ids(fts5_query((clause,))[0]))


def _fts_ids(match: str) -> RawSQL:
    # The table name is a constant; the match expression is a parameter.
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])  # noqa: S608, S611
