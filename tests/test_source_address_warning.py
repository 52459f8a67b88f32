"""Adding a feed the private-address guard would refuse warns at once, and still adds it.

Without the warning, a feed on the local network is accepted silently, its first poll
fails and it backs off for an hour. The check is the guard's own (resolve, then
FETCH_ALLOW_NETWORKS); it only warns, because the operator may be about to allow it.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from articles.models import Source

pytestmark = pytest.mark.django_db

LOOPBACK_FEED = "http://127.0.0.1:8080/feed.xml"


def add_source(url: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("add_source", "Local", url, stdout=out, stderr=err, no_color=True)
    return out.getvalue(), err.getvalue()


def admin_add(client, url: str):
    data = {
        "name": "Local",
        "kind": "rss",
        "url": url,
        "folder": "",
        "enabled": "on",
        "poll_interval_minutes": "60",
        "default_tlp": "clear",
        "reliability": "F",
    }
    return client.post(reverse("admin:articles_source_add"), data)


def test_add_source_warns_that_a_loopback_feed_will_be_refused_and_adds_it_anyway(settings):
    settings.FETCH_ALLOW_NETWORKS = []
    out, err = add_source(LOOPBACK_FEED)

    assert out.startswith("Added source #")
    assert err.startswith("Warning: the first poll will fail as things stand. Refused to fetch ")
    assert "127.0.0.1 resolves to 127.0.0.1, which is a loopback address" in err
    assert "FETCH_ALLOW_NETWORKS" in err
    assert Source.objects.filter(name="Local").exists()


def test_add_source_says_nothing_more_once_the_network_is_allowed(settings):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    _, err = add_source(LOOPBACK_FEED)
    assert err == ""


def test_add_source_does_not_warn_about_a_public_address(settings):
    settings.FETCH_ALLOW_NETWORKS = []
    _, err = add_source("http://93.184.215.14/feed.xml")
    assert err == ""


def test_the_admin_warns_after_saving_a_feed_the_guard_would_refuse(settings, login, admin_user):
    settings.FETCH_ALLOW_NETWORKS = []
    response = admin_add(login(admin_user), LOOPBACK_FEED)

    shown = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    warnings = [text for level, text in shown if level == "warning"]
    assert len(warnings) == 1
    assert warnings[0].startswith("The first poll will fail as things stand. Refused to fetch ")
    assert Source.objects.filter(name="Local").exists()


def test_the_admin_does_not_warn_when_the_network_is_allowed(settings, login, admin_user):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    response = admin_add(login(admin_user), LOOPBACK_FEED)
    assert [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"] == []
