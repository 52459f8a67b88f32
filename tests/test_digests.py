"""E-mail digests of saved searches (workspace/digests.py, workspace/tasks.py): what is in
them is decided at send time, each is sent at most once per period, transient SMTP errors
are retried, and nothing is sent when there is nothing new."""

from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from articles.models import ArticleGrant
from intelportal.celery import app as celery_app
from tests.factories import ArticleFactory
from workspace import digests, saved_searches, tasks
from workspace.models import SavedSearch

pytestmark = pytest.mark.django_db
# A Wednesday, after the default send hour (06:00) and weekday (Monday).
SEND_TIME = dt.datetime(2026, 12, 9, 7, 0, tzinfo=dt.UTC)
SAVED_AT = SEND_TIME - dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _send_hour(settings):
    settings.TIME_ZONE = "UTC"
    settings.DIGEST_HOUR = 6
    settings.DIGEST_WEEKDAY = 1
    settings.DIGEST_MAX_ITEMS = 20
    settings.PORTAL_URL = "https://intel.example.org"
    settings.DIGESTS_ENABLED = True  # the suite runs with DEBUG off and no EMAIL_HOST


@pytest.fixture
def analyst(make_user):
    user = make_user("amber", username="dana")
    user.email = "dana@example.org"
    user.save(update_fields=["email"])
    return user


def subscribe(user, name="Loader", query="tag=loader", digest="daily") -> SavedSearch:
    with time_machine.travel(SAVED_AT, tick=False):
        search = saved_searches.save_search(user, name, query)
        saved_searches.change_search(search, user, name=name, digest=digest)
    return search


def arrive(hours_before_send: float = 2, **fields):
    """An article published and received some hours before the send time."""
    at = SEND_TIME - dt.timedelta(hours=hours_before_send)
    with time_machine.travel(at, tick=False):
        return ArticleFactory(published_at=at, **{"tags": ["loader"], **fields})


def run_dispatch(period="daily", at=SEND_TIME) -> int:
    with time_machine.travel(at, tick=False):
        return tasks.dispatch_digests_task.delay(period).get()


# --- the schedule ------------------------------------------------------------------------------


def test_beat_runs_the_daily_and_the_weekly_dispatch():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    for period in ("daily", "weekly"):
        entry = schedule[f"saved-search-digests-{period}"]
        assert entry["task"] == "workspace.tasks.dispatch_digests_task" and entry["args"] == [period]
        assert entry["schedule"] == django_settings.DIGEST_CHECK_EVERY_SECONDS
    celery_app.loader.import_default_modules()
    assert "workspace.tasks.dispatch_digests_task" in celery_app.tasks
    assert "workspace.tasks.send_digest_task" in celery_app.tasks


def test_daily_digests_wait_for_the_send_hour_and_weekly_ones_for_the_weekday():
    tuesday_early = dt.datetime(2026, 12, 8, 5, 59, tzinfo=dt.UTC)
    assert not digests.is_due("daily", tuesday_early)
    assert digests.is_due("daily", tuesday_early + dt.timedelta(minutes=1))
    monday_early = dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)
    assert not digests.is_due("weekly", monday_early)
    assert digests.is_due("weekly", monday_early + dt.timedelta(hours=1))
    assert digests.is_due("weekly", tuesday_early)  # a missed Monday still gets its digest
    assert digests.period_key("daily", SEND_TIME) == "2026-12-09"
    assert digests.period_key("weekly", SEND_TIME) == "2026-W50"


def test_nothing_is_dispatched_before_the_send_hour(analyst):
    subscribe(analyst)
    arrive()
    assert run_dispatch(at=SEND_TIME.replace(hour=5)) == 0
    assert mail.outbox == []


# --- what a digest holds --------------------------------------------------------------------


