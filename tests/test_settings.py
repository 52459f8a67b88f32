"""Settings come from the environment and fail loudly on bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from intelportal.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent


def test_env_bool_accepts_common_spellings_and_rejects_others(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", default=True) is False
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env_bool("FLAG")


def test_env_int_checks_type_and_minimum(monkeypatch):
    monkeypatch.setenv("N", "12")
    assert env_int("N", 1) == 12
    monkeypatch.setenv("N", "twelve")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("N", 1)
    monkeypatch.setenv("N", "0")
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env_int("N", 1, minimum=1)


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("TOKEN_FILE", str(secret))
    assert env_str("TOKEN") == "s3cret"
    monkeypatch.setenv("TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_str("TOKEN")


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("L", " a, b ,,c ")
    assert env_list("L") == ["a", "b", "c"]


def _settings_with(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"}
    }
    clean.update(env)
    code = "import intelportal.settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = _settings_with({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_defaults_are_sqlite_and_the_file_system_broker(tmp_path):
    result = _settings_with({"DEBUG": "true", "INTELPORTAL_VAR_DIR": str(tmp_path)})
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://localhost/"]


def test_database_url_and_redis_url_switch_backends(tmp_path):
    result = _settings_with(
        {
            "DEBUG": "true",
            "DATABASE_URL": "postgres://u@db:5432/x",
            "REDIS_URL": "redis://r:6379/0",
            "INTELPORTAL_VAR_DIR": str(tmp_path),
        }
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "redis://r:6379/0"]


def test_bad_fetch_allow_networks_names_the_value(tmp_path):
    result = _settings_with(
        {
            "DEBUG": "true",
            "FETCH_ALLOW_NETWORKS": "10.0.0.0/8,not-a-net",
            "INTELPORTAL_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode != 0
    assert "FETCH_ALLOW_NETWORKS has 'not-a-net'" in result.stderr


def test_an_enrichment_time_limit_above_the_stale_window_is_refused(tmp_path):
    result = _settings_with(
        {
            "DEBUG": "true",
            "ENRICH_TIME_LIMIT_SECONDS": "120",
            "PROCESSING_STALE_SECONDS": "90",
            "INTELPORTAL_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode != 0
    assert "ENRICH_TIME_LIMIT_SECONDS (120) must be below PROCESSING_STALE_SECONDS (90)" in result.stderr


def test_the_article_task_is_killed_before_its_claim_looks_stale(settings):
    from articles.tasks import process_article_task

    assert process_article_task.time_limit < settings.PROCESSING_STALE_SECONDS
    assert process_article_task.soft_time_limit < process_article_task.time_limit
