"""The filter form's Python-rendered widgets give the same markup as Django's templates."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from articles.widgets import QuickCheckboxes, QuickSelect

CHOICES = [("", "Any"), ("1", 'x<"&'), ('gr"een', "<b>G</b>"), ("3", "Plain")]


@pytest.mark.parametrize("value", [None, "1", 'gr"een', ["1", 'gr"een'], ["missing"]])
@pytest.mark.parametrize(
    ("django_widget", "quick_widget"),
    [(forms.Select, QuickSelect), (forms.CheckboxSelectMultiple, QuickCheckboxes)],
)
def test_same_markup_as_django(django_widget, quick_widget, value):
    attrs = {"class": "input", "aria-describedby": "help"}
    expected = django_widget(attrs=attrs, choices=CHOICES).render("name", value, attrs={"id": "id_name"})
    got = quick_widget(attrs=attrs, choices=CHOICES).render("name", value, attrs={"id": "id_name"})
    assert parse_html(got) == parse_html(expected)
    assert "<b>" not in got  # labels are escaped


def test_filter_form_uses_them(client, make_user, db):
    client.force_login(make_user("green"))
    page = client.get("/articles/", {"tlp": "green"}).content.decode()
    assert '<select name="source"' in page
    assert 'value="green" class="choices" id="id_tlp_1" checked' in page or (
        'id="id_tlp_1"' in page and "checked" in page
    )
