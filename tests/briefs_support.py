"""Building briefs in tests the way editors do: through composition and workflow."""

from __future__ import annotations

from briefs import composition, workflow
from briefs.models import Brief


def draft(editor, *articles, week: int = 49, **kwargs) -> Brief:
    brief = composition.create_brief(editor, year=2026, week=week, **kwargs)
    for article in articles:
        brief.refresh_from_db()
        composition.add_article(brief, editor, brief.version, article.pk)
    brief.refresh_from_db()
    return brief


def published(editor, approver, *articles, **kwargs) -> Brief:
    brief = draft(editor, *articles, **kwargs)
    workflow.submit_for_review(brief, editor, brief.version)
    return workflow.publish(brief, approver)
