from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from articles import dispatch, processing
from articles.enrichment.pipeline import current_versions
from articles.models import Article, ProcessingStatus
from audit.actions import Action
from audit.services import record


class Command(BaseCommand):
    help = "Queue articles for enrichment: by ID, all of them, or those whose enrichment is stale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="article IDs")
        parser.add_argument("--all", action="store_true", help="every article")
        parser.add_argument(
            "--stale",
            action="store_true",
            help="articles never enriched, failed, or enriched by older enricher versions",
        )
        parser.add_argument("--batch-size", type=int, default=50)

    def handle(self, *args, ids: list[int], all: bool, stale: bool, batch_size: int, **options) -> None:
        if sum(bool(x) for x in (ids, all, stale)) != 1:
            raise CommandError("give article IDs, or --all, or --stale (exactly one of them)")
        if ids:
            found = set(Article.objects.filter(pk__in=ids).values_list("pk", flat=True))
            missing = sorted(set(ids) - found)
            if missing:
                raise CommandError(f"no article with ID {', '.join(map(str, missing))}")
            selected = ids
        elif all:
            selected = list(Article.objects.values_list("pk", flat=True))
        else:
            selected = stale_ids()
        dispatch.forget_outage()  # an operator running this wants the broker tried now
        with dispatch.watching() as tally, transaction.atomic():
            processing.enqueue_batches(selected, batch_size=batch_size)
        if tally.unsent:
            raise CommandError(
                f"the message broker is unreachable ({tally.error}); {len(selected)} article(s) are "
                "marked pending and will be queued by the sweeper once it is back",
                returncode=1,
            )
        record(
            Action.REENRICH,
            username="(command line)",
            # No count: an event that names no article is read by staff of every clearance,
            # and the number of articles would include ones they may not see.
            detail="manage.py enrich " + ("--all" if all else "--stale" if stale else "(article IDs)"),
        )
        self.stdout.write(f"queued {len(selected)} article(s)")


def stale_ids() -> list[int]:
    current = current_versions()
    stale = []
    rows = Article.objects.values_list("pk", "processing_status", "processing_versions")
    for pk, status, versions in rows.iterator(chunk_size=2000):
        outdated = any((versions or {}).get(name) != version for name, version in current.items())
        if status != ProcessingStatus.DONE or outdated:
            stale.append(pk)
    return stale
