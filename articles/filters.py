"""The article list's filter sidebar (django-filter).

Every choice list that could reveal an article is built from what the user may
see. The search box (``q``) speaks the language of ``articles/search/`` (docs/search.md):
words and phrases go to the full-text index (PostgreSQL's stored search vector, SQLite's
FTS5 table), prefixes and indicators to the same id-based paths as the sidebar filters.
"""

from __future__ import annotations

import copy
import datetime as dt
from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_filters.filters import FilterMethod

from articles.enrichment.vocabulary import CATEGORIES, INDICATOR_LABELS, INDICATOR_TYPES, INTEL_LEVELS
from articles.form_fields import PlainChoiceField
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleEntity,
    ArticleTag,
    Author,
    Sighting,
    Source,
    Tag,
)
from articles.search import resolve
from articles.search import text as search_text
from articles.search.forms import SORT_CHOICES, SearchField
from articles.search.query import FIELD, FIELDS, Clause, ParsedQuery, Term, parse
from articles.tlp import TLP, TLP_ORDER, rank
from articles.widgets import QuickCheckboxes, QuickDateInput, QuickHiddenInput, QuickSelect, QuickTextInput

# Dates outside these bounds are typos, and "9999-12-31 + 1 day" would overflow.
DATE_BOUNDS = [MinValueValidator(dt.date(1900, 1, 1)), MaxValueValidator(dt.date(9998, 12, 31))]
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A database id: a whole number that fits a 64-bit key (``1e30`` is a form error, not a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class _DeclaredFilters(dict):
    """A filter set class's declared filters, copied cheaply for each filter set.

    django-filter deep-copies them for every filter set it builds: the filters, their
    choice lists, validators and widget instances, ~0.35 ms an article list page (~1 % of
    its Python). A filter set only ever changes its own filters' attributes (``model``,
    ``parent``) and replaces entries of their ``extra`` (the readable TLP labels), so a
    shallow copy with its own ``extra`` is as safe and ~8x cheaper.
    """

    def __deepcopy__(self, memo: dict) -> dict[str, django_filters.Filter]:
        return {name: _filter_copy(declared) for name, declared in self.items()}


def _filter_copy(declared: django_filters.Filter) -> django_filters.Filter:
    copied = copy.copy(declared)
    copied.extra = dict(declared.extra)
    # A built field is cached on the filter; each copy builds (or never needs) its own.
    copied.__dict__.pop("_field", None)
    if isinstance(copied.filter, FilterMethod):
        # The helper that calls ``method`` on the parent filter set points at its filter:
        # the copy needs one pointing at itself, as a deep copy's would.
        copied.method = declared.method
    return copied


class PortalFilterSet(django_filters.FilterSet):
    """House widgets for every filter form: compact inputs, the same CSS classes."""

    # One form class per filter set class (get_form_class).
    _form_classes: dict[type, type[forms.Form]] = {}

    @classmethod
    def get_filters(cls) -> _DeclaredFilters:
        return _DeclaredFilters(super().get_filters())

    def get_form_class(self) -> type[forms.Form]:
        """The form class, built once per filter set class.

        django-filter builds a new class, and a new field for every filter, for each filter
        set: 13 fields and a class per article list page (~1.5 % of its Python time under
        cProfile). They depend only on the declared filters, and every form deep-copies its
        class's fields, so one class serves every request; a filter set changes only its own
        form's copies (the sources, the readable TLP labels).
        """
        cls = type(self)
        form_class = self._form_classes.get(cls)
        if form_class is None:
            form_class = self._form_classes[cls] = _form_class(cls)
        return form_class


def _form_class(filterset_class: type[django_filters.FilterSet]) -> type[forms.Form]:
    # Fields from copies of the declared filters: building a filter's field caches it on
    # the filter, and the declared ones are deep-copied for every filter set.
    filters = copy.deepcopy(filterset_class.base_filters)
    for filter_ in filters.values():
        filter_.model = filterset_class._meta.model  # a label not given is the model field's
    fields = {name: filter_.field for name, filter_ in filters.items()}
    for field in fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "choices")
        else:
            widget.attrs.setdefault("class", "input")
    return type(f"{filterset_class.__name__}Form", (filterset_class._meta.form,), fields)