def test_a_digest_lists_the_new_matches_with_their_tlp_in_text_and_html(analyst):
    subscribe(analyst)
    arrive(title="Loader hits clinics", tlp="green", hours_before_send=3)
    arrive(title="Loader source code leaked", tlp="amber", hours_before_send=1)
    arrive(title="Unrelated", tags=["other"])
    assert run_dispatch() == 1
    (message,) = mail.outbox
    assert message.to == ["dana@example.org"]
    assert message.subject == "[TLP:AMBER] Loader: 2 new articles"
    assert "[TLP:GREEN] Loader hits clinics" in message.body
    assert "[TLP:AMBER] Loader source code leaked" in message.body
    assert "Unrelated" not in message.body
    assert message.body.index("source code leaked") < message.body.index("hits clinics")  # newest first
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert "Loader hits clinics" in html and ">TLP:GREEN</span>" in html and ">TLP:AMBER</span>" in html
    assert "https://intel.example.org/articles/" in html
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_titles_and_teasers_are_escaped_in_the_html_and_kept_as_typed_in_the_text(analyst):
    subscribe(analyst)
    arrive(title="Loader <script>alert(1)</script>", teaser="Clinics & <b>hospitals</b>")
    run_dispatch()
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "<script>" not in html and "Loader &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Clinics &amp; &lt;b&gt;hospitals&lt;/b&gt;" in html
    assert "[TLP:CLEAR] Loader <script>alert(1)</script>" in message.body


def test_the_subject_names_the_highest_tlp_in_the_digest(analyst):
    subscribe(analyst)
    arrive(tlp="clear")
    arrive(tlp="green")
    run_dispatch()
    assert mail.outbox[0].subject.startswith("[TLP:GREEN] ")


def test_a_clearance_lowered_after_saving_is_respected_at_send_time(analyst):
    subscribe(analyst)  # saved while cleared for AMBER
    arrive(title="Green report", tlp="green")
    arrive(title="Amber report", tlp="amber")
    analyst.clearance = "green"
    analyst.save(update_fields=["clearance"])
    run_dispatch()
    (message,) = mail.outbox
    assert "Amber report" not in message.body and "Amber report" not in message.alternatives[0][0]
    assert message.subject == "[TLP:GREEN] Loader: 1 new article"


def test_a_search_that_no_longer_validates_for_its_owner_sends_nothing_rather_than_more(analyst):
    subscribe(analyst, query="tag=loader&tlp=amber")  # TLP:AMBER is no choice for a GREEN reader
    arrive(tlp="green")
    analyst.clearance = "green"
    analyst.save(update_fields=["clearance"])
    run_dispatch()
    assert mail.outbox == []


def test_a_revoked_red_grant_is_respected_at_send_time(make_user):
    reader = make_user("red")
    reader.email = "red@example.org"
    reader.save(update_fields=["email"])
    subscribe(reader)
    secret = arrive(title="Red report", tlp="red")
    grant = ArticleGrant.objects.create(article=secret, user=reader)
    arrive(title="Clear report", tlp="clear")
    grant.delete()
    run_dispatch()
    (message,) = mail.outbox
    assert "Red report" not in message.body and message.subject.startswith("[TLP:CLEAR] ")


def test_amber_strict_and_red_articles_are_counted_never_mailed(make_user):
    reader = make_user("red")
    reader.email = "red@example.org"
    reader.save(update_fields=["email"])
    subscribe(reader)
    red = arrive(title="Red operation details", tlp="red")
    ArticleGrant.objects.create(article=red, user=reader)
    arrive(title="Strict partner note", tlp="amber+strict")
    arrive(title="Amber bulletin", tlp="amber")
    run_dispatch()
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    for part in (message.body, html, message.subject):
        assert "Red operation details" not in part and "Strict partner note" not in part
    assert "Amber bulletin" in message.body and message.subject.startswith("[TLP:AMBER] ")
    assert "2 more marked TLP:AMBER+STRICT or TLP:RED: these are never sent by e-mail" in message.body
    assert "never sent by e-mail" in html


