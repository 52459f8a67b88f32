"""The admin's "view on site" shortcut (``/admin/r/<content type>/<id>/``), behind the visibility rule.

Django's own shortcut redirects to any object's public page, so it answered 302 for a
hidden article, story, entity or author and 404 for an id that does not exist (and
spelled out a hidden author's slug in the redirect). This one finds the object through
the same queryset the admin lists it from, and answers 404, identically, for both.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponseRedirect

from articles.models import Article, Story


def readable_objects(model, request: HttpRequest) -> QuerySet | None:
    """What ``request.user`` may open of ``model`` through the shortcut (None: nothing)."""
    if not hasattr(model, "get_absolute_url"):
        return None
    if admin.site.is_registered(model):
        return admin.site.get_model_admin(model).get_queryset(request)
    if model is Story:
        readable = Article.objects.visible_to(request.user).filter(story=OuterRef("pk"))
        return Story.objects.filter(Exists(readable))
    return None  # a model with a public page but no rule here: say nothing about it


def view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponseRedirect:
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    readable = readable_objects(model, request) if model is not None else None
    if readable is None:
        raise Http404
    try:
        obj = readable.get(pk=object_id)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return HttpResponseRedirect(obj.get_absolute_url())
