"""Choice widgets that build their HTML in Python.

Django renders every ``<option>`` and checkbox through the template engine; the
article list's filter form (200 sources, a dozen checkbox lists) spent ~40 % of the
page's Python time there (docs/architecture.md, "Scale"). These widgets take the same
context Django computes (``get_context``: names, ids, selected values, attributes) and
join it with ``format_html``, so the markup, escaping and accessibility are Django's;
only the template round trips are gone.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def _options(widget_context: dict) -> list[dict]:
    return [option for _group, options, _index in widget_context["optgroups"] for option in options]


def _attrs(attrs: dict) -> str:
    # flatatt writes True as a bare attribute (selected, checked) and drops False/None.
    return flatatt({key: value for key, value in attrs.items() if value is not False})


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for option in _options(widget)
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], _attrs(widget["attrs"]), options
        )


class QuickCheckboxes(forms.CheckboxSelectMultiple):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        boxes = format_html_join(
            "",
            '<div><label{}><input type="checkbox" name="{}" value="{}"{}> {}</label></div>',
            (
                (
                    flatatt({"for": option["attrs"]["id"]}) if option["attrs"].get("id") else "",
                    option["name"],
                    option["value"],
                    _attrs(option["attrs"]),
                    option["label"],
                )
                for option in _options(widget)
            ),
        )
        outer = {key: value for key, value in widget["attrs"].items() if key in ("id", "class")}
        return format_html("<div{}>{}</div>", _attrs(outer), boxes)
