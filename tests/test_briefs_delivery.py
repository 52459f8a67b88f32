"""Sending a brief by e-mail, and the Atom feeds: every recipient's clearance is checked
when the message goes out, refusals are recorded, and feeds follow the reader's clearance."""

from __future__ import annotations

import smtplib
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from articles.models import ArticleGrant
from audit.models import AuditEvent
from briefs import delivery
from briefs.composition import BriefError
from briefs.publication_models import Delivery, FeedToken
from tests.briefs_support import published
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(make_user):
    return make_user("red", "editor", username="author-editor")


@pytest.fixture
def reviewer(make_user):
    return make_user("red", "editor", username="second-editor")


def reader(make_user, clearance: str, name: str):
    user = make_user(clearance, "analyst", username=name)
    user.email = f"{name}@example.org"
    user.save()
    return user


def send(brief, actor, capture, **kwargs):
    with capture(execute=True):
        return delivery.request_sending(brief, actor, **kwargs)


def test_an_amber_brief_goes_to_amber_readers_and_is_refused_to_green_ones(
    author, reviewer, make_user, django_capture_on_commit_callbacks
):
    brief = published(author, reviewer, ArticleFactory(tlp="amber", title="Amber news"))
    amber, green = reader(make_user, "amber", "amber-reader"), reader(make_user, "green", "green-reader")
    rows = send(brief, author, django_capture_on_commit_callbacks, user_ids=[amber.pk, green.pk])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amber-reader@example.org"]
    assert message.subject == f"[TLP:AMBER] {brief.title}"
    assert "TLP:AMBER" in message.body and "Amber news" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and "Amber news" in html
    statuses = {d.recipient.username: (d.status, d.reason) for d in Delivery.objects.all()}
    assert statuses["amber-reader"][0] == Delivery.SENT
    assert statuses["green-reader"][0] == Delivery.REFUSED
    assert "Not cleared" in statuses["green-reader"][1]
    assert len(rows) == 2
    event = AuditEvent.objects.get(action="brief.send")
    assert event.after == {"queued": 1, "refused": 1}


def test_clearance_is_checked_again_at_send_time(
    author, reviewer, make_user, django_capture_on_commit_callbacks
):
    brief = published(author, reviewer, ArticleFactory(tlp="amber"))
    amber = reader(make_user, "amber", "lowered-later")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delivery.request_sending(brief, author, user_ids=[amber.pk])
    amber.clearance = "green"  # lowered between the request and the send
    amber.save()
    for callback in callbacks:
        callback()
    assert mail.outbox == []
    assert Delivery.objects.get().status == Delivery.REFUSED


def test_groups_are_expanded_to_their_active_members(
    author, reviewer, make_user, django_capture_on_commit_callbacks
):
    brief = published(author, reviewer, ArticleFactory(tlp="green"))
    soc = Group.objects.create(name="SOC")
    members = [reader(make_user, "green", f"soc-{n}") for n in range(3)]
    members[2].is_active = False
    members[2].save()
    for member in members:
        member.groups.add(soc)
    send(brief, author, django_capture_on_commit_callbacks, group_ids=[soc.pk])
    assert sorted(m.to[0] for m in mail.outbox) == ["soc-0@example.org", "soc-1@example.org"]
    assert set(Delivery.objects.values_list("named_as", flat=True)) == {"group SOC"}


def test_red_and_amber_strict_briefs_are_never_e_mailed(author, reviewer, make_user):
    article = ArticleFactory(tlp="red")
    ArticleGrant.objects.create(article=article, user=author)
    ArticleGrant.objects.create(article=article, user=reviewer)
    brief = published(author, reviewer, article)
    with pytest.raises(BriefError, match="never sent by e-mail"):
        delivery.request_sending(brief, author, user_ids=[reviewer.pk])
    assert not Delivery.objects.exists()


def test_a_recipient_without_an_address_is_refused_and_recorded(
    author, reviewer, make_user, django_capture_on_commit_callbacks
):
    brief = published(author, reviewer, ArticleFactory(tlp="clear"))
    nobody = make_user("amber", "analyst", username="no-address")
    send(brief, author, django_capture_on_commit_callbacks, user_ids=[nobody.pk])
    row = Delivery.objects.get()
    assert (row.status, row.reason) == (Delivery.REFUSED, "The account has no e-mail address.")


