from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "guide"
    verbose_name = "Guide content"

    def ready(self):
        from guide import search, signals
        from guide.models import content_committed

        signals.connect()
        # The search index follows the content: rebuilt as each edit commits.
        content_committed.connect(search.index_after_commit, dispatch_uid="search-index")
