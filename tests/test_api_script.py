"""A script with a token reads, searches and tags articles through the documented API
(docs/examples/tag_search_results.py, run as its own process against a live server)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from api.tokens import issue_token
from articles.models import ArticleTag
from audit.models import AuditEvent
from tests.factories import ArticleFactory

SCRIPT = Path(settings.BASE_DIR) / "docs" / "examples" / "tag_search_results.py"


def run(live_server, token: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "INTELPORTAL_URL": live_server.url, "INTELPORTAL_TOKEN": token}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.django_db(transaction=True)
def test_a_script_with_a_token_searches_reads_and_tags(live_server, make_user):
    user = make_user("green", username="scripter")
    found = ArticleFactory(title="Lockbit affiliate caught", body_text="Lockbit body.", tlp="green")
    ArticleFactory(title="Lockbit leak above the clearance", tlp="amber")
    ArticleFactory(title="Unrelated weather", body_text="Sunny.")
    _, token = issue_token(user, name="script", scope="read-write")

    result = run(live_server, token, "lockbit", "needs-review")
    assert result.returncode == 0, result.stderr
    assert "as scripter (clearance green, token scope read-write)" in result.stdout
    assert f"{found.pk}\ttagged\tLockbit affiliate caught" in result.stdout
    assert "above the clearance" not in result.stdout
    assert "1 article(s) matched 'lockbit'" in result.stdout
    link = ArticleTag.objects.get(tag__name="needs-review")
    assert link.article_id == found.pk and link.added_by == user
    assert AuditEvent.objects.filter(action="article.tag_add", actor=user, article_id=found.pk).exists()

    again = run(live_server, token, "lockbit", "needs-review")
    assert f"{found.pk}\talready tagged" in again.stdout


@pytest.mark.django_db(transaction=True)
def test_the_script_with_a_read_only_token_searches_but_cannot_tag(live_server, make_user):
    ArticleFactory(title="Lockbit again", body_text="Lockbit body.")
    _, token = issue_token(make_user("clear"), name="script", scope="read")
    result = run(live_server, token, "lockbit", "x")
    assert result.returncode == 1
    assert "cannot tag: This token is read-only" in result.stderr
    assert not ArticleTag.objects.filter(tag__name="x").exists()
