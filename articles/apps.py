from django.apps import AppConfig
from django.db.models.signals import pre_migrate


def lift_statement_timeout(sender, using: str = "default", **kwargs) -> None:
    """Migrations build indexes over every article (minutes at a million rows): the web's
    statement_timeout backstop (DB_STATEMENT_TIMEOUT_MS) must not cancel them half-way."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        pre_migrate.connect(
            lift_statement_timeout, sender=self, dispatch_uid="articles-lift-statement-timeout"
        )
