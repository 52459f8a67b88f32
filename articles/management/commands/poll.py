"""``manage.py poll [NAME ...]``: poll sources now, in the foreground, and say how it went.

For admins checking a feed by hand and for cron-style setups without celery beat:
one line per source, and a non-zero exit status when any source failed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.ingest.collector import poll
from articles.models import FEED_KINDS, Source, SourceKind


class Command(BaseCommand):
    help = (
        "Poll sources now, synchronously. Without names: every enabled feed source. "
        "Named sources are polled even when disabled or backing off."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "names", nargs="*", metavar="NAME", help="source names (default: all enabled feeds)"
        )

    def handle(self, *args, names: list[str], **options) -> None:
        sources = (
            self._named(names) if names else list(Source.objects.filter(enabled=True, kind__in=FEED_KINDS))
        )
        if not sources:
            self.stdout.write("No enabled feed sources to poll; add one with `manage.py add_source`.")
            return
        failed = 0
        for source in sources:
            report = poll(source.pk, force=True)
            if report.status == "failed":
                failed += 1
                self.stdout.write(self.style.ERROR(report.line()))
            elif report.status == "busy":
                self.stdout.write(
                    self.style.WARNING(f"{report.line()} (another worker is polling it right now)")
                )
            else:
                self.stdout.write(report.line())
        if failed:
            raise CommandError(f"{failed} of {len(sources)} source(s) failed; see the FAILED line(s) above.")

    def _named(self, names: list[str]) -> list[Source]:
        by_name = {source.name: source for source in Source.objects.filter(name__in=names)}
        unknown = [name for name in names if name not in by_name]
        if unknown:
            known = (
                ", ".join(Source.objects.order_by("name").values_list("name", flat=True)[:20]) or "none yet"
            )
            raise CommandError(f"no source named {', '.join(map(repr, unknown))}; known sources: {known}")
        manual = [name for name in names if by_name[name].kind == SourceKind.MANUAL]
        if manual:
            raise CommandError(f"{', '.join(map(repr, manual))}: manual sources have nothing to poll")
        # Keep the order the user typed, once per source.
        return list({name: by_name[name] for name in names}.values())