def test_only_articles_that_arrived_since_the_last_digest_are_in_it(analyst):
    subscribe(analyst)
    arrive(title="Before the subscription", hours_before_send=30)
    arrive(title="Since the subscription")
    run_dispatch()
    assert "Since the subscription" in mail.outbox[0].body
    assert "Before the subscription" not in mail.outbox[0].body
    arrive(title="Tomorrow's news", hours_before_send=-20)
    run_dispatch(at=SEND_TIME + dt.timedelta(days=1))
    assert len(mail.outbox) == 2
    assert "Tomorrow's news" in mail.outbox[1].body and "Since the subscription" not in mail.outbox[1].body


def test_an_article_from_the_last_minutes_before_the_send_waits_for_the_next_digest(analyst):
    subscribe(analyst)
    arrive(title="Settled report", hours_before_send=1)
    arrive(title="Just arrived", hours_before_send=2 / 60)  # its transaction may still be open
    run_dispatch()
    assert "Settled report" in mail.outbox[0].body and "Just arrived" not in mail.outbox[0].body
    run_dispatch(at=SEND_TIME + dt.timedelta(days=1))
    assert "Just arrived" in mail.outbox[1].body and "Settled report" not in mail.outbox[1].body


def test_at_most_n_items_with_a_link_to_the_rest(analyst, settings):
    settings.DIGEST_MAX_ITEMS = 2
    search = subscribe(analyst)
    for n in range(5):
        arrive(title=f"Loader {n}", hours_before_send=5 - n)
    run_dispatch()
    (message,) = mail.outbox
    assert message.body.count("[TLP:CLEAR]") == 2
    assert message.subject == "[TLP:CLEAR] Loader: 5 new articles"
    assert f"…and 3 more: https://intel.example.org/workspace/searches/{search.pk}/open/" in message.body


def test_nothing_new_sends_nothing(analyst):
    subscribe(analyst)
    arrive(tags=["other"])
    arrive(tlp="red")  # above the reader's clearance: not new for them
    assert run_dispatch() == 1
    assert mail.outbox == []


def test_a_reader_without_an_e_mail_address_is_skipped_with_a_log_line(make_user, caplog):
    reader = make_user("green")
    search = subscribe(reader)
    arrive()
    with caplog.at_level(logging.INFO, logger="workspace.digests"):
        run_dispatch()
    assert mail.outbox == []
    assert (
        f"digest of saved search {search.pk} skipped: user {reader.pk} has no e-mail address" in caplog.text
    )


def test_without_a_mail_server_in_production_nothing_is_queued_and_a_warning_says_why(
    analyst, settings, caplog
):
    settings.DIGESTS_ENABLED = False
    search = subscribe(analyst)
    arrive()
    with caplog.at_level(logging.WARNING, logger="workspace.digests"):
        assert run_dispatch() == 0
    assert "digests are off: no mail server is configured (EMAIL_HOST)" in caplog.text
    with time_machine.travel(SEND_TIME, tick=False):
        assert digests.send_digest(search.pk, "daily", "2026-12-09") == "digests off"
    assert mail.outbox == []


def test_searches_without_a_digest_get_no_e_mail(analyst):
    subscribe(analyst, digest="")
    subscribe(analyst, name="Weekly", digest="weekly")
    arrive()
    assert run_dispatch("daily") == 0
    assert mail.outbox == []


# --- at most once, and retried when the server is away -------------------------------------------


def test_running_the_send_twice_sends_one_e_mail(analyst):
    search = subscribe(analyst)
    arrive()
    key = digests.period_key("daily", SEND_TIME)
    with time_machine.travel(SEND_TIME, tick=False):
        first = tasks.send_digest_task.delay(search.pk, "daily", key).get()
        second = tasks.send_digest_task.delay(search.pk, "daily", key).get()
    assert (first, second) == ("sent", "already sent")
    assert len(mail.outbox) == 1
    assert run_dispatch() == 0  # claimed for today: the next beat run queues nothing
    assert len(mail.outbox) == 1


def test_a_worker_that_read_the_row_before_another_claimed_it_does_not_send(analyst):
    search = subscribe(analyst)
    arrive()
    stale_copy = SavedSearch.objects.get(pk=search.pk)
    with time_machine.travel(SEND_TIME, tick=False):
        assert digests.send_digest(search.pk, "daily", "2026-12-09") == "sent"
        assert digests._claim(stale_copy, "2026-12-09", timezone.now()) is False
    assert len(mail.outbox) == 1


