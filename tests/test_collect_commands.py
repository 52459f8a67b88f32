"""``manage.py add_source`` and ``manage.py poll`` end to end, against the local feed host."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, Source
from tests.factories import SourceFactory
from tests.feedserver import fixture_feed_server, fixture_local_feeds  # noqa: F401

pytestmark = pytest.mark.django_db

RSS_TITLES = [
    "Ransomware gang hits regional hospital network",
    "Patch Tuesday fixed 61 vulnerabilities, two of them exploited in the wild…",
    "Weekly roundup",
]


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO(), no_color=True)
    return out.getvalue()


def failing_run(command: str, *args: str) -> tuple[str, CommandError]:
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(command, *args, stdout=out, stderr=StringIO(), no_color=True)
    return out.getvalue(), caught.value


def test_add_source_creates_an_enabled_feed_with_the_given_settings_and_says_so(local_feeds):
    url = f"{local_feeds}/rss.xml"
    output = run(
        "add_source", "Example News", url, "--interval", "30", "--tlp", "TLP:AMBER", "--reliability", "b"
    )

    source = Source.objects.get(name="Example News")
    assert (source.kind, source.url, source.enabled) == ("rss", url, True)
    assert (source.poll_interval_minutes, source.default_tlp, source.reliability) == (30, "amber", "B")
    assert output == (
        f"Added source #{source.pk} “Example News”: RSS feed at {url}, polled every 30 min, "
        'TLP:AMBER, reliability B. Run `manage.py poll "Example News"` to fetch it now.\n'
    )


def test_add_source_defaults_to_an_rss_feed_polled_hourly_clear_and_unjudged():
    run("add_source", "Defaults", "https://feeds.example.org/a.xml")
    source = Source.objects.get(name="Defaults")
    assert (source.kind, source.poll_interval_minutes, source.default_tlp, source.reliability) == (
        "rss",
        60,
        "clear",
        "F",
    )


def test_add_source_accepts_each_feed_kind():
    run("add_source", "A JSON feed", "https://feeds.example.org/feed.json", "--kind", "json")
    assert Source.objects.get(name="A JSON feed").kind == "json"


def test_add_source_with_a_duplicate_name_is_refused_clearly():
    SourceFactory(name="Taken")
    _, error = failing_run("add_source", "Taken", "https://feeds.example.org/b.xml")
    assert str(error) == (
        "the source was not added — NAME: A source with this name already exists; pick another name."
    )
    assert Source.objects.filter(name="Taken").count() == 1


def test_add_source_refuses_a_non_web_url():
    _, error = failing_run("add_source", "FTP", "ftp://feeds.example.org/feed.xml")
    assert str(error) == (
        "the source was not added — URL: The address uses ftp://; "
        "only http:// and https:// feeds can be fetched."
    )
    assert not Source.objects.exists()


def test_add_source_refuses_something_that_is_not_a_url():
    _, error = failing_run("add_source", "Junk", "not a url")
    assert str(error) == "the source was not added — URL: Enter a valid URL."


def test_add_source_refuses_an_interval_under_a_minute():
    _, error = failing_run("add_source", "Too fast", "https://feeds.example.org/c.xml", "--interval", "0")
    assert str(error).startswith("the source was not added — --interval: Poll at most once a minute")


def test_add_source_refuses_an_unknown_tlp_label_or_reliability():
    _, tlp_error = failing_run("add_source", "X", "https://feeds.example.org/x.xml", "--tlp", "purple")
    assert str(tlp_error).startswith("'purple' is not a TLP label")
    _, reliability_error = failing_run(
        "add_source", "X", "https://feeds.example.org/x.xml", "--reliability", "Z"
    )
    assert str(reliability_error).startswith(
        "the source was not added — --reliability: Select a valid choice."
    )
    assert not Source.objects.exists()


def test_added_source_polls_its_articles_and_a_second_poll_is_not_modified(local_feeds):
    run("add_source", "Conditional", f"{local_feeds}/conditional.xml")

    first = run("poll")
    second = run("poll", "Conditional")

    assert first == "Conditional: ok — 3 new, 0 updated, 0 unchanged, 0 filtered, 0 skipped\n"
    assert second == "Conditional: not-modified — 0 new, 0 updated, 0 unchanged, 0 filtered, 0 skipped\n"
    titles = list(
        Article.objects.filter(source__name="Conditional").order_by("published_at").values_list("title")
    )
    assert sorted(t for (t,) in titles) == sorted(RSS_TITLES)
    source = Source.objects.get(name="Conditional")
    assert source.etag == '"feed-v1"'
    assert source.last_result["status"] == "not-modified"


def test_second_poll_of_a_feed_without_validators_reports_every_entry_unchanged(local_feeds):
    run("add_source", "Plain", f"{local_feeds}/rss.xml")
    run("poll", "Plain")
    assert run("poll", "Plain") == "Plain: ok — 0 new, 0 updated, 3 unchanged, 0 filtered, 0 skipped\n"
    assert Article.objects.filter(source__name="Plain").count() == 3


def test_broken_feed_prints_failed_with_the_reason_and_exits_non_zero_while_others_ingest(local_feeds):
    SourceFactory(name="Alpha good", url=f"{local_feeds}/rss.xml")
    SourceFactory(name="Beta broken", url=f"{local_feeds}/page.html")
    SourceFactory(name="Gamma good", url=f"{local_feeds}/atom.xml")

    output, error = failing_run("poll")

    lines = output.splitlines()
    assert lines[0] == "Alpha good: ok — 3 new, 0 updated, 0 unchanged, 0 filtered, 0 skipped"
    assert lines[1] == (
        f"Beta broken: FAILED — {local_feeds}/page.html returned an HTML page, not a feed — is it the "
        "site's home page rather than its feed URL? Look for an RSS or Atom link on that page."
    )
    assert lines[2].startswith("Gamma good: ok — ")
    assert len(lines) == 3
    assert str(error) == "1 of 3 source(s) failed; see the FAILED line(s) above."
    assert error.returncode == 1
    assert Article.objects.filter(source__name="Alpha good").count() == 3
    assert Article.objects.filter(source__name="Gamma good").exists()
    broken = Source.objects.get(name="Beta broken")
    assert (broken.consecutive_failures, broken.last_error_kind) == (1, "parse")


def test_poll_without_names_skips_disabled_and_non_feed_sources(local_feeds):
    SourceFactory(name="On", url=f"{local_feeds}/rss.xml")
    SourceFactory(name="Off", url=f"{local_feeds}/rss.xml", enabled=False)
    SourceFactory(name="Typed in", kind="manual", url="")
    assert run("poll") == "On: ok — 3 new, 0 updated, 0 unchanged, 0 filtered, 0 skipped\n"


def test_poll_by_name_polls_a_disabled_source_too(local_feeds):
    SourceFactory(name="Off", url=f"{local_feeds}/rss.xml", enabled=False)
    assert run("poll", "Off") == "Off: ok — 3 new, 0 updated, 0 unchanged, 0 filtered, 0 skipped\n"


def test_poll_with_an_unknown_name_polls_nothing_and_names_the_culprit(local_feeds):
    SourceFactory(name="Known", url=f"{local_feeds}/rss.xml")
    output, error = failing_run("poll", "Known", "Nope")
    assert str(error) == "no source named 'Nope'; known sources: Known"
    assert output == ""
    assert not Article.objects.exists()


def test_poll_of_a_named_manual_source_is_refused():
    SourceFactory(name="Typed in", kind="manual", url="")
    _, error = failing_run("poll", "Typed in")
    assert str(error) == "not polled — 'Typed in': a manual source has nothing to poll"
    assert Source.objects.get(name="Typed in").last_polled_at is None


def test_poll_with_no_pollable_sources_says_there_is_nothing_to_do():
    SourceFactory(name="Typed in", kind="manual", url="")
    assert run("poll") == "No enabled sources to poll; add one with `manage.py add_source`.\n"