class SourceFilter(django_filters.Filter):
    field_class = PlainChoiceField


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class ArticleFilter(PortalFilterSet):
    q = SearchFilter(
        label="Search",
        method="filter_text",
        widget=QuickTextInput(
            attrs={"type": "search", "placeholder": 'Words, "phrases", actor:APT28, an IP…'}
        ),
    )
    # Read by the view, which orders the page (articles/search/ranking.py); not a filter.
    sort = django_filters.ChoiceFilter(
        label="Order", choices=SORT_CHOICES, method="keep", empty_label=None, widget=QuickSelect
    )
    # Plain choices filled in __init__ from one small query: a ModelChoiceFilter would read
    # the sources again through a server-side cursor to render, and once more to validate;
    # a ChoiceFilter normalized and copied the ~200 pairs three times (form_fields.py).
    source = SourceFilter(method="filter_source", empty_label="Any source", label="Source")
    author = django_filters.CharFilter(
        label="Author", method="filter_author", max_length=200, widget=QuickTextInput
    )
    published_from = django_filters.DateFilter(
        label="Published from",
        method="filter_published_from",
        widget=QuickDateInput(attrs={"type": "date"}),
        validators=DATE_BOUNDS,
    )
    published_to = django_filters.DateFilter(
        label="Published to",
        method="filter_published_to",
        widget=QuickDateInput(attrs={"type": "date"}),
        validators=DATE_BOUNDS,
    )
    # distinct=False: these are columns of the article itself, so no join can duplicate a
    # row, and django-filter's default DISTINCT made PostgreSQL sort every match (4 s at 1M).
    tlp = django_filters.MultipleChoiceFilter(
        label="TLP", choices=TLP.choices, widget=QuickCheckboxes, distinct=False
    )
    category = django_filters.MultipleChoiceFilter(choices=CATEGORIES, widget=QuickCheckboxes, distinct=False)
    intel_level = django_filters.MultipleChoiceFilter(
        label="Intel level", choices=INTEL_LEVELS, widget=QuickCheckboxes, distinct=False
    )
    tag = django_filters.CharFilter(label="Tag", method="filter_tag", max_length=255, widget=QuickTextInput)
    entity = IdFilter(label="Entity", method="filter_entity", widget=QuickHiddenInput)
    indicator_type = django_filters.MultipleChoiceFilter(
        label="Indicator type",
        choices=[(t, INDICATOR_LABELS[t]) for t in INDICATOR_TYPES],
        method="filter_indicator_type",
        widget=QuickCheckboxes,
    )
    has_indicators = django_filters.BooleanFilter(
        label="Has indicators",
        method="filter_has_indicators",
        widget=QuickSelect(choices=[("", "Either"), ("true", "Yes"), ("false", "No")]),
    )

    class Meta:
        model = Article
        fields: list[str] = []

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request_user = user
        # What filter_text parsed and wants the reader told (ignored syntax), and the entity
        # prefixes it resolved, named only when a page asks (search_notes): a saved search's
        # count evaluates this filter set too, and needs no names.
        self.parsed_query: ParsedQuery | None = None
        self.search_notices: list[str] = []
        self._entity_lookups: list[tuple[Term, list[int]]] = []
        sources = Source.objects.order_by("name", "pk")
        if user is not None:
            # Only sources with an article this person can read: a name can be sensitive too.
            sources = sources.filter(Exists(Article.objects.visible_to(user).filter(source=OuterRef("pk"))))
        # The field adds the "Any source" option itself (empty_label).
        self.form.fields["source"].set_choices(
            (str(pk), name) for pk, name in sources.values_list("pk", "name")
        )
        if user is not None and user.is_authenticated:
            # Offer only the labels this person can read: the others would always be empty.
            readable = TLP_ORDER[: rank(user.clearance) + 1]
            self.filters["tlp"].extra["choices"] = [c for c in TLP.choices if c[0] in readable]
            self.form.fields["tlp"].choices = self.filters["tlp"].extra["choices"]

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The search box: words and phrases in one full-text match, then each prefix or
        indicator clause as a condition of its own (articles/search/, docs/search.md)."""
        parsed = parse(value)
        if parsed.is_empty:
            return queryset
        self.parsed_query = parsed
        self.search_notices = list(parsed.notices)
        queryset = search_text.filter_text(queryset, parsed.text_clauses)
        for clause in parsed.other_clauses:
            queryset = self._search_clause(queryset, clause)
        return queryset

    def _search_clause(self, queryset: QuerySet, clause: Clause) -> QuerySet:
        term = clause.terms[0]
        if len(clause.terms) == 1 and term.kind == FIELD and term.field in resolve.LINKS:
            ids = resolve.link_ids(term)
            if term.field in resolve.FIELD_KINDS:
                self._entity_lookups.append((term, ids))
            model, relation, key = resolve.LINKS[term.field]
            if clause.negated:
                return queryset.exclude(
                    Exists(model.objects.filter(article=OuterRef("pk"), **{f"{key}__in": ids}))
                )
            # One tag, author or entity pages newest-first off its link's own index.
            return _linked(queryset, model, relation, key, ids)
        conditions = [
            search_text.text_condition(Clause((t,))) if t.is_text else resolve.condition(t)
            for t in clause.terms
        ]
        condition = reduce(or_, conditions)
        return queryset.exclude(condition) if clause.negated else queryset.filter(condition)

    def search_notes(self) -> list[str]:
        """What the page should say about the search: syntax it ignored, and what each
        entity prefix was read as — names only of entities in articles the reader can see."""
        notes = list(self.search_notices)
        for term, ids in self._entity_lookups:
            names = resolve.visible_entity_names(ids, self.request_user)
            if names:
                notes.append(f"{term} searched as {', '.join(names)}.")
            else:
                label = FIELDS[term.field]
                notes.append(f"{term}: no {label} of that name in the articles you can read.")
        return notes

    def keep(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset

    def filter_source(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(source_id=int(value)) if value else queryset

    def filter_author(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        authors = Author.objects.filter(Q(slug=value) | Q(name__icontains=value))
        return _linked(queryset, ArticleAuthor, "article_authors", "author_id", _ids(authors))

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        tags = Tag.objects.filter(Q(slug=value) | Q(name=value))
        return _linked(queryset, ArticleTag, "article_tags", "tag_id", _ids(tags))

    def filter_entity(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return _linked(queryset, ArticleEntity, "article_entities", "entity_id", [value])

    def filter_indicator_type(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        sightings = Sighting.objects.filter(article=OuterRef("pk"), indicator__type__in=value)
        return queryset.filter(Exists(sightings))

    def filter_has_indicators(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        # Known-benign values (warning-list hits) do not make an article carry indicators.
        real = Exists(Sighting.objects.filter(article=OuterRef("pk"), indicator__benign=""))
        return queryset.filter(real if value else ~real)

    def filter_published_from(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(published_at__gte=_start_of_day(value))

    def filter_published_to(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(published_at__lt=_start_of_day(value + dt.timedelta(days=1)))


# More matching authors or tags than this and the filter stays one query instead.
MAX_RESOLVED_IDS = 200


def _ids(targets: QuerySet) -> list[int] | QuerySet:
    """The ids of ``targets`` (authors or tags matching a name), looked up in their own small
    query: a join on ``slug = … OR name ILIKE …`` hid from the planner how common the
    author or tag is (0.73 s for a prolific author at 1M). A very vague name stays a
    subquery."""
    ids = list(targets.values_list("pk", flat=True)[: MAX_RESOLVED_IDS + 1])
    return targets.values("pk") if len(ids) > MAX_RESOLVED_IDS else ids


def _linked(queryset: QuerySet, link_model, relation: str, key: str, ids: list[int] | QuerySet) -> QuerySet:
    """Articles of ``queryset`` linked through ``link_model`` to any of ``ids``.

    One id, the usual case, joins the link table and orders the page by the link's copy
    of ``published_at``, so PostgreSQL walks the link's newest-first index and stops
    after a page whether the tag, author or entity is on half the articles or on a
    thousand of them (a rare tag read ~20,000 articles through the article index).
    Several ids, or a second link filter, become an EXISTS condition instead: a join
    could repeat an article, and only one index can set the order (docs/architecture.md,
    "Scale").
    """
    if isinstance(ids, list) and len(ids) == 1 and not queryset.sorts_by_link():
        return queryset.filter(**{f"{relation}__{key}": ids[0]}).newest_first_by(relation)
    return queryset.filter(Exists(link_model.objects.filter(article=OuterRef("pk"), **{f"{key}__in": ids})))


def _start_of_day(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
