"""The audit trail: append-only, filtered by article visibility, pruned by retention."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import prune, record, visible_events
from tests.factories import PASSWORD, ArticleFactory

pytestmark = pytest.mark.django_db


def test_an_event_cannot_be_edited_or_deleted_one_by_one(admin_user):
    event = record(Action.SOURCE_POLL, actor=admin_user, detail="x")
    event.detail = "changed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="retention"):
        event.delete()
    assert AuditEvent.objects.get().detail == "x"


def test_events_about_an_article_follow_its_visibility(make_user):
    green = make_user("green", "admin")
    seen = ArticleFactory(tlp="green", title="Seen article")
    hidden = ArticleFactory(tlp="amber", title="Hidden amber article")
    record(Action.TLP, obj=seen, before={"tlp": "clear"}, after={"tlp": "green"})
    record(Action.TLP, obj=hidden, before={"tlp": "green"}, after={"tlp": "amber"})
    record(Action.SOURCE_POLL, detail="not about an article")
    titles = {e.object_repr for e in visible_events(green)}
    assert titles == {"Seen article", ""}


def test_an_event_about_a_deleted_article_is_hidden_from_everyone(admin_user):
    gone = ArticleFactory(tlp="clear", title="Deleted later")
    record(Action.TLP, obj=gone)
    gone.delete()
    assert not visible_events(admin_user).filter(object_repr="Deleted later").exists()


def test_the_audit_admin_lists_only_visible_events_and_is_read_only(client, make_user):
    green = make_user("green", "admin")
    record(Action.TLP, obj=ArticleFactory(tlp="red", title="Secret red title"))
    record(Action.TLP, obj=ArticleFactory(tlp="green", title="Open green title"))
    client.force_login(green)
    page = client.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    assert "Open green title" in page
    assert "Secret red title" not in page
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403


def test_retention_deletes_only_events_older_than_the_setting(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old = record(Action.SOURCE_POLL, detail="old")
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=31))
    record(Action.SOURCE_POLL, detail="new")
    assert prune() == 1
    assert list(AuditEvent.objects.values_list("detail", flat=True)) == ["new"]


def test_retention_zero_keeps_everything(settings):
    settings.AUDIT_RETENTION_DAYS = 0
    old = record(Action.SOURCE_POLL)
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=3650))
    assert prune() == 0


def test_sign_in_success_and_failure_are_recorded_with_the_address(client, analyst):
    client.post(reverse("login"), {"username": "analyst", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    client.post(reverse("login"), {"username": "analyst", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor_username", "client_address"))
    assert events == [
        (Action.LOGIN_FAILED, "analyst", "203.0.113.9"),
        (Action.LOGIN, "analyst", "203.0.113.9"),
    ]


def test_a_classification_correction_is_audited_with_old_and_new_values(client, analyst):
    article = ArticleFactory(category="malware", priority="low", intel_level="operational")
    client.force_login(analyst)
    client.post(
        reverse("articles:classify", args=[article.pk]),
        {"category": "breach", "intel_level": "operational", "priority": "low"},
        REMOTE_ADDR="198.51.100.7",
    )
    event = AuditEvent.objects.get(action=Action.CLASSIFICATION)
    assert (event.actor, event.article_id, event.client_address) == (analyst, article.pk, "198.51.100.7")
    assert (event.before, event.after) == ({"category": "malware"}, {"category": "breach"})


def test_re_enrichment_from_the_article_page_is_audited(client, editor, django_capture_on_commit_callbacks):
    article = ArticleFactory()
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("articles:reenrich", args=[article.pk]))
    event = AuditEvent.objects.get(action=Action.REENRICH)
    assert (event.actor, event.article_id) == (editor, article.pk)


def test_re_enrichment_from_the_admin_action_is_audited_per_article(client, admin_user):
    articles = [ArticleFactory(), ArticleFactory()]
    client.force_login(admin_user)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "reprocess", "_selected_action": [a.pk for a in articles]},
    )
    audited = set(AuditEvent.objects.filter(action=Action.REENRICH).values_list("article_id", flat=True))
    assert audited == {a.pk for a in articles}


def test_the_enrich_command_leaves_one_summary_event(db):
    ArticleFactory()
    call_command("enrich", "--all", stdout=io.StringIO())
    event = AuditEvent.objects.get(action=Action.REENRICH)
    assert (event.actor_username, event.article_id) == ("(command line)", None)
    assert event.detail == "manage.py enrich --all"  # no count: it would include hidden articles
