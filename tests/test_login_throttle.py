"""Failed sign-ins are throttled per account and per address, on the portal's and the admin's
login pages; the lockout page does not reveal accounts; admins unlock; all of it is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

DOORS = [pytest.param("login", id="portal"), pytest.param("admin:login", id="admin")]
HOME = "203.0.113.10"
ELSEWHERE = "198.51.100.20"


def sign_in(client, door: str, username: str, password: str, address: str = HOME):
    return client.post(reverse(door), {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail_until_locked(client, settings, username: str, address: str = HOME, door: str = "login"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, door, username, "wrong password", address)
    return response


@pytest.mark.parametrize("door", DOORS)
def test_after_25_wrong_passwords_the_right_one_does_not_sign_in(client, admin_user, door):
    for _ in range(25):
        sign_in(client, door, "boss", "wrong password")
    response = sign_in(client, door, "boss", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)


@pytest.mark.parametrize("door", DOORS)
def test_wrong_passwords_below_the_limit_do_not_lock_out(client, settings, admin_user, door):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, door, "boss", "wrong password").status_code == 200
    assert sign_in(client, door, "boss", PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_lockout_page_reads_the_same_for_an_existing_and_an_unknown_account(client, settings, analyst):
    existing = fail_until_locked(client, settings, "analyst", address=HOME)
    unknown = fail_until_locked(client, settings, "nobody-by-this-name", address=ELSEWHERE)
    assert existing.status_code == unknown.status_code == 429
    assert existing.content == unknown.content
    page = existing.content.decode()
    assert "Try again in 15 minutes, or ask an admin to unlock it." in page
    assert "analyst" not in page


def test_a_locked_account_stays_locked_from_another_address(client, settings, analyst):
    fail_until_locked(client, settings, "analyst", address=HOME)
    assert sign_in(client, "login", "analyst", PASSWORD, address=ELSEWHERE).status_code == 429
    assert not signed_in(client)


def test_one_address_guessing_many_accounts_is_locked_out_but_others_are_not(client, settings, analyst):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "login", f"guess-{n}", "wrong password", address=HOME)
    assert sign_in(client, "login", "analyst", PASSWORD, address=HOME).status_code == 429
    assert sign_in(client, "login", "analyst", PASSWORD, address=ELSEWHERE).status_code == 302


def test_the_limit_and_the_cool_off_come_from_the_settings(client, settings, analyst, time_machine):
    settings.AXES_FAILURE_LIMIT = 2
    settings.LOGIN_COOLOFF_MINUTES = 30
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
    time_machine.move_to(timezone.now(), tick=False)
    sign_in(client, "login", "analyst", "wrong password")
    response = sign_in(client, "login", "analyst", "wrong password")
    assert "Try again in 30 minutes" in response.content.decode()
    time_machine.shift(dt.timedelta(minutes=29))
    assert sign_in(client, "login", "analyst", PASSWORD).status_code == 429


def test_after_the_cool_off_the_right_password_signs_in(client, settings, analyst, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    fail_until_locked(client, settings, "analyst")
    time_machine.shift(dt.timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES, seconds=1))
    assert sign_in(client, "login", "analyst", PASSWORD).status_code == 302
    assert signed_in(client)


def test_an_attempt_while_locked_out_restarts_the_pause(client, settings, analyst, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    fail_until_locked(client, settings, "analyst")
    time_machine.shift(dt.timedelta(minutes=10))
    assert sign_in(client, "login", "analyst", PASSWORD).status_code == 429
    time_machine.shift(dt.timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES - 1))
    assert sign_in(client, "login", "analyst", PASSWORD).status_code == 429
    time_machine.shift(dt.timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES, seconds=1))
    assert sign_in(client, "login", "analyst", PASSWORD).status_code == 302


def test_a_successful_sign_in_does_not_clear_earlier_failures(client, settings, analyst):
    # Otherwise anyone with an account could clear their address's count between guesses.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "login", "analyst", "wrong password")
    sign_in(client, "login", "analyst", PASSWORD)
    client.logout()
    assert sign_in(client, "login", "analyst", "wrong password").status_code == 429


@pytest.mark.parametrize("door", DOORS)
def test_failures_and_the_lockout_are_audited_with_the_address(client, settings, admin_user, door):
    fail_until_locked(client, settings, "boss", door=door)
    sign_in(client, door, "boss", PASSWORD)  # while locked out: one more failure, no new lockout
    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor_username", "client_address"))
    failed = (Action.LOGIN_FAILED, "boss", HOME)
    limit = settings.AXES_FAILURE_LIMIT
    # The request that reaches the limit writes both; axes' receiver runs first.
    assert events == [failed] * (limit - 1) + [(Action.LOCKOUT, "boss", HOME), failed, failed]


def test_a_successful_sign_in_is_still_audited_with_the_address(client, analyst):
    sign_in(client, "login", "analyst", PASSWORD)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.client_address) == (Action.LOGIN, analyst, HOME)


def test_an_admin_unlocks_an_account_and_the_unlock_is_audited(client, settings, analyst, admin_user):
    fail_until_locked(client, settings, "analyst")
    admin = client.__class__()
    admin.force_login(admin_user)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "Locked Out" in admin.get(changelist).content.decode()
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    admin.post(changelist, {"action": "unlock_selected", "_selected_action": ids}, REMOTE_ADDR=ELSEWHERE)

    assert not AccessAttempt.objects.exists()
    unlock = AuditEvent.objects.get(action=Action.UNLOCK)
    assert (unlock.actor, unlock.client_address) == (admin_user, ELSEWHERE)
    failures = settings.AXES_FAILURE_LIMIT
    assert unlock.before == {"username": "analyst", "ip_address": HOME, "failures": failures}
    assert sign_in(client, "login", "analyst", PASSWORD).status_code == 302


def test_deleting_a_counter_in_the_admin_is_audited_as_an_unlock(client, settings, analyst, admin_user):
    fail_until_locked(client, settings, "analyst")
    attempt = AccessAttempt.objects.get()
    client.force_login(admin_user)
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert not AccessAttempt.objects.exists()
    assert AuditEvent.objects.filter(action=Action.UNLOCK, actor=admin_user).count() == 1


def test_an_analyst_cannot_open_the_failed_sign_in_page(client, analyst):
    client.force_login(analyst)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


PROXY = "10.0.0.5"


def guess_accounts_via_proxy(client, settings, forwarded_for: str) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": f"guess-{n}", "password": "wrong password"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )


def test_behind_a_trusted_proxy_each_client_is_throttled_on_its_own_address(client, settings, analyst):
    settings.TRUSTED_PROXY_COUNT = 1
    guess_accounts_via_proxy(client, settings, forwarded_for=f"192.0.2.1, {HOME}")  # first entry forged
    via_proxy = {"REMOTE_ADDR": PROXY}
    locked = client.post(
        reverse("login"),
        {"username": "analyst", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=HOME,
        **via_proxy,
    )
    other = client.post(
        reverse("login"),
        {"username": "analyst", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=ELSEWHERE,
        **via_proxy,
    )
    assert (locked.status_code, other.status_code) == (429, 302)
    assert set(AuditEvent.objects.values_list("client_address", flat=True)) == {HOME, ELSEWHERE}


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, settings, analyst):
    assert settings.TRUSTED_PROXY_COUNT == 0
    guess_accounts_via_proxy(client, settings, forwarded_for=HOME)
    response = client.post(
        reverse("login"),
        {"username": "analyst", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=ELSEWHERE,
    )
    assert response.status_code == 429
    assert set(AuditEvent.objects.values_list("client_address", flat=True)) == {PROXY}
