"""Celery wrapper for deleting expired sessions (scheduled daily by beat)."""

from __future__ import annotations

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task
def clear_expired_sessions_task() -> None:
    # Expired sessions are refused when presented but stay stored until deleted; this is
    # Django's `clearsessions`, run by beat so no cron job is needed.
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
