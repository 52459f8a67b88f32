"""Search for the article list's ``q`` box (docs/search.md; design in docs/architecture.md).

``query`` parses what was typed (pure Python); ``indicators`` and ``aliases`` recognise
indicators and entity names (pure, from the enrichment's own code and data); ``resolve``
turns prefixes and indicators into ids; ``text`` matches words on PostgreSQL (the stored
search vector) or SQLite (FTS5, migration 0014); ``ranking`` orders the newest matches by
relevance; ``snippets`` highlights the page's rows; ``forms`` is the box's form field.
"""
