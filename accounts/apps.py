from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users and clearances"

    def ready(self) -> None:
        from accounts import admin_axes, login_throttle, signals  # noqa: F401  (signal receivers)

        # Here rather than in admin.py: the admin's autodiscovery has run by now, and the
        # failed sign-in page must exist even though django-axes registers none of its own.
        admin_axes.register()
