"""Celery wrapper for the audit retention sweep (scheduled by beat)."""

from __future__ import annotations

from celery import shared_task

from audit import services


@shared_task
def prune_audit_task() -> int:
    return services.prune()
