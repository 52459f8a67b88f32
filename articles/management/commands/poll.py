"""``manage.py poll [NAME ...]``: poll sources now, in the foreground, and say how it went.

For admins checking a feed by hand and for cron-style setups without celery beat:
one line per source, and a non-zero exit status when any source failed.

Unlike "Poll now" in the admin and on the health page, which queue the poll for the
workers, this polls in the foreground (no worker needed) and waits for the result.
Which sources can be polled is the same rule (``Source.objects.pollable()``), and
each poll is audited (``articles.polling.poll_in_foreground``).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.models import Source
from articles.polling import poll_in_foreground

AUDIT_NAME = "manage.py poll"


class Command(BaseCommand):
    help = (
        "Poll sources now, in the foreground. Without names: every enabled source that has "
        "something to poll (feeds, seed folders). Named sources are polled even when disabled "
        "or backing off."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "names", nargs="*", metavar="NAME", help="source names (default: all enabled pollable sources)"
        )

    def handle(self, *args, names: list[str], **options) -> None:
        sources = self._named(names) if names else list(Source.objects.pollable().filter(enabled=True))
        if not sources:
            self.stdout.write("No enabled sources to poll; add one with `manage.py add_source`.")
            return
        failed = 0
        for source in sources:
            report = poll_in_foreground(source, by=AUDIT_NAME)
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
        unpollable = [name for name in names if not by_name[name].can_poll]
        if unpollable:
            reasons = "; ".join(f"{name!r}: {by_name[name].nothing_to_poll_reason}" for name in unpollable)
            raise CommandError(f"not polled — {reasons}")
        # Keep the order the user typed, once per source.
        return list({name: by_name[name] for name in names}.values())
