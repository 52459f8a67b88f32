from django.apps import AppConfig


class BriefsConfig(AppConfig):
    """The weekly brief: assembly by editors, review, publication and delivery (docs/briefs.md).

    ``articles`` never imports this app; every article it reads comes through
    ``Article.objects.visible_to``.
    """

    name = "briefs"
    verbose_name = "Briefs"
