"""One rule for "can this source be polled?" and one meaning of "poll now", for every door.

The queryset's ``pollable()`` decides, and ``due()``, ``can_poll``, the admin, the
health page and ``manage.py poll`` all ask it. "Poll now" in the admin (action and
button) and on the health page queues the same forced poll after the commit and is
audited; ``manage.py poll`` polls in the foreground, through the same rule, audited too.
Source pages follow the model permissions, not just ``is_staff``.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from articles.models import Article, Source
from audit.actions import Action
from audit.models import AuditEvent
from tests.factories import SourceFactory
from tests.feedserver import fixture_feed_server, fixture_local_feeds  # noqa: F401

pytestmark = pytest.mark.django_db

HEALTH = reverse("articles:sources-health")
PREVIEW = reverse("articles:sources-preview")
CHANGELIST = reverse("admin:articles_source_changelist")


@pytest.fixture
def every_kind(tmp_path, settings) -> dict[str, Source]:
    settings.SEED_FOLDERS_ROOT = tmp_path
    (tmp_path / "drop").mkdir()
    return {
        "feed": SourceFactory(name="Feed"),
        "feed without address": SourceFactory(name="No address", url=""),
        "seed folder": SourceFactory(name="Drop", kind="seed-folder", url="", folder="drop"),
        "seed files": SourceFactory(name="Seed files", kind="seed-folder", url="", folder=""),
        "manual": SourceFactory(name="Typed in", kind="manual", url=""),
        "disabled feed": SourceFactory(name="Off", enabled=False),
    }


def staff_with(make_user, *codenames: str):
    user = make_user("amber", "analyst")
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


# --- one rule ------------------------------------------------------------------------------


def test_pollable_due_can_poll_and_the_annotation_are_one_rule(every_kind):
    pollable = {"Feed", "Drop", "Off"}

    assert {s.name for s in Source.objects.pollable()} == pollable
    assert {s.name for s in Source.objects.due()} == pollable - {"Off"}
    assert {s.name for s in every_kind.values() if s.can_poll} == pollable
    assert {s.name for s in Source.objects.with_pollable() if s.can_poll} == pollable


def test_the_poll_command_without_names_polls_every_enabled_pollable_source_seed_folders_too(
    every_kind,
):
    out = StringIO()
    # The feed's address does not resolve here, so it fails (and the command says so).
    with pytest.raises(CommandError):
        call_command("poll", stdout=out, stderr=StringIO(), no_color=True)

    polled = sorted(line.split(":", 1)[0] for line in out.getvalue().splitlines())
    assert polled == ["Drop", "Feed"]
    assert Source.objects.get(name="Seed files").last_polled_at is None


def test_the_folderless_seed_files_source_is_not_scheduled_in_the_admin_nor_on_the_health_page(
    every_kind, login, admin_user
):
    client = login(admin_user)
    seed_files = every_kind["seed files"]

    admin_html = client.get(CHANGELIST).content.decode()
    row = admin_html[admin_html.index(">Seed files</a>") :]
    row = row[: row.index("</tr>")]
    health_html = client.get(HEALTH).content.decode()
    health_row = health_html[health_html.index(f'id="source-{seed_files.pk}"') :]
    health_row = health_row[: health_row.index("</tr>")]

    assert '<td class="field-next_poll">not scheduled</td>' in row
    assert '<span class="muted">not scheduled</span>' in health_row
    assert "Poll now" not in health_row


def test_no_door_polls_the_folderless_seed_files_source(
    every_kind, login, admin_user, django_capture_on_commit_callbacks
):
    client = login(admin_user)
    seed_files = every_kind["seed files"]
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(CHANGELIST, {"action": "poll_now", "_selected_action": [seed_files.pk]})
        client.post(reverse("admin:articles_source_poll", args=[seed_files.pk]))
        client.post(reverse("articles:sources-poll", args=[seed_files.pk]))
    assert callbacks == []
    assert not AuditEvent.objects.filter(action=Action.SOURCE_POLL).exists()


# --- one meaning of "poll now" -------------------------------------------------------------


@pytest.mark.parametrize("door", ["admin action", "admin button", "health page"])
def test_every_door_queues_a_forced_poll_after_commit_and_audits_who_asked(
    door, local_feeds, login, admin_user, django_capture_on_commit_callbacks
):
    source = SourceFactory(name="Wire", url=f"{local_feeds}/rss.xml", enabled=False)
    client = login(admin_user)
    with django_capture_on_commit_callbacks() as callbacks:
        if door == "admin action":
            client.post(CHANGELIST, {"action": "poll_now", "_selected_action": [source.pk]})
        elif door == "admin button":
            client.post(reverse("admin:articles_source_poll", args=[source.pk]))
        else:
            client.post(reverse("articles:sources-poll", args=[source.pk]))
    assert not Article.objects.exists()  # nothing fetched inside the request
    assert len(callbacks) == 1

    callbacks[0]()

    assert Article.objects.filter(source=source).count() == 3  # forced: disabled is polled
    event = AuditEvent.objects.get(action=Action.SOURCE_POLL)
    assert (event.actor, event.object_id, event.detail) == (
        admin_user,
        str(source.pk),
        "queued for the workers",
    )


def test_the_poll_command_polls_in_the_foreground_and_is_audited(local_feeds):
    source = SourceFactory(name="Wire", url=f"{local_feeds}/rss.xml")
    out = StringIO()

    call_command("poll", "Wire", stdout=out, no_color=True)

    assert out.getvalue() == "Wire: ok — 3 new, 0 updated, 0 unchanged, 0 filtered, 0 skipped\n"
    event = AuditEvent.objects.get(action=Action.SOURCE_POLL)
    assert (event.actor, event.actor_username, event.object_id) == (None, "manage.py poll", str(source.pk))
    assert event.detail == "in the foreground by manage.py poll: ok"


# --- permissions -----------------------------------------------------------------------


def test_staff_without_source_permissions_get_403_on_every_source_page(
    make_user, login, local_feeds, django_capture_on_commit_callbacks
):
    source = SourceFactory(name="Wire", url=f"{local_feeds}/rss.xml")
    client = login(staff_with(make_user))
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.get(HEALTH).status_code == 403
        assert client.post(reverse("articles:sources-poll", args=[source.pk])).status_code == 403
        assert client.get(PREVIEW).status_code == 403
        assert client.post(PREVIEW, {"url": f"{local_feeds}/rss.xml"}).status_code == 403
    assert callbacks == []


def test_staff_who_may_only_view_sources_see_health_without_poll_buttons_and_cannot_poll(
    make_user, login, django_capture_on_commit_callbacks
):
    source = SourceFactory(name="Wire")
    client = login(staff_with(make_user, "view_source"))

    health = client.get(HEALTH)
    with django_capture_on_commit_callbacks() as callbacks:
        polled = client.post(reverse("articles:sources-poll", args=[source.pk]))
        admin_polled = client.post(reverse("admin:articles_source_poll", args=[source.pk]))

    assert health.status_code == 200
    assert "Poll now" not in health.content.decode()
    assert (polled.status_code, admin_polled.status_code) == (403, 403)
    assert client.get(PREVIEW).status_code == 403
    assert callbacks == []


def test_staff_who_may_change_sources_can_poll_and_preview(
    make_user, login, django_capture_on_commit_callbacks
):
    source = SourceFactory(name="Wire")
    client = login(staff_with(make_user, "view_source", "change_source"))
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(reverse("articles:sources-poll", args=[source.pk])).status_code == 302
    assert len(callbacks) == 1
    assert client.get(PREVIEW).status_code == 200
    assert "Poll now" in client.get(HEALTH).content.decode()


def test_the_sources_link_in_the_nav_is_shown_only_to_staff_who_may_view_sources(make_user, login):
    link = f'<a href="{HEALTH}">Sources</a>'
    articles = reverse("articles:list")
    assert link not in login(staff_with(make_user)).get(articles).content.decode()
    assert link in login(staff_with(make_user, "view_source")).get(articles).content.decode()
