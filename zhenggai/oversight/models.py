from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhenggai.accounts.access import UnitScopedQuerySet
from zhenggai.accounts.models import Unit
from zhenggai.ledger.models import Problem

USER = settings.AUTH_USER_MODEL


class SignOffQuerySet(UnitScopedQuerySet):
    unit_field = "problem__inspection__unit"


class SupervisionOrderQuerySet(UnitScopedQuerySet):
    unit_field = "unit"

    def overdue(self, today):
        """超期未复: past the due date without a reply."""
        return self.filter(replied_at=None, due__lt=today)


class SignOff(models.Model):
    """An application to close a problem (对账销号), and the office's decision on it."""

    class Status(models.TextChoices):
        APPLIED = "applied", "待审核"
        APPROVED = "approved", "已销号"
        RETURNED = "returned", "已退回"
        CORRECTION = "correction", "更正记录"
        CORRECTION_ASKED = "corr_asked", "更正申请"

    problem = models.ForeignKey(
        Problem, models.PROTECT, related_name="signoffs", verbose_name="问题"
    )
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.APPLIED, db_index=True
    )
    # What the applicant attached, frozen at application: (name, sha256 or reference).
    evidence = models.JSONField("佐证材料清单", default=list, blank=True)
    note = models.TextField("申请说明", blank=True)
    applicant = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="申请人")
    applied_at = models.DateTimeField("申请时间", default=timezone.now)
    reviewer = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审核人"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reason = models.TextField("退回理由", blank=True)
    corrects = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name="更正的记录",
    )

    objects = SignOffQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_at", "-id"]
        constraints = [
            # One application under review per problem at a time.
            models.UniqueConstraint(
                fields=["problem"], condition=Q(status="applied"), name="one_pending_signoff"
            ),
        ]
        verbose_name = verbose_name_plural = "对账销号"

    def __str__(self) -> str:
        return f"{self.problem} · {self.get_status_display()}"


class SupervisionOrder(models.Model):
    """A numbered order (督办单) from the office to a unit about named problems."""

    class Level(models.TextChoices):
        NOTICE = "notice", "督办通知书"
        REMINDER = "reminder", "提醒书"
        WARNING = "warning", "告诫书"
        ACCOUNTABILITY = "account", "问责建议"

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="orders", verbose_name="督办单位")
    problems = models.ManyToManyField(
        Problem, blank=True, related_name="orders", verbose_name="督办问题"
    )
    level = models.CharField("督办级别", max_length=10, choices=Level.choices, default=Level.NOTICE)
    year = models.PositiveIntegerField("年度")
    number = models.PositiveIntegerField("序号")
    due = models.DateField("办理时限")
    text = models.TextField("督办事项")
    issued_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="签发人")
    issued_at = models.DateTimeField("签发时间", default=timezone.now)
    reply_text = models.TextField("办理情况", blank=True)
    replied_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="回复人"
    )
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)

    objects = SupervisionOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="unique_order_number"),
        ]
        indexes = [models.Index(fields=["due", "replied_at"])]
        verbose_name = verbose_name_plural = "督办单"

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.doc_number}"

    @property
    def doc_number(self) -> str:
        return f"〔{self.year}〕{self.number}号"

    def is_overdue(self, today) -> bool:
        """The queryset's `overdue` for one order."""
        return self.replied_at is None and self.due < today
