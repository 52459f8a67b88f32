"""Changes people make to sources, audited in one place.

The admin (form, enable/disable actions, delete) and ``manage.py add_source`` call
these, so creating, editing, switching on or off and deleting a source leaves the
same ``source.*`` audit event whichever door was used. Polls are audited by
:mod:`articles.polling`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from articles.forms import SourceForm
from articles.models import Source
from audit.actions import Action
from audit.services import record

# What a person sets on a source (the health columns are the collector's, not audited).
# What people edit (one form serves the admin, a command and the pages) is what is audited.
AUDITED_FIELDS = SourceForm.Meta.fields


def snapshot(source: Source) -> dict[str, Any]:
    return {name: getattr(source, name) for name in AUDITED_FIELDS}


def record_saved(
    source: Source,
    *,
    before: dict[str, Any] | None,
    request: HttpRequest | None = None,
    username: str = "",
) -> None:
    """Audit a saved source: ``before`` is its :func:`snapshot` before the change, None
    when it was just created. Switching ``enabled`` is its own event (enable/disable);
    other changed fields go in one edit event with their old and new values."""
    after = snapshot(source)
    if before is None:
        record(Action.SOURCE_CREATE, request=request, obj=source, after=after, username=username)
        return
    changed = [name for name in AUDITED_FIELDS if before.get(name) != after[name]]
    if "enabled" in changed:
        action = Action.SOURCE_ENABLE if source.enabled else Action.SOURCE_DISABLE
        record(action, request=request, obj=source, username=username)
        changed.remove("enabled")
    if changed:
        record(
            Action.SOURCE_EDIT,
            request=request,
            obj=source,
            before={name: before.get(name) for name in changed},
            after={name: after[name] for name in changed},
            username=username,
        )


@transaction.atomic
def set_enabled(sources: QuerySet[Source], enabled: bool, *, request: HttpRequest | None = None) -> int:
    """Switch sources on or off; one audit event per source that really changed."""
    selected = list(sources.values_list("pk", flat=True))
    changing = list(Source.objects.filter(pk__in=selected, enabled=not enabled).select_for_update())
    Source.objects.filter(pk__in=[source.pk for source in changing]).update(enabled=enabled)
    action = Action.SOURCE_ENABLE if enabled else Action.SOURCE_DISABLE
    for source in changing:
        record(action, request=request, obj=source)
    return len(changing)


def record_deleted(source: Source, *, request: HttpRequest | None = None) -> None:
    """Audit a deletion; call it before the row goes (the event names its id)."""
    record(Action.SOURCE_DELETE, request=request, obj=source, before=snapshot(source))
