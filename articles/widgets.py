"""Choice widgets that build their HTML in Python.

Django renders every ``<option>`` and checkbox through the template engine; the
article list's filter form (200 sources, a dozen checkbox lists) spent ~40 % of the
page's Python time there (docs/architecture.md, "Scale"). These widgets take the same
context Django computes (``get_context``: names, ids, selected values, attributes) and
join it with ``articles.markup`` (``format_html`` without its lazy-text checks), so the
markup, escaping and accessibility are Django's; only the template round trips are gone.
"""

from __future__ import annotations

from django import forms
from django.utils.safestring import SafeString

from articles.markup import attributes, format_markup, join_markup


def _options(widget_context: dict) -> list[dict]:
    return [option for _group, options, _index in widget_context["optgroups"] for option in options]


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        choices = list(self.choices)  # django-filter's choices are an iterator adding the empty one
        if not any(isinstance(label, (list, tuple)) for _v, label in choices):
            # Flat pairs (the list's 200 sources): straight from them, without building
            # Django's per-option context dicts.
            wanted = set(self.format_value(value))
            options, chosen = [], False
            for option_value, label in choices:
                option_value = "" if option_value is None else str(option_value)
                selected = not chosen and option_value in wanted
                chosen = chosen or selected
                options.append((option_value, " selected" if selected else "", label))
            widget_attrs = self.build_attrs(self.attrs, attrs)
        else:  # groups: Django's own rendering, <optgroup>s and all
            return super().render(name, value, attrs, renderer)
        return format_markup(
            '<select name="{}"{}>{}</select>',
            name,
            attributes(widget_attrs),
            join_markup("", '<option value="{}"{}>{}</option>', options),
        )


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
