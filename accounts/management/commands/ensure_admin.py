from __future__ import annotations

import secrets

from django.core.management.base import BaseCommand, CommandParser

from accounts.models import Role, User
from accounts.services import create_user
from articles.tlp import TLP


class Command(BaseCommand):
    help = "Create the first admin account if there is none, printing its generated password once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options) -> None:
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("an admin account exists already; nothing to do")
            return
        password = secrets.token_urlsafe(18)
        create_user(username, role=Role.ADMIN, clearance=TLP.RED, password=password)
        self.stdout.write(
            "\n  Created the admin account — this password is shown once, keep it:\n"
            f"    username: {username}\n    password: {password}\n"
        )
