from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "guide"
    verbose_name = "Guide content"

    def ready(self):
        from django.db.backends.signals import connection_created

        from guide import search, signals, together
        from guide.models import content_committed

        signals.connect()
        connection_created.connect(together.know_json_functions)
        # The search index follows the content: rebuilt as each edit commits.
        content_committed.connect(search.index_after_commit, dispatch_uid="search-index")
