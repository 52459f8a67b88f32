from django.apps import AppConfig


class BriefsConfig(AppConfig):
    """The weekly brief: assembly by editors, review, publication and delivery (docs/briefs.md).

    ``articles`` never imports this app; its block on the article page is registered on
    ``articles.hooks`` here. Every article it reads comes through ``Article.objects.visible_to``.
    """

    name = "briefs"
    verbose_name = "Briefs"

    def ready(self) -> None:
        from briefs import article_blocks

        article_blocks.register()
