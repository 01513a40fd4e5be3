from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "zhenggai.oversight"
    verbose_name = "督导"

    def ready(self) -> None:
        from zhenggai.audit.signals import event_recorded

        from .inbox import on_event
        from .search import index_event

        # Orders in the search box follow the acts recorded on them.
        event_recorded.connect(index_event, dispatch_uid="zhenggai.oversight.search")
        # In-app messages follow the acts recorded in the audit log (see inbox.py).
        event_recorded.connect(on_event, dispatch_uid="zhenggai.oversight.inbox")
