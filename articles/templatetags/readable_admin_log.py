"""The admin index's "Recent actions", limited to objects the admin can still open.

Django's ``get_admin_log`` lists an admin's own entries with the names objects had then:
an article they edited while it was GREEN keeps its title there after a relabel to RED.
"""

from __future__ import annotations

from django import template
from django.contrib.admin.models import LogEntry

from articles.admin_mixins import readable_log_entries

register = template.Library()

LOOK_BACK = 5  # entries read per entry shown: most recent actions are about readable objects


@register.simple_tag(takes_context=True)
def readable_admin_log(context, limit: int = 10) -> list[LogEntry]:
    request = context["request"]
    recent = list(
        LogEntry.objects.filter(user_id=request.user.pk).select_related("content_type")[: limit * LOOK_BACK]
    )
    readable = readable_log_entries(recent, request)
    return [entry for entry in recent if entry.pk in readable][:limit]
