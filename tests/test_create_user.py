"""`manage.py create_user` and `ensure_admin`: scripted user management."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "a long and unusual passphrase 42"


def test_creates_a_user_with_role_group_and_clearance(monkeypatch, capsys):
    monkeypatch.setenv("NEW_PW", GOOD_PASSWORD)
    call_command("create_user", "alice", role="editor", clearance="AMBER+STRICT", password_env="NEW_PW")
    alice = User.objects.get(username="alice")
    assert alice.clearance == "amber+strict"
    assert alice.role == "editor"
    assert [g.name for g in alice.groups.all()] == ["Editor"]
    assert not alice.is_staff
    assert alice.check_password(GOOD_PASSWORD)
    assert "created alice (editor, cleared for TLP:AMBER+STRICT)" in capsys.readouterr().out


def test_admin_role_can_use_the_admin_site(monkeypatch):
    monkeypatch.setenv("NEW_PW", GOOD_PASSWORD)
    call_command("create_user", "root2", role="admin", clearance="red", password_env="NEW_PW")
    assert User.objects.get(username="root2").is_staff


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"clearance": "purple"}, "not a TLP label"),
        ({"password_env": "UNSET_VARIABLE_X"}, "is not set"),
        ({"password_env": "WEAK_PW"}, "too short"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(monkeypatch, kwargs, message):
    monkeypatch.setenv("WEAK_PW", "abc")
    monkeypatch.setenv("NEW_PW", GOOD_PASSWORD)
    options = {"role": "analyst", "clearance": "green", "password_env": "NEW_PW", **kwargs}
    with pytest.raises(CommandError, match=message):
        call_command("create_user", "bob", **options)
    assert not User.objects.filter(username="bob").exists()


def test_duplicate_username_is_refused(monkeypatch, make_user):
    make_user(username="carol")
    monkeypatch.setenv("NEW_PW", GOOD_PASSWORD)
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_user", "carol", role="analyst", clearance="clear", password_env="NEW_PW")


def test_no_terminal_and_no_password_env_is_a_clear_error(monkeypatch):
    monkeypatch.setattr("os.isatty", lambda fd: False)
    with pytest.raises(CommandError, match="use --password-env"):
        call_command("create_user", "dave", role="analyst", clearance="clear")


def test_ensure_admin_prints_a_generated_password_once(capsys):
    call_command("ensure_admin")
    out = capsys.readouterr().out
    password = out.split("password: ")[1].split()[0]
    assert User.objects.get(username="admin").check_password(password)
    call_command("ensure_admin")
    assert "password" not in capsys.readouterr().out
