from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "guide"
    verbose_name = "Guide content"

    def ready(self):
        from guide import signals

        signals.connect()
