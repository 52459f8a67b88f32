"""Admin pieces that keep the visibility rule inside the Django admin too.

Being staff does not bypass TLP: admin pages must not reveal, through a delete
confirmation, a list, an autocomplete or a "view on site" link, anything about
articles the admin may not read.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import NestedObjects, quote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import router
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from articles.models import Article

# What the delete page says when articles stand in the way, whether or not the admin can
# read them: naming or counting them would tell a low-clearance admin what a source holds.
PROTECTED_ARTICLES = "articles (move or delete them first; only articles you may read are shown in lists)"
_VISIBILITY_CHUNK = 500  # ids per "which of these may they read?" query (SQLite caps parameters)


class HiddenArticlesAdminMixin:
    """Delete confirmations and changelist filters that say nothing about hidden articles.

    Django's confirmation page names and counts every object the deletion reaches. Here
    an article the admin cannot read, and every collected row that points at one (a
    byline, a tag link, a mention, a sighting, a RED grant, a correction…), is left out
    of both the list and the counts, for any model: the rule follows foreign keys to
    ``Article``, so a new link model is covered without being named here.

    A changelist also filters on any relation named in the URL (``?articles=<id>`` on
    authors or sources, ``?granted_articles=<id>`` on users), which would tell which
    visible row a hidden article belongs to, and that the article exists. Filters that
    cross a relation to an article, or to a row linked to one, are refused (400) unless
    the admin declares them in ``list_filter``.
    """

    def get_deleted_objects(self, objs, request):
        return visible_deleted_objects(objs, request, self.admin_site)

    def lookup_allowed(self, lookup: str, value, request=None) -> bool:
        declared = {
            item if isinstance(item, str) else item[0]
            for item in self.list_filter
            if not isinstance(item, type)
        }
        if crosses_to_articles(self.model, lookup) and lookup.split(LOOKUP_SEP)[0] not in declared:
            return False
        return super().lookup_allowed(lookup, value, request)


def links_to_articles(model: type[Model]) -> bool:
    """Is ``model`` an article, or a row with a foreign key to one?"""
    return model is Article or any(
        field.is_relation and field.related_model is Article for field in model._meta.concrete_fields
    )


def crosses_to_articles(model: type[Model], lookup: str) -> bool:
    """Does the changelist filter ``lookup`` follow a relation to an article or an article link?"""
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
        if links_to_articles(model):
            return True
    return False


def visible_deleted_objects(objs, request, admin_site) -> tuple[list, dict[str, int], set[str], list[str]]:
    """``django.contrib.admin.utils.get_deleted_objects`` minus what ``request.user`` may not read."""
    objs = list(objs)
    if not objs:
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(type(objs[0])), origin=objs)
    collector.collect(objs)
    everything = [obj for found in collector.data.values() for obj in found] + list(collector.protected)
    hidden = _hidden_article_ids(everything, request.user)

    log_entries = [obj for obj in everything if isinstance(obj, LogEntry)]
    readable_entries = readable_log_entries(log_entries, request, admin_site)

    def is_hidden(obj: Model) -> bool:
        if isinstance(obj, LogEntry):
            return obj.pk not in readable_entries
        return any(article_id in hidden for article_id in _article_ids_of(obj))

    counts: Counter[str] = Counter()
    shown_tree = _prune(collector.nested(), is_hidden, counts)
    label = _formatter(admin_site)
    protected = [obj for obj in collector.protected if not isinstance(obj, Article) and not is_hidden(obj)]
    protected_lines = [label(obj) for obj in protected]
    if len(protected) < len(collector.protected):
        protected_lines.append(PROTECTED_ARTICLES)
    perms_needed = _perms_needed(everything, request, admin_site)
    return _format_tree(shown_tree, label), dict(counts), perms_needed, protected_lines


def readable_log_entries(entries: Iterable[LogEntry], request, admin_site=admin.site) -> set[int]:
    """Ids of admin log entries about an object ``request.user`` can open in the admin now.

    An entry names its object (a title, say) as it was: after a relabel to RED, or in
    another admin's history, that name is hidden data. What is gone or not in the admin
    cannot be checked, so it is not shown either."""
    by_model: dict[type[Model], list[LogEntry]] = defaultdict(list)
    for entry in entries:
        model = (
            ContentType.objects.get_for_id(entry.content_type_id).model_class()
            if entry.content_type_id
            else None
        )
        if model is not None and admin_site.is_registered(model):
            by_model[model].append(entry)
    readable: set[int] = set()
    for model, group in by_model.items():
        pk_field = model._meta.pk
        wanted: dict[object, list[int]] = defaultdict(list)
        for entry in group:
            try:
                wanted[pk_field.to_python(entry.object_id)].append(entry.pk)
            except ValidationError:
                continue
        openable = admin_site.get_model_admin(model).get_queryset(request)
        pks = list(wanted)
        for start in range(0, len(pks), _VISIBILITY_CHUNK):
            for pk in openable.filter(pk__in=pks[start : start + _VISIBILITY_CHUNK]).values_list(
                "pk", flat=True
            ):
                readable.update(wanted[pk])
    return readable


def _article_ids_of(obj: Model) -> list[int]:
    """The articles a row is, or points at through a foreign key."""
    if isinstance(obj, Article):
        return [obj.pk]
    return [
        getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.is_relation and field.related_model is Article
    ]


def _hidden_article_ids(objects: Iterable[Model], user) -> set[int]:
    ids = sorted({i for obj in objects for i in _article_ids_of(obj) if i is not None})
    readable: set[int] = set()
    for start in range(0, len(ids), _VISIBILITY_CHUNK):
        chunk = ids[start : start + _VISIBILITY_CHUNK]
        readable.update(Article.objects.visible_to(user).filter(pk__in=chunk).values_list("pk", flat=True))
    return set(ids) - readable


def _prune(tree: list, is_hidden, counts: Counter) -> list:
    """Drop hidden objects (and everything listed under them) from a ``nested()`` tree."""
    shown: list = []
    skip_children = False
    for item in tree:
        if isinstance(item, list):
            if not skip_children:
                shown.append(_prune(item, is_hidden, counts))
            continue
        skip_children = is_hidden(item)
        if not skip_children:
            counts[str(item._meta.verbose_name_plural)] += 1
            shown.append(item)
    return [item for item in shown if item != []]


def _formatter(admin_site):
    """Django's own lines: "Model: str", linked to the change page when there is one."""

    def label(obj: Model) -> str:
        opts = obj._meta
        name = capfirst(opts.verbose_name)
        if admin_site.is_registered(type(obj)):
            try:
                url = reverse(
                    f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]
                )
            except NoReverseMatch:
                return f"{name}: {obj}"
            return format_html('{}: <a href="{}">{}</a>', name, url, obj)
        return f"{name}: {obj}"

    return label


def _perms_needed(objects: Iterable[Model], request, admin_site) -> set[str]:
    """Models of collected rows the admin may not delete: checked on every row, hidden ones
    too, since what they may not delete must stop the deletion even when it is not shown."""
    needed = set()
    for obj in objects:
        model = type(obj)
        if admin_site.is_registered(model) and not admin_site.get_model_admin(model).has_delete_permission(
            request, obj
        ):
            needed.add(obj._meta.verbose_name)
    return needed


def _format_tree(tree: list, label) -> list:
    return [_format_tree(item, label) if isinstance(item, list) else label(item) for item in tree]


def seen_or_unused(queryset: QuerySet, link_model, field: str, user) -> QuerySet:
    """Rows linked to an article ``user`` may read, or linked to no article at all."""
    readable = link_model.objects.filter(
        **{field: OuterRef("pk")}, article__in=Article.objects.visible_to(user)
    )
    linked = link_model.objects.filter(**{field: OuterRef("pk")})
    return queryset.filter(Exists(readable) | ~Exists(linked))
