from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "zhenggai.disclosure"
    verbose_name = "公开"

    def ready(self) -> None:
        from zhenggai.audit.signals import event_recorded

        from .search import index_event

        # Comments in the search box follow the acts recorded on them.
        event_recorded.connect(index_event, dispatch_uid="zhenggai.disclosure.search")
