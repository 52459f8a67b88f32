"""Shared fixtures: personas per role and clearance, article factories, services.

Tests that need PostgreSQL, Redis or Chromium skip only when the service is
unreachable AND the CI variable is unset; under CI a missing service fails.
"""

from __future__ import annotations

import os

import pytest

from tests.factories import ArticleFactory
from tests.factories import make_user as _make_user


def require_service(name: str, reachable: bool) -> None:
    """Skip locally when a service is down; fail under CI, where it must be there."""
    if reachable:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{name} is not reachable, and CI requires it")
    pytest.skip(f"{name} is not reachable (set CI=true to make this a failure)")


@pytest.fixture
def make_user(db):
    counter = iter(range(10_000))

    def make(clearance: str = "clear", role: str = "analyst", username: str | None = None):
        return _make_user(username or f"{role}-{clearance}-{next(counter)}", clearance=clearance, role=role)

    return make


@pytest.fixture
def analyst(make_user):
    return make_user("amber", "analyst", username="analyst")


@pytest.fixture
def editor(make_user):
    return make_user("amber", "editor", username="editor")


@pytest.fixture
def admin_user(make_user):
    return make_user("red", "admin", username="boss")


@pytest.fixture
def article(db):
    return ArticleFactory()


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do
