"""The send page of a published brief: name people and groups, see every delivery."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import Group
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from briefs import delivery
from briefs.assembly_views import SeeOther
from briefs.composition import BriefError
from briefs.models import Brief
from briefs.publication_models import Delivery
from briefs.querysets import may_edit_briefs


def send(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not may_edit_briefs(user):
        raise Http404("No such brief")
    brief = Brief.objects.workable_by(user).published().select_related("snapshot").filter(pk=pk).first()
    if brief is None:
        raise Http404("No such brief")
    if request.method == "POST":
        user_ids = [int(v) for v in request.POST.getlist("users") if v.isdigit()]
        group_ids = [int(v) for v in request.POST.getlist("groups") if v.isdigit()]
        try:
            rows = delivery.request_sending(
                brief, user, user_ids=user_ids, group_ids=group_ids, request=request
            )
        except BriefError as problem:
            messages.error(request, str(problem))
        else:
            refused = sum(1 for row in rows if row.status == Delivery.REFUSED)
            messages.success(
                request,
                f"Queued {len(rows) - refused} e-mail{'s' if len(rows) - refused != 1 else ''}"
                + (f"; refused {refused} (listed below with the reason)." if refused else "."),
            )
            return SeeOther(request.path)
    elif request.method != "GET":
        return HttpResponse(status=405)
    return render(
        request,
        "briefs/send.html",
        {
            "brief": brief,
            "people": User.objects.filter(is_active=True).order_by("username"),
            "groups": Group.objects.order_by("name"),
            "deliveries": brief.deliveries.select_related("recipient")[:500],
            # A correction goes first of all to those who received the corrected revision.
            "earlier_recipients": set(
                Delivery.objects.filter(brief_id=brief.corrects_id, status=Delivery.SENT).values_list(
                    "recipient_id", flat=True
                )
            )
            if brief.corrects_id
            else set(),
            "withheld": brief.tlp in delivery.WITHHELD,
        },
    )