def test_a_transient_smtp_error_puts_the_delivery_back_for_a_retry(author, reviewer, make_user):
    brief = published(author, reviewer, ArticleFactory(tlp="clear"))
    person = reader(make_user, "clear", "retry-me")
    row = Delivery.objects.create(brief=brief, recipient=person, address=person.email)
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected("gone")
        ),
        pytest.raises(delivery.TransientSendError),
    ):
        delivery.deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Delivery.PENDING, 1)
    assert delivery.deliver(row.pk) == "sent"
    assert delivery.deliver(row.pk) == "claimed elsewhere"  # a redelivered message sends nothing twice
    assert len(mail.outbox) == 1


def test_only_editors_send(author, reviewer, make_user):
    brief = published(author, reviewer, ArticleFactory())
    with pytest.raises(BriefError):
        delivery.request_sending(brief, make_user("amber", "analyst"), user_ids=[author.pk])


def test_the_send_page_lists_refusals(
    client, author, reviewer, make_user, django_capture_on_commit_callbacks
):
    brief = published(author, reviewer, ArticleFactory(tlp="amber"))
    green = reader(make_user, "green", "green-reader")
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("briefs:send", args=[brief.pk]), {"users": [green.pk]})
    assert response.status_code == 303
    html = client.get(reverse("briefs:send", args=[brief.pk])).content.decode()
    assert "Refused" in html and "Not cleared" in html


# --- Atom feeds -----------------------------------------------------------------------------


