"""Creating, editing, switching on or off and deleting a source is audited, from every door.

The admin's form, its enable/disable actions and its delete page, and ``manage.py
add_source``, each leave a ``source.*`` event saying who did it and what changed.
(Polls are audited too; see test_source_poll_now.py.)
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Source
from audit.actions import Action
from audit.models import AuditEvent
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_source_changelist")


def form_data(**changes) -> dict:
    data = {
        "name": "Wire",
        "kind": "rss",
        "url": "https://feeds.example.org/wire.xml",
        "folder": "",
        "enabled": "on",
        "poll_interval_minutes": "60",
        "include_keywords": "",
        "exclude_keywords": "",
        "default_tlp": "clear",
        "reliability": "C",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def events() -> list[tuple[str, str, str]]:
    """Source events in order (signing in is audited too, and not what these tests are about)."""
    rows = AuditEvent.objects.filter(action__startswith="source.").order_by("id")
    return list(rows.values_list("action", "actor_username", "object_repr"))


def test_adding_a_source_in_the_admin_records_who_created_it_and_its_settings(login, admin_user):
    login(admin_user).post(reverse("admin:articles_source_add"), form_data())

    event = AuditEvent.objects.get(action=Action.SOURCE_CREATE)
    assert (event.actor, event.object_id) == (admin_user, str(Source.objects.get(name="Wire").pk))
    assert event.after["url"] == "https://feeds.example.org/wire.xml"
    assert event.after["poll_interval_minutes"] == 60


def test_editing_records_the_changed_fields_and_switching_off_is_its_own_event(login, admin_user):
    source = SourceFactory(name="Wire", url="https://feeds.example.org/wire.xml", reliability="C")

    login(admin_user).post(
        reverse("admin:articles_source_change", args=[source.pk]),
        form_data(enabled=None, poll_interval_minutes="15"),
    )

    assert events() == [(Action.SOURCE_DISABLE, "boss", "Wire"), (Action.SOURCE_EDIT, "boss", "Wire")]
    edit = AuditEvent.objects.get(action=Action.SOURCE_EDIT)
    assert (edit.before, edit.after) == ({"poll_interval_minutes": 60}, {"poll_interval_minutes": 15})


def test_saving_without_changes_records_nothing(login, admin_user):
    source = SourceFactory(name="Wire", url="https://feeds.example.org/wire.xml", reliability="C")
    login(admin_user).post(reverse("admin:articles_source_change", args=[source.pk]), form_data())
    assert events() == []


def test_the_enable_and_disable_actions_record_one_event_per_source_that_changed(login, admin_user):
    on, off = SourceFactory(name="On"), SourceFactory(name="Off", enabled=False)
    client = login(admin_user)

    client.post(CHANGELIST, {"action": "disable", "_selected_action": [on.pk, off.pk]})
    client.post(CHANGELIST, {"action": "enable", "_selected_action": [on.pk, off.pk]})

    assert events() == [
        (Action.SOURCE_DISABLE, "boss", "On"),
        (Action.SOURCE_ENABLE, "boss", "Off"),
        (Action.SOURCE_ENABLE, "boss", "On"),
    ]


def test_deleting_a_source_records_what_it_was(login, admin_user):
    typo = SourceFactory(name="Typo", url="https://feeds.example.org/typo.xml")
    login(admin_user).post(reverse("admin:articles_source_delete", args=[typo.pk]), {"post": "yes"})

    event = AuditEvent.objects.get(action=Action.SOURCE_DELETE)
    assert (event.actor, event.object_id, event.before["url"]) == (
        admin_user,
        str(typo.pk),
        "https://feeds.example.org/typo.xml",
    )
    assert not Source.objects.filter(pk=typo.pk).exists()


def test_deleting_from_the_list_action_records_each_source(login, admin_user):
    one, two = SourceFactory(name="One"), SourceFactory(name="Two")
    login(admin_user).post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [one.pk, two.pk], "post": "yes"}
    )
    assert sorted(e[2] for e in events()) == ["One", "Two"]
    assert not Source.objects.exists()


def test_add_source_records_the_creation_by_the_command():
    call_command(
        "add_source", "Wire", "https://feeds.example.org/wire.xml", stdout=StringIO(), stderr=StringIO()
    )
    assert events() == [(Action.SOURCE_CREATE, "manage.py add_source", "Wire")]


def test_load_seeds_records_the_creation_of_its_source_once(tmp_path):
    (tmp_path / "a.txt").write_text("Jan 2, 2026 • Ann\nTitle\nTeaser\nSummary\nText.\n")
    call_command("load_seeds", str(tmp_path), "--source", "Partner drops", stdout=StringIO())
    call_command("load_seeds", str(tmp_path), "--source", "Partner drops", stdout=StringIO())
    assert events() == [(Action.SOURCE_CREATE, "manage.py load_seeds", "Partner drops")]
