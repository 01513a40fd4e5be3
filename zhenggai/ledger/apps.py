from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "zhenggai.ledger"
    verbose_name = "整改台账"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_delete

        from zhenggai.audit.signals import event_recorded

        from . import counts
        from .models import Inspection, Measure, Problem
        from .search import index_event

        event_recorded.connect(index_event, dispatch_uid="ledger.search")
        # The dashboard's kept counts, in the transaction of every act (counts.keep).
        event_recorded.connect(counts.keep_after_event, dispatch_uid="ledger.counts")
        for model in (Measure, Problem):
            uid = f"ledger.counts.{model.__name__}"
            post_save.connect(counts.keep_after_save, sender=model, dispatch_uid=uid)
            post_delete.connect(counts.keep_after_delete, sender=model, dispatch_uid=uid)
        uid = "ledger.counts.Inspection"
        pre_delete.connect(counts.mark_deleting, sender=Inspection, dispatch_uid=uid)
        post_delete.connect(counts.unmark_deleting, sender=Inspection, dispatch_uid=uid)