def feed_for(client, user) -> str:
    token = FeedToken.objects.get_or_create(user=user)[0].token
    client.logout()
    response = client.get(reverse("briefs:reader-feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return response.content.decode()


def test_the_reader_feed_lists_only_briefs_the_reader_is_cleared_for(client, author, reviewer, make_user):
    green_brief = published(author, reviewer, ArticleFactory(tlp="green"), title="Green brief", week=47)
    published(author, reviewer, ArticleFactory(tlp="amber"), title="Amber brief", week=48)
    green = make_user("green", "analyst")
    feed = feed_for(client, green)
    assert "Green brief" in feed and "Amber brief" not in feed
    assert reverse("briefs:detail", args=[green_brief.pk]) in feed
    green.clearance = "clear"
    green.save()
    assert "Green brief" not in feed_for(client, green)


def test_an_unknown_feed_token_is_404_and_a_replaced_one_stops_working(client, make_user):
    user = make_user("amber", "analyst")
    assert client.get(reverse("briefs:reader-feed", args=["nope"])).status_code == 404
    old = FeedToken.objects.create(user=user).token
    client.force_login(user)
    client.post(reverse("briefs:feed"))
    client.logout()
    assert client.get(reverse("briefs:reader-feed", args=[old])).status_code == 404


def test_the_public_feed_and_page_hold_only_all_clear_briefs(client, author, reviewer):
    clear = published(author, reviewer, ArticleFactory(tlp="clear"), title="All clear brief", week=45)
    mixed = published(
        author, reviewer, ArticleFactory(tlp="clear"), ArticleFactory(tlp="green"), title="Mixed", week=46
    )
    client.logout()
    feed = client.get(reverse("briefs:public-feed")).content.decode()
    assert "All clear brief" in feed and "Mixed" not in feed
    public_page = client.get(reverse("briefs:public-detail", args=[clear.pk]))
    assert public_page.status_code == 200
    assert "author-editor" not in public_page.content.decode()  # no internal names in public
    assert client.get(reverse("briefs:public-detail", args=[mixed.pk])).status_code == 404
    assert client.get(reverse("briefs:detail", args=[clear.pk])).status_code == 302  # the sign-in page


def test_a_clear_brief_leaves_the_public_feed_when_an_article_in_it_is_relabelled(client, author, reviewer):
    article = ArticleFactory(tlp="clear")
    brief = published(author, reviewer, article, title="Was public")
    article.tlp = "green"
    article.save()
    client.logout()
    assert "Was public" not in client.get(reverse("briefs:public-feed")).content.decode()
    assert client.get(reverse("briefs:public-detail", args=[brief.pk])).status_code == 404


def test_a_clear_floor_brief_marked_green_is_not_public(client, author, reviewer):
    from briefs import composition, workflow
    from tests.briefs_support import draft

    brief = draft(author, ArticleFactory(tlp="clear"))
    composition.update_text(brief, author, brief.version, title="Marked green", summary="", tlp_floor="green")
    brief.refresh_from_db()
    workflow.submit_for_review(brief, author, brief.version)
    workflow.publish(brief, reviewer)
    client.logout()
    assert client.get(reverse("briefs:public-detail", args=[brief.pk])).status_code == 404


def test_lost_deliveries_are_sent_again_by_the_sweeper_and_given_up_after_every_retry(
    author, reviewer, make_user
):
    import datetime as dt

    from django.utils import timezone

    from briefs.tasks import requeue_pending_deliveries_task

    brief = published(author, reviewer, ArticleFactory(tlp="clear"))
    person = reader(make_user, "clear", "lost-message")
    lost = Delivery.objects.create(brief=brief, recipient=person, address=person.email)
    fresh = Delivery.objects.create(brief=brief, recipient=person, address=person.email)
    hopeless = Delivery.objects.create(brief=brief, recipient=person, address=person.email, attempts=7)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Delivery.objects.filter(pk__in=[lost.pk, hopeless.pk]).update(requested_at=long_ago)
    assert requeue_pending_deliveries_task() == 1  # tasks run eagerly in tests
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert statuses == {lost.pk: Delivery.SENT, fresh.pk: Delivery.PENDING, hopeless.pk: Delivery.FAILED}
    assert len(mail.outbox) == 1


def test_a_correction_is_offered_to_the_earlier_recipients_and_says_so_in_the_subject(
    client, author, reviewer, make_user, django_capture_on_commit_callbacks
):
    from briefs import workflow

    first = published(author, reviewer, ArticleFactory(tlp="green"), title="Week brief")
    person = reader(make_user, "green", "got-the-first")
    send(first, author, django_capture_on_commit_callbacks, user_ids=[person.pk])
    fix = workflow.correct(first, author)
    workflow.submit_for_review(fix, author, fix.version)
    workflow.publish(fix, reviewer)
    client.force_login(author)
    html = client.get(reverse("briefs:send", args=[fix.pk])).content.decode()
    assert f'value="{person.pk}" checked' in html
    mail.outbox.clear()
    send(fix, author, django_capture_on_commit_callbacks, user_ids=[person.pk])
    assert mail.outbox[0].subject == "[TLP:GREEN] Week brief (correction: revision 2)"


def test_the_task_retries_a_transient_error_then_sends_and_gives_up_after_the_last_retry(
    author, reviewer, make_user
):
    from briefs.tasks import MAX_SEND_RETRIES, send_delivery_task

    brief = published(author, reviewer, ArticleFactory(tlp="clear"))
    person = reader(make_user, "clear", "flaky-server")
    row = Delivery.objects.create(brief=brief, recipient=person, address=person.email)
    real_send = mail.EmailMultiAlternatives.send
    failures = iter([smtplib.SMTPServerDisconnected("gone"), smtplib.SMTPServerDisconnected("again")])

    def flaky(message, *args, **kwargs):
        error = next(failures, None)
        if error is not None:
            raise error
        return real_send(message, *args, **kwargs)

    with mock.patch("django.core.mail.EmailMultiAlternatives.send", flaky):
        send_delivery_task.apply(args=(row.pk,))  # eager: each retry runs at once
    row.refresh_from_db()
    assert (row.status, row.attempts, len(mail.outbox)) == (Delivery.SENT, 3, 1)

    doomed = Delivery.objects.create(brief=brief, recipient=person, address=person.email)
    down = smtplib.SMTPServerDisconnected("down for good")
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=down):
        send_delivery_task.apply(args=(doomed.pk,))
    doomed.refresh_from_db()
    assert (doomed.status, doomed.attempts) == (Delivery.FAILED, MAX_SEND_RETRIES + 1)
    assert "down for good" in doomed.reason
