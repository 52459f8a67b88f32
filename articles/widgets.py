"""Choice widgets that build their HTML in Python.

Django renders every ``<option>`` and checkbox through the template engine; the
article list's filter form (200 sources, a dozen checkbox lists) spent ~40 % of the
page's Python time there (docs/architecture.md, "Scale"). These widgets take the same
context Django computes (``get_context``: names, ids, selected values, attributes) and
join it with ``articles.markup`` (``format_html`` without its lazy-text checks), so the
markup, escaping and accessibility are Django's; only the template round trips are gone.
"""

from __future__ import annotations

import functools

from django import forms
from django.utils.safestring import SafeString

from articles.markup import attributes, escape, format_markup, join_markup


def _options(widget_context: dict) -> list[dict]:
    return [option for _group, options, _index in widget_context["optgroups"] for option in options]


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        choices = list(self.choices)  # django-filter's choices are an iterator adding the empty one
        if all(_plain(option_value, label) for option_value, label in choices):
            # Plain-text pairs (the list's 200 sources), without Django's per-option context
            # dicts, their escaping done once (_escaped_options).
            options = _select_options(_escaped_options(tuple(choices)), set(self.format_value(value)))
        elif not any(isinstance(label, (list, tuple)) for _v, label in choices):
            options = _select_options(_escaped(choices), set(self.format_value(value)))
        else:  # groups: Django's own rendering, <optgroup>s and all
            return super().render(name, value, attrs, renderer)
        widget_attrs = self.build_attrs(self.attrs, attrs)
        return format_markup('<select name="{}"{}>{}</select>', name, attributes(widget_attrs), options)


def _plain(value, label) -> bool:
    # Text or number values (hashable, shown as str() shows them) and plain-text labels.
    return type(label) is str and (value is None or type(value) in (str, int))


def _option_values(choices) -> list[tuple[str, object]]:
    return [("" if value is None else str(value), label) for value, label in choices]


@functools.lru_cache(maxsize=64)
def _escaped_options(choices: tuple[tuple[object, str], ...]) -> list[tuple[str, str, str]]:
    """(value, value escaped, label escaped) of plain-text choices. Escaping ~200 source
    names was most of the select's time (0.47 ms a render under load, 0.13 ms now), and a
    process sees few distinct source lists (one per set of sources a reader may see). Only
    plain ``str`` labels come here: a lazy one could read differently in another language,
    and markup is not escaped."""
    return _escaped(choices)


def _escaped(choices) -> list[tuple[str, str, str]]:
    return [(value, escape(value), escape(label)) for value, label in _option_values(choices)]


def _select_options(options: list[tuple[str, str, str]], wanted: set[str]) -> SafeString:
    """The ``<option>``s, the first whose value is in ``wanted`` selected (as Django's
    single select)."""
    parts, chosen = [], False
    for value, escaped_value, escaped_label in options:
        selected = ""
        if not chosen and value in wanted:
            selected, chosen = " selected", True
        parts.append(f'<option value="{escaped_value}"{selected}>{escaped_label}</option>')
    return SafeString("".join(parts))


class QuickCheckboxes(forms.CheckboxSelectMultiple):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        boxes = join_markup(
            "",
            '<div><label{}><input type="checkbox" name="{}" value="{}"{}> {}</label></div>',
            (
                (
                    attributes({"for": option["attrs"]["id"]}) if option["attrs"].get("id") else "",
                    option["name"],
                    option["value"],
                    attributes(option["attrs"]),
                    option["label"],
                )
                for option in _options(widget)
            ),
        )
        outer = {key: value for key, value in widget["attrs"].items() if key in ("id", "class")}
        return format_markup("<div{}>{}</div>", attributes(outer), boxes)


class QuickInputMixin:
    """``<input>`` written in Python from the context Django computes (type, name, value,
    attributes), as ``django/forms/widgets/input.html`` writes it."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        value_attr = "" if widget["value"] is None else format_markup(' value="{}"', widget["value"])
        return format_markup(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            value_attr,
            attributes(widget["attrs"]),
        )


class QuickTextInput(QuickInputMixin, forms.TextInput):
    pass


class QuickDateInput(QuickInputMixin, forms.DateInput):
    pass


class QuickHiddenInput(QuickInputMixin, forms.HiddenInput):
    pass
