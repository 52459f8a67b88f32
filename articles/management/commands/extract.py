"""``manage.py extract [FILE | -] [--jsonl] [--explain]``: enrich raw text or a seed file.

For analysts, and for checking extraction quality against outside test sets.
It never touches the database: no system or migration checks, no models.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from articles.enrichment.cli import EXIT_BAD_INPUT, EXIT_OK, InputError, run_extract


class Command(BaseCommand):
    help = (
        "Print the enrichment (indicators, entities, classification, assessment, summary, "
        "keywords) of a text FILE or of standard input as JSON. A seed-format file is enriched "
        "section by section (each finding names its section). With --jsonl, read one JSON "
        'object per line ({"text": ..., "title": ...}) and write one result per line.'
    )
    # Pure text processing: it must work without a migrated (or any) database.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False
    stealth_options = ("stdin",)

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "file", nargs="?", default="-", help="UTF-8 text file; '-' or nothing reads stdin"
        )
        parser.add_argument("--jsonl", action="store_true", help="one JSON object per input and output line")
        parser.add_argument("--title", default="", help="the article's title (single-text mode)")
        parser.add_argument("--compact", action="store_true", help="print the JSON on one line")
        parser.add_argument(
            "--explain",
            action="store_true",
            help='also list, under "dropped", text that looks like an indicator but was left out, and why',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            if path == "-":
                # ``stdin`` is accepted from call_command so the command can be tested.
                code = self._run(options.get("stdin") or sys.stdin.buffer, "standard input", options)
            else:
                with open(path, "rb") as stream_in:
                    code = self._run(stream_in, path, options)
        except FileNotFoundError as error:
            raise CommandError(f"extract: no such file: {path}") from error
        except IsADirectoryError as error:
            raise CommandError(f"extract: {path} is a directory, not a text file") from error
        except PermissionError as error:
            raise CommandError(f"extract: cannot read {path}: permission denied") from error
        except InputError as error:
            raise CommandError(f"extract: {error}", returncode=EXIT_BAD_INPUT) from error
        if code != EXIT_OK:
            raise CommandError(
                "extract: some input lines failed; their output lines hold the errors",
                returncode=code,
            )

    def _run(self, stream_in: Any, source: str, options: dict[str, Any]) -> int:
        return run_extract(
            stream_in,
            self.stdout,
            options["jsonl"],
            source=source,
            title=options["title"],
            indent=None if options["compact"] else 2,
            explain=options["explain"],
        )