def test_a_transient_smtp_error_gives_the_claim_back_and_the_task_retries(analyst, monkeypatch):
    search = subscribe(analyst)
    arrive()
    real_send = EmailMultiAlternatives.send
    failures = [smtplib.SMTPServerDisconnected("connection lost"), ConnectionRefusedError("refused")]

    def flaky(message, *args, **kwargs):
        if failures:
            raise failures.pop(0)
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    run_dispatch()
    assert failures == [] and len(mail.outbox) == 1
    search.refresh_from_db()
    assert search.digest_period == "2026-12-09"


def test_a_permanent_refusal_keeps_the_claim_and_is_not_retried(analyst, monkeypatch, caplog):
    search = subscribe(analyst)
    arrive()
    calls = []

    def refused(message, *args, **kwargs):
        calls.append(message)
        raise smtplib.SMTPRecipientsRefused({"dana@example.org": (550, b"no such mailbox")})

    monkeypatch.setattr(EmailMultiAlternatives, "send", refused)
    with caplog.at_level(logging.ERROR, logger="workspace.digests"):
        run_dispatch()
    assert len(calls) == 1 and "refused" in caplog.text
    search.refresh_from_db()
    assert search.digest_period == "2026-12-09"


def test_a_failure_before_sending_gives_the_claim_back(analyst, monkeypatch):
    search = subscribe(analyst)
    arrive()

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(digests, "build", broken)
    with pytest.raises(RuntimeError), time_machine.travel(SEND_TIME, tick=False):
        digests.send_digest(search.pk, "daily", "2026-12-09")
    search.refresh_from_db()
    assert search.digest_period == "" and search.last_digest_at == SAVED_AT
    monkeypatch.undo()
    run_dispatch()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "error, transient",
    [
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPResponseException(421, b"try later"), True),
        (smtplib.SMTPResponseException(554, b"rejected"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"greylisted")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"unknown")}), False),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPNotSupportedError("no STARTTLS"), False),
        (smtplib.SMTPConnectError(554, b"no service"), True),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
    ],
)
def test_which_smtp_errors_are_worth_retrying(error, transient):
    assert digests.is_transient(error) is transient


# --- the e-mail settings -------------------------------------------------------------------------


def _settings_with(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DIGEST_", "PORTAL_"))}
    clean.update({"DEBUG": "true", "INTELPORTAL_VAR_DIR": str(tmp_path), **env})
    code = "import intelportal.settings as s; print(s.EMAIL_BACKEND, s.DIGESTS_ENABLED)"
    root = Path(__file__).resolve().parent.parent
    return subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=clean, capture_output=True, text=True, timeout=60
    )


def test_e_mail_is_printed_in_development_sent_by_smtp_with_a_host_and_off_otherwise(tmp_path):
    backends = "django.core.mail.backends."
    assert _settings_with({}, tmp_path).stdout.split() == [backends + "console.EmailBackend", "True"]
    with_host = _settings_with({"EMAIL_HOST": "smtp.example.org"}, tmp_path)
    assert with_host.stdout.split() == [backends + "smtp.EmailBackend", "True"]
    production = _settings_with({"DEBUG": "false", "SECRET_KEY": "x" * 50}, tmp_path)
    assert production.stdout.split() == [backends + "dummy.EmailBackend", "False"]


@pytest.mark.parametrize(
    "env, message",
    [
        ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "EMAIL_USE_TLS and EMAIL_USE_SSL are both on"),
        ({"PORTAL_URL": "intel.example.org"}, "PORTAL_URL='intel.example.org' is not an http(s) address"),
        ({"DIGEST_HOUR": "24"}, "DIGEST_HOUR=24 must be 0-23"),
    ],
)
def test_bad_e_mail_settings_stop_start_up_with_the_variables_name(tmp_path, env, message):
    result = _settings_with(env, tmp_path)
    assert result.returncode != 0 and message in result.stderr
