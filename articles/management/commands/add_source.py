"""``manage.py add_source NAME URL``: add a feed source from a script or a shell.

It validates through the same form as the admin, so a source added here obeys the
same rules (http(s) URL, interval of at least a minute, unique name), is audited as
the admin's are, and warns, as the admin does, when the private-address guard would
refuse the address (FETCH_ALLOW_NETWORKS).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from articles.forms import SourceForm
from articles.models import FEED_KINDS, Reliability, Source, SourceKind
from articles.source_changes import record_saved
from articles.tlp import TLP, parse_label

AUDIT_NAME = "manage.py add_source"

FEED_KIND_NAMES = sorted(str(kind) for kind in FEED_KINDS)


class Command(BaseCommand):
    help = "Add a feed source (RSS, Atom, RDF or JSON Feed). It is polled at its interval from then on."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="a unique name, shown on articles")
        parser.add_argument("url", help="the feed's http(s) address")
        parser.add_argument(
            "--interval", type=int, default=60, metavar="MINUTES", help="minutes between polls (default: 60)"
        )
        parser.add_argument("--tlp", default=TLP.CLEAR, help="default TLP of its articles (default: CLEAR)")
        parser.add_argument(
            "--reliability",
            default=Reliability.F,
            help="Admiralty reliability A-F (default: F, cannot be judged)",
        )
        parser.add_argument(
            "--kind",
            default=SourceKind.RSS,
            choices=FEED_KIND_NAMES,
            help="feed format (default: rss; the parser detects the real format when polling either way)",
        )

    def handle(
        self, *args, name: str, url: str, interval: int, tlp: str, reliability: str, kind: str, **options
    ):
        try:
            label = parse_label(tlp)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        form = SourceForm(
            data={
                "name": name.strip(),
                "url": url.strip(),
                "kind": kind,
                "enabled": True,
                "poll_interval_minutes": interval,
                "default_tlp": label,
                "reliability": reliability.strip().upper(),
            }
        )
        if not form.is_valid():
            problems = "; ".join(
                f"{_argument(field)}: {' '.join(errors)}" for field, errors in form.errors.items()
            )
            raise CommandError(f"the source was not added — {problems}")
        with transaction.atomic():
            source: Source = form.save()
            record_saved(source, before=None, username=AUDIT_NAME)
        if warning := form.address_warning():
            self.stderr.write(
                self.style.WARNING(f"Warning: the first poll will fail as things stand. {warning}")
            )
        self.stdout.write(
            f"Added source #{source.pk} “{source.name}”: {source.get_kind_display()} feed at {source.url}, "
            f"polled every {source.poll_interval_minutes} min, {source.get_default_tlp_display()}, "
            f'reliability {source.reliability}. Run `manage.py poll "{source.name}"` to fetch it now.'
        )


def _argument(field: str) -> str:
    """The command-line name of a form field, so errors point at what the user typed."""
    return {
        "poll_interval_minutes": "--interval",
        "default_tlp": "--tlp",
        "reliability": "--reliability",
        "kind": "--kind",
        "__all__": "source",
    }.get(field, field.upper())
