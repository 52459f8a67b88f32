"""Highlighted snippets for the rows of one search page: one query for the page.

PostgreSQL: ``ts_headline`` costs ~1 ms per row over a whole body (parsing every word),
so each row's text is bounded twice: the first :data:`SNIPPET_TEXT_CHARS` characters of
teaser + summaries + body are searched (a plain ``strpos``) for the first place a query
word appears, and ``ts_headline`` reads only a :data:`WINDOW_CHARS` window from just
before it. SQLite: FTS5's ``snippet()`` of each column but the title, the first that marks a match.

Escaping: the database marks matches with two control characters (sentinels) that are
stripped from the text first (PostgreSQL) and cannot be typed into a search; the whole
snippet is HTML-escaped, then the sentinels become ``<mark>``/``</mark>``, paired so the
markup is always well formed.
"""

from __future__ import annotations

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.search.query import ParsedQuery, fts5_query, websearch_text
from articles.search.text import FTS_TABLE, is_postgresql

START, STOP = "\x01", "\x02"
SNIPPET_TEXT_CHARS = 20_000
WINDOW_CHARS = 360
BEFORE_MATCH_CHARS = 100
SNIPPET_WORDS = 30

# One statement for the page. Numbers as in the constants above; "{positions}" becomes one
# strpos per needle (each a parameter). The CTEs are MATERIALIZED so each row's text is
# built once (a flattened subquery would repeat the expression for every use), and the
# sentinels are removed with replace(), several times cheaper than translate() here.
_PG_SNIPPETS = """
WITH d AS MATERIALIZED (
    SELECT a.id, replace(replace(left(
        concat_ws(E'\\n', a.teaser, a.executive_summary, a.summary, a.body_text), 20000
    ), chr(1), ''), chr(2), '') AS doc
    FROM articles_article a WHERE a.id = ANY(%s::bigint[])
), s AS MATERIALIZED (
    SELECT d.id, d.doc, greatest(1, coalesce(least({positions}), 1) - 100) AS start FROM d
)
SELECT s.id, s.start, ts_headline(
    'english', substr(s.doc, s.start, 360), websearch_to_tsquery('english', %s),
    'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=30, MinWords=12,
     MaxFragments=2, FragmentDelimiter=" … "'
)
FROM s
"""


def attach_snippets(articles: list, parsed: ParsedQuery) -> None:
    """Set ``article.snippet`` (safe HTML, or None when no query word shows in the text)
    on each of ``articles``, the rows of one page — already read through ``visible_to``."""
    for article in articles:
        article.snippet = None
    words = parsed.highlight_words()
    if not articles or not words:
        return
    ids = [article.pk for article in articles]
    by_id = {article.pk: article for article in articles}
    for pk, html in (_postgresql if is_postgresql() else _sqlite)(ids, parsed, words):
        by_id[pk].snippet = html


def _postgresql(ids: list[int], parsed: ParsedQuery, words: list[str]):
    needles = _needles(words)
    positions = ", ".join("nullif(strpos(lower(d.doc), %s), 0)" for _ in needles)
    sql = _PG_SNIPPETS.replace("{positions}", positions)
    # Parameters in the order they appear: the ids, the needles, the query.
    params = [ids, *needles, websearch_text(tuple(c for c in parsed.text_clauses if not c.negated))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pk, start, headline in cursor.fetchall():
            html = render(headline)
            if html is not None and start > 1:
                html = mark_safe("… " + html)  # noqa: S308 (render escaped it)
            yield pk, html


def _needles(words: list[str]) -> list[str]:
    """Lower-case words to find the snippet's window by. A trailing "s", "es", "ed" or
    "ing" is dropped so "attacks" also finds "attacked"; only the window depends on it —
    ts_headline marks the real (stemmed) matches inside."""
    needles = []
    for text in words[:8]:
        word = text.lower().split()[0]
        for suffix in ("ing", "es", "ed", "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        needles.append(word)
    return list(dict.fromkeys(needles))


def _sqlite(ids: list[int], parsed: ParsedQuery, words: list[str]):
    match = fts5_query(tuple(c for c in parsed.text_clauses if not c.negated))[0]
    if not match:
        return
    # One snippet per searched column but the title (the row shows it already); the first
    # that marks a match is shown: teaser, executive summary, summary, body.
    columns = ", ".join(
        f"snippet({FTS_TABLE}, {n}, char(1), char(2), '…', {SNIPPET_WORDS})" for n in (1, 2, 3, 4)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, {columns} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608 constants
            " AND rowid IN (SELECT value FROM json_each(%s))",
            [match, "[" + ",".join(str(pk) for pk in ids) + "]"],
        )
        for pk, *snippets in cursor.fetchall():
            yield pk, next((html for html in map(render, snippets) if html is not None), None)


def render(marked: str | None) -> SafeString | None:
    """``marked`` (sentinels around matches) as safe HTML with ``<mark>``; None when it
    marks nothing (the row then shows its teaser)."""
    if not marked or START not in marked:
        return None
    out: list[str] = []
    open_mark = False
    for index, part in enumerate(marked.replace(STOP, START + STOP).split(START)):
        if index:
            if part.startswith(STOP):
                part = part[1:]
                if open_mark:
                    out.append("</mark>")
                    open_mark = False
            elif not open_mark:
                out.append("<mark>")
                open_mark = True
        out.append(escape(part))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out).strip())  # noqa: S308 every piece of text was escaped
