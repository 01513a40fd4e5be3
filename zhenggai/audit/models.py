from django.conf import settings
from django.db import models
from django.utils import timezone

from .keys import Keyring


class Event(models.Model):
    """One act in the audit log; each holds the hash of the one before it.

    `seq` numbers the chain 1, 2, 3… without gaps, so a deleted event leaves a hole;
    `hash` is an HMAC under the key named by `key_id`, kept outside the database.
    """

    seq = models.PositiveBigIntegerField("序号", unique=True)
    key_id = models.CharField("密钥编号", max_length=16)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    act = models.CharField(max_length=50, db_index=True)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50)
    unit_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "审计事件"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.act} {self.object_type}#{self.object_id}"

    def compute_hash(self, ring: Keyring) -> str:
        return ring.hash(self)
