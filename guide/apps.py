from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "guide"
    verbose_name = "Guide content"

    def ready(self):
        from django.db.backends.signals import connection_created

        from guide import signals, together

        signals.connect()
        connection_created.connect(together.know_json_functions)
