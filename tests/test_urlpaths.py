"""reverse_one gives exactly what Django's reverse gives."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from articles.urlpaths import reverse_one


@pytest.mark.parametrize("pk", [1, 7, 123456789, 10**18 - 1])
@pytest.mark.parametrize("name", ["articles:detail", "articles:story", "articles:entity"])
def test_ids(name, pk):
    assert reverse_one(name, pk=pk) == reverse(name, kwargs={"pk": pk})


@pytest.mark.parametrize("slug", ["ann-analyst", "a_b-9", "café", "a b", "x%2F", "Ωmega"])
def test_slugs_including_ones_that_need_quoting(slug):
    assert reverse_one("articles:author", slug=slug) == reverse("articles:author", kwargs={"slug": slug})


def test_values_reverse_refuses_are_still_refused():
    with pytest.raises(NoReverseMatch):
        reverse_one("articles:detail", pk=10**19)
    with pytest.raises(NoReverseMatch):
        reverse_one("articles:author", slug="a/b")


def test_script_prefix_is_respected():
    set_script_prefix("/portal/")
    try:
        assert reverse_one("articles:detail", pk=5) == "/portal/articles/5/"
    finally:
        set_script_prefix("/")
    assert reverse_one("articles:detail", pk=5) == "/articles/5/"
