"""The filter form's Python-rendered widgets give the same markup as Django's templates."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from articles.form_fields import PlainChoiceField
from articles.widgets import QuickCheckboxes, QuickDateInput, QuickHiddenInput, QuickSelect, QuickTextInput

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


GROUPED = [("", "Any"), ("Group <A>", [("1", "One"), ("2", "Two & co")]), ("3", "Three")]


@pytest.mark.parametrize("value", [None, "2", "3"])
def test_grouped_choices_take_djangos_context_and_match_it(value):
    expected = forms.Select(choices=GROUPED).render("name", value, attrs={"id": "id_name"})
    got = QuickSelect(choices=GROUPED).render("name", value, attrs={"id": "id_name"})
    assert parse_html(got) == parse_html(expected)


def test_plain_choice_field_checks_the_value_against_its_pairs():
    field = PlainChoiceField(choices=[("1", "One <b>"), ("2", "Two")], empty_label="Any", required=False)
    assert field.clean("2") == "2"
    assert field.clean("") == ""
    with pytest.raises(forms.ValidationError) as refused:
        field.clean("3")
    assert refused.value.code == "invalid_choice"
    html = field.widget.render("source", "1", attrs={"id": "id_source"})
    assert parse_html(html) == parse_html(
        '<select name="source" id="id_source"><option value="">Any</option>'
        '<option value="1" selected>One &lt;b&gt;</option><option value="2">Two</option></select>'
    )


def test_plain_choice_field_copies_do_not_share_new_choices():
    import copy

    field = PlainChoiceField(choices=[("1", "One")], empty_label="Any")
    other = copy.deepcopy(field)
    other.set_choices([("9", "Nine")])
    assert field.clean("1") == "1"
    assert [v for v, _ in field.widget.choices] == ["", "1"]
    with pytest.raises(forms.ValidationError):
        field.clean("9")


def test_a_source_the_reader_cannot_see_is_refused(client, make_user, db):
    from tests.factories import ArticleFactory

    hidden = ArticleFactory(tlp="amber").source
    client.force_login(make_user("green"))
    page = client.get("/articles/", {"source": str(hidden.pk)}).content.decode()
    assert hidden.name not in page
    assert "Select a valid choice" in page


@pytest.mark.parametrize("value", [None, "", 'a"<b>&', "2026-01-02", 7])
@pytest.mark.parametrize(
    ("django_widget", "quick_widget"),
    [
        (forms.TextInput, QuickTextInput),
        (forms.DateInput, QuickDateInput),
        (forms.HiddenInput, QuickHiddenInput),
    ],
)
def test_inputs_give_the_same_markup_as_django(django_widget, quick_widget, value):
    attrs = {"type": "search", "placeholder": 'Words, "phrases"', "class": "input", "required": True}
    expected = django_widget(attrs=attrs).render("q", value, attrs={"id": "id_q", "aria-invalid": "true"})
    got = quick_widget(attrs=attrs).render("q", value, attrs={"id": "id_q", "aria-invalid": "true"})
    assert parse_html(got) == parse_html(expected)
    assert "<b>" not in got


@pytest.mark.parametrize("value", [None, "", "2", "3"])
def test_labels_that_are_not_plain_text_match_django(value):
    # Not from the escaped-options cache: a lazy label may read differently in another
    # language, and a safe one is markup.
    choices = [(None, gettext_lazy("Any")), (2, mark_safe("<i>Two</i>")), ("3", 'x<"&')]
    expected = forms.Select(choices=choices).render("name", value, attrs={"id": "id_name"})
    got = QuickSelect(choices=choices).render("name", value, attrs={"id": "id_name"})
    assert parse_html(got) == parse_html(expected)


def test_plain_choices_render_the_same_from_the_cache():
    widget = QuickSelect(choices=CHOICES)
    first = [widget.render("name", value) for value in (None, "1", "3")]
    assert [widget.render("name", value) for value in (None, "1", "3")] == first
    assert first[1] != first[2]  # the selection is per render, not cached
