import hashlib

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from zhenggai.accounts.access import UnitScopedQuerySet
from zhenggai.accounts.models import Unit
from zhenggai.ledger.models import Inspection


class FrozenError(Exception):
    """A published notice was about to change; a correction is a new version."""


class PublishedNoticeQuerySet(UnitScopedQuerySet):
    unit_field = "inspection__unit"

    def update(self, **kwargs):
        raise FrozenError("已发布的通报不能修改；更正请发布新版本。")

    def delete(self):
        raise FrozenError("已发布的通报不能删除；更正请发布新版本。")

    def public(self):
        """Listed for everyone: public notices of inspections not voided (作废)."""
        return self.filter(
            audience=PublishedNotice.Audience.PUBLIC, inspection__voided_at__isnull=True
        )


class PublishedNotice(models.Model):
    """A progress notice as published: a frozen text with its SHA-256, one version of many."""

    class Audience(models.TextChoices):
        PUBLIC = "public", "向社会公开"
        INTERNAL = "internal", "党内公开"

    inspection = models.ForeignKey(
        Inspection, models.PROTECT, related_name="notices", verbose_name="巡察"
    )
    version = models.PositiveIntegerField("版本")
    audience = models.CharField(
        "公开范围", max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    title = models.CharField("标题", max_length=300)
    text = models.TextField("正文")
    html = models.TextField("网页正文")
    sha256 = models.CharField("SHA-256", max_length=64)
    published_at = models.DateTimeField("发布时间", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="发布人"
    )
    replaces = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name="替代版本",
    )
    note = models.CharField("更正说明", max_length=500, blank=True)
    doc_number = models.CharField("文号", max_length=50, blank=True)
    # A 文号 the system assigned: the unit's own sequence of notices per year. A 文号
    # the unit typed is in doc_number alone.
    number_unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="编号单位"
    )
    number_year = models.PositiveIntegerField("编号年份", null=True, blank=True)
    number = models.PositiveIntegerField("序号", null=True, blank=True)

    objects = PublishedNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "audience", "version"], name="unique_notice_version"
            ),
            models.UniqueConstraint(
                fields=["number_unit", "number_year", "number"], name="unique_notice_number"
            ),
        ]
        verbose_name = verbose_name_plural = "已发布通报"

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"

    def get_absolute_url(self) -> str:
        return reverse("disclosure:notice-detail", args=[self.pk])

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise FrozenError("已发布的通报不能修改；更正请发布新版本。")
        self.sha256 = text_sha256(self.text)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenError("已发布的通报不能删除；更正请发布新版本。")


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CommentQuerySet(UnitScopedQuerySet):
    unit_field = "notice__inspection__unit"


class Comment(models.Model):
    """What a member of the public sends about a published notice (群众监督)."""

    MAX_LENGTH = 2000

    notice = models.ForeignKey(
        PublishedNotice, models.PROTECT, related_name="comments", verbose_name="通报"
    )
    name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    content = models.TextField("意见建议", max_length=MAX_LENGTH)
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", default=timezone.now, db_index=True)
    handled = models.BooleanField("已处理", default=False)
    reply = models.TextField("答复", blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="答复人",
    )
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    reply_public = models.BooleanField("公开答复", default=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "群众意见"

    def __str__(self) -> str:
        return self.content[:40]


class RateCount(models.Model):
    """How many comment posts one client address made in one fixed time window."""

    address = models.GenericIPAddressField("来源地址")
    window = models.DateTimeField("时段起点", db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address", "window"], name="unique_rate_window"),
        ]


class SatisfactionVote(models.Model):
    """One click of the public on a notice's satisfaction question (满意度)."""

    class Choice(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        FAIRLY = "fairly", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    notice = models.ForeignKey(
        PublishedNotice, models.PROTECT, related_name="votes", verbose_name="通报"
    )
    choice = models.CharField("评价", max_length=12, choices=Choice.choices)
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "满意度评价"


class NoticeDraftQuerySet(UnitScopedQuerySet):
    unit_field = "inspection__unit"


class NoticeDraft(models.Model):
    """A notice text submitted for signing (签发); a leader signs or returns it before publication.

    The text is frozen at submission with its SHA-256; the leader signs that text and
    publication freezes exactly that text. A changed text is a new submission.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待签发"
        SIGNED = "signed", "已签发"
        RETURNED = "returned", "已退回"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已被新提交替代"

    inspection = models.ForeignKey(
        Inspection, models.PROTECT, related_name="notice_drafts", verbose_name="巡察"
    )
    audience = models.CharField(
        "公开范围",
        max_length=10,
        choices=PublishedNotice.Audience.choices,
        default=PublishedNotice.Audience.PUBLIC,
    )
    text = models.TextField("正文")
    sha256 = models.CharField("SHA-256", max_length=64)
    note = models.CharField("更正说明", max_length=500, blank=True)
    doc_number = models.CharField(
        "文号", max_length=50, blank=True, help_text="提交时填写的文号；不填则发布时自动编号或不编"
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="提交人"
    )
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="签发人",
    )
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="退回人",
    )
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    reason = models.CharField("退回理由", max_length=500, blank=True)
    notice = models.OneToOneField(
        PublishedNotice,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="draft",
        verbose_name="发布的通报",
    )

    objects = NoticeDraftQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "待签发通报"

    def __str__(self) -> str:
        return f"{self.inspection}通报（{self.get_status_display()}）"
