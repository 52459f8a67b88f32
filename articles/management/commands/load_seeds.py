from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles import dispatch
from articles.ingest.seed_loader import load_seed_paths
from articles.ingest.upsert import Outcome
from articles.tlp import parse_label


class Command(BaseCommand):
    help = "Load seed-format article files (default: the seeds/ folder). Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: seeds/)")
        parser.add_argument("--tlp", default="clear", help="TLP label for new articles (default: CLEAR)")
        parser.add_argument("--source", default="Seed files", help='source name (default: "Seed files")')

    def handle(self, *args, paths: list[Path], tlp: str, source: str, **options) -> None:
        try:
            label = parse_label(tlp)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        paths = paths or [Path(settings.BASE_DIR) / "seeds"]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")

        dispatch.forget_outage()  # an operator running this wants the broker tried now
        with dispatch.watching() as tally:
            report = load_seed_paths(paths, tlp=label, source_name=source)
        for error in report.errors:
            self.stderr.write(f"skipped {error}")
        self.stdout.write(
            f"{report.count(Outcome.CREATED)} created, {report.count(Outcome.UPDATED)} updated, "
            f"{report.count(Outcome.UNCHANGED)} unchanged, {len(report.errors)} skipped"
        )
        if tally.unsent:
            # The load itself succeeded (exit status 0); only the enrichment waits for the broker.
            self.stderr.write(
                f"the message broker is unreachable ({tally.error}); enrichment of the loaded "
                "articles starts once it is back (the sweeper queues them)"
            )
        if report.errors:
            raise CommandError(f"{len(report.errors)} file(s) could not be loaded; see the messages above")
