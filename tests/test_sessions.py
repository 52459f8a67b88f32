"""Sessions end after an absolute limit from sign-in and after an idle limit, with a message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SEEN_KEY, STARTED_KEY
from accounts.tasks import clear_expired_sessions_task

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def stored_session(client) -> dict:
    return Session.objects.get(session_key=client.session.session_key).get_decoded()


def test_the_defaults_are_12_hours_absolute_and_1_hour_idle():
    assert (django_settings.SESSION_MAX_AGE_HOURS, django_settings.SESSION_IDLE_MINUTES) == (12, 60)
    assert django_settings.SESSION_COOKIE_AGE == 12 * 3600


def test_a_session_idle_for_an_hour_is_signed_out_with_a_message(client, analyst, clock):
    client.force_login(analyst)
    assert client.get(reverse("articles:list")).status_code == 200
    clock.shift(dt.timedelta(minutes=60))
    response = client.get(reverse("articles:list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('articles:list')}"
    assert not signed_in(client)
    login_page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 60 minutes without activity." in login_page


def test_a_session_used_within_the_idle_limit_stays_signed_in(client, analyst, clock):
    client.force_login(analyst)
    for _ in range(5):
        clock.shift(dt.timedelta(minutes=59))
        assert client.get(reverse("articles:list")).status_code == 200
    assert signed_in(client)


def test_a_busy_session_still_ends_12_hours_after_sign_in(client, analyst, clock):
    client.force_login(analyst)
    for _ in range(23):
        clock.shift(dt.timedelta(minutes=30))
        assert client.get(reverse("articles:list")).status_code == 200
    clock.shift(dt.timedelta(minutes=30))
    response = client.get(reverse("articles:list"), follow=True)
    assert not signed_in(client)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "You were signed out because sessions last at most 12 hours." in response.content.decode()


def test_signing_in_again_starts_both_limits_afresh(client, analyst, clock):
    client.force_login(analyst)
    clock.shift(dt.timedelta(hours=11, minutes=50))
    client.force_login(analyst)
    clock.shift(dt.timedelta(minutes=50))
    assert client.get(reverse("articles:list")).status_code == 200


def test_the_limits_come_from_the_settings(client, analyst, clock, settings):
    settings.SESSION_IDLE_MINUTES = 5
    client.force_login(analyst)
    clock.shift(dt.timedelta(minutes=5))
    response = client.get(reverse("articles:list"), follow=True)
    assert not signed_in(client)
    assert "You were signed out after 5 minutes without activity." in response.content.decode()


def test_the_admin_is_covered_too(client, admin_user, clock):
    client.force_login(admin_user)
    assert client.get(reverse("admin:index")).status_code == 200
    clock.shift(dt.timedelta(hours=1))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert not signed_in(client)


def test_reading_pages_writes_the_session_at_most_once_a_minute(client, analyst, clock):
    client.force_login(analyst)
    signed_in_at = int(START.timestamp())
    clock.shift(dt.timedelta(seconds=59))
    response = client.get(reverse("articles:list"))
    assert "sessionid" not in response.cookies  # the session was not saved
    assert stored_session(client)[SEEN_KEY] == signed_in_at
    clock.shift(dt.timedelta(seconds=1))
    client.get(reverse("articles:list"))
    assert stored_session(client)[SEEN_KEY] == signed_in_at + 60
    assert stored_session(client)[STARTED_KEY] == signed_in_at


def test_a_session_from_before_the_limits_starts_counting_at_its_next_request(client, analyst, clock):
    client.force_login(analyst)
    session = client.session
    del session[STARTED_KEY], session[SEEN_KEY]
    session.save()
    assert client.get(reverse("articles:list")).status_code == 200
    assert stored_session(client)[STARTED_KEY] == int(timezone.now().timestamp())
    clock.shift(dt.timedelta(minutes=59))
    assert client.get(reverse("articles:list")).status_code == 200


def test_expired_sessions_are_deleted_by_the_daily_sweep(client, analyst, admin_user, clock):
    client.force_login(analyst)
    clock.shift(dt.timedelta(hours=11))
    other = client.__class__()
    other.force_login(admin_user)
    clock.shift(dt.timedelta(hours=1, seconds=1))
    clear_expired_sessions_task.delay()
    assert list(Session.objects.values_list("session_key", flat=True)) == [other.session.session_key]
    assert "clear-expired-sessions" in django_settings.CELERY_BEAT_SCHEDULE
