from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """An analyst's own work on articles: read marks, stars, visits (docs/workspace.md).

    ``articles`` never imports this app; the blocks it adds to the article pages are
    registered on ``articles.hooks`` here.
    """

    name = "workspace"
    verbose_name = "Workspace"

    def ready(self) -> None:
        from workspace import annotation_blocks, saved_search_blocks, tag_blocks, triage_blocks

        triage_blocks.register()
        tag_blocks.register()
        annotation_blocks.register()
        saved_search_blocks.register()
