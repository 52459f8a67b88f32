"""Canonical URLs: one spelling per article, without ever pointing somewhere else."""

from __future__ import annotations

import pytest

from articles.ingest.urls import canonicalize_url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://News.Example.COM/Story", "https://news.example.com/Story"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/app#!/story/7", "https://example.com/app#!/story/7"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/a%2fb%7e", "https://example.com/a%2Fb%7E"),
        ("https://example.com./a", "https://example.com/a"),
        ("  https://example.com/a \n", "https://example.com/a"),
        ("https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a"),
    ],
)
def test_case_ports_fragments_and_dot_segments_are_normalized(url, canonical):
    assert canonicalize_url(url) == canonical


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://example.com/p?utm_source=rss&utm_medium=feed&utm_campaign=x&id=7",
            "https://example.com/p?id=7",
        ),
        ("https://example.com/p?UTM_Source=rss", "https://example.com/p"),
        ("https://example.com/p?fbclid=IwAR0&gclid=abc&msclkid=1", "https://example.com/p"),
        ("https://example.com/p?mc_cid=1&mc_eid=2&_hsenc=3&_hsmi=4", "https://example.com/p"),
        ("https://example.com/p?igshid=x&_ga=1.2&mkt_tok=y", "https://example.com/p"),
    ],
)
def test_tracking_parameters_are_dropped(url, canonical):
    assert canonicalize_url(url) == canonical


def test_parameters_that_may_select_content_are_kept():
    url = "https://github.com/org/repo/blob/main/x.py?ref=v2&source=feed&id=3&page=2"
    assert canonicalize_url(url) == (
        "https://github.com/org/repo/blob/main/x.py?id=3&page=2&ref=v2&source=feed"
    )


def test_remaining_parameters_are_sorted_by_name_keeping_repeats_in_order():
    url = "https://example.com/s?z=1&tag=b&a=2&tag=a&q=x+y&q2=x%20y"
    assert canonicalize_url(url) == "https://example.com/s?a=2&q=x+y&q2=x%20y&tag=b&tag=a&z=1"


def test_empty_pairs_and_a_bare_question_mark_disappear():
    assert canonicalize_url("https://example.com/a?&&") == "https://example.com/a"
    assert canonicalize_url("https://example.com/a?") == "https://example.com/a"


def test_path_case_and_trailing_slash_are_left_alone():
    assert canonicalize_url("https://example.com/A/") == "https://example.com/A/"
    assert canonicalize_url("https://example.com/A") == "https://example.com/A"


@pytest.mark.parametrize(
    "url",
    ["mailto:soc@example.com", "javascript:alert(1)", "not a url", "", "http://[::1/"],
)
def test_non_http_or_broken_input_comes_back_unchanged(url):
    assert canonicalize_url(url) == url


def test_canonicalizing_twice_changes_nothing():
    url = "HTTP://Example.com:80/a/../b?utm_source=x&b=2&a=1#frag"
    once = canonicalize_url(url)
    assert once == "http://example.com/b?a=1&b=2"
    assert canonicalize_url(once) == once
