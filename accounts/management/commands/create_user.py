from __future__ import annotations

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Role, User
from accounts.services import create_user
from articles.tlp import parse_label


class Command(BaseCommand):
    help = "Create a portal user with a role and a TLP clearance."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--clearance", required=True, help="clear, green, amber, amber+strict or red")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-env", metavar="VAR", help="read the password from this environment variable"
        )

    def handle(
        self,
        *args,
        username: str,
        role: str,
        clearance: str,
        email: str,
        password_env: str | None,
        **o,
    ):
        try:
            label = parse_label(clearance)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if User.objects.filter(username=username).exists():
            raise CommandError(f"a user named {username!r} already exists")
        password = self._password(password_env)
        try:
            validate_password(password, User(username=username, email=email))
            user = create_user(username, role=role, clearance=label, password=password, email=email)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"created {user.username} ({role}, cleared for {user.get_clearance_display()})")

    def _password(self, password_env: str | None) -> str:
        if password_env:
            value = os.environ.get(password_env)
            if not value:
                raise CommandError(f"environment variable {password_env} is not set or empty")
            return value
        if not os.isatty(0):
            raise CommandError("no terminal to prompt for a password; use --password-env VAR")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("the two passwords differ")
        return first
