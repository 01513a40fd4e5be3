from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhenggai.accounts.access import UnitScopedQuerySet
from zhenggai.accounts.models import Unit
from zhenggai.ledger.models import Inspection, Problem, evidence_path
from zhenggai.notices.letterhead import doc_number

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
        # In the order of the ladder: a later order never goes below the one it follows.
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
    # The issuing office's 机关代字 when issued: the 文号 never changes afterwards.
    code = models.CharField("机关代字", max_length=20, blank=True)
    follows = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="followed_by",
        verbose_name="前一督办单",
    )
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
            # Each kind of order has its own number sequence per year.
            models.UniqueConstraint(
                fields=["level", "year", "number"], name="unique_order_number_per_level"
            ),
            # The ladder is a chain: an order is followed by one order at most.
            models.UniqueConstraint(fields=["follows"], name="one_order_follows_another"),
        ]
        indexes = [models.Index(fields=["due", "replied_at"])]
        verbose_name = verbose_name_plural = "督办单"

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.doc_number}"

    @property
    def doc_number(self) -> str:
        """临巡办督〔2026〕3号: the code frozen at issue, the year, the kind's own number."""
        return doc_number(self.code, self.year, self.number)

    @property
    def rank(self) -> int:
        return self.Level.values.index(self.level)

    @property
    def next_level(self) -> str | None:
        """The next rung of the ladder, or None after 问责建议."""
        levels = self.Level.values
        return levels[self.rank + 1] if self.rank + 1 < len(levels) else None

    def is_overdue(self, today) -> bool:
        """The queryset's `overdue` for one order."""
        return self.replied_at is None and self.due < today


class ReplyEvidenceQuerySet(UnitScopedQuerySet):
    unit_field = "order__unit"


class ReplyEvidence(models.Model):
    """佐证材料 sent with a unit's reply to an order: a stored file with its SHA-256."""

    order = models.ForeignKey(
        SupervisionOrder, models.PROTECT, related_name="reply_files", verbose_name="督办单"
    )
    # Stored, checked and hashed as the ledger's evidence (ledger.services.check_upload).
    file = models.FileField(upload_to=evidence_path)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)

    objects = ReplyEvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "督办回复佐证材料"

    def __str__(self) -> str:
        return self.name


class Message(models.Model):
    """站内消息: an event that asks the recipient to act, read or not yet."""

    recipient = models.ForeignKey(USER, models.CASCADE, related_name="+", verbose_name="收件人")
    act = models.CharField("事项", max_length=50)
    # The audit event it came from (no key: the audit log stays free of references).
    event_id = models.BigIntegerField(null=True, blank=True)
    unit = models.ForeignKey(
        Unit, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="单位"
    )
    text = models.CharField("消息", max_length=300)
    url = models.CharField("链接", max_length=300)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        verbose_name = verbose_name_plural = "站内消息"

    def __str__(self) -> str:
        return self.text


class DocumentFrozen(Exception):
    """A frozen document was about to change; a change is a new version."""


class DocumentQuerySet(UnitScopedQuerySet):
    unit_field = "inspection__unit"


class Document(models.Model):
    """A document of the rectification cycle written from the ledger (整改方案, 整改情况报告,
    销号审批表, 回头看报告): a draft the unit edits, then frozen with its SHA-256."""

    class Kind(models.TextChoices):
        PLAN = "plan", "整改方案"
        REPORT = "report", "整改情况报告"
        SIGNOFF_FORM = "signoff", "销号审批表"
        REVIEW = "review", "回头看报告"

    inspection = models.ForeignKey(
        Inspection, models.PROTECT, related_name="documents", verbose_name="巡察"
    )
    # The 销号审批表 is about one problem; the other kinds about the whole inspection.
    problem = models.ForeignKey(
        Problem,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="问题",
    )
    kind = models.CharField("文稿类型", max_length=10, choices=Kind.choices)
    version = models.PositiveIntegerField("版本", default=1)
    title = models.CharField("标题", max_length=300)
    text = models.TextField("正文")
    doc_number = models.CharField("文号", max_length=50, blank=True)
    created_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="起草人")
    created_at = models.DateTimeField("起草时间", default=timezone.now)
    updated_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="修改人")
    updated_at = models.DateTimeField("修改时间", default=timezone.now)
    frozen_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="定稿人"
    )
    frozen_at = models.DateTimeField("定稿时间", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "kind", "problem", "version"],
                name="unique_document_version",
            ),
        ]
        verbose_name = verbose_name_plural = "整改文稿"

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"

    def save(self, *args, **kwargs) -> None:
        if self.pk and Document.objects.filter(pk=self.pk, frozen_at__isnull=False).exists():
            raise DocumentFrozen("已定稿的文稿不能修改；如需修改，请另起新版本。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DocumentFrozen("文稿不能删除。")


class ReportFilingQuerySet(UnitScopedQuerySet):
    unit_field = "inspection__unit"


class ReportFiling(models.Model):
    """报送: when an inspection's 整改情况报告 went to the inspection body, as the frozen
    generated report or an uploaded file (kept with its SHA-256)."""

    inspection = models.OneToOneField(
        Inspection, models.PROTECT, related_name="report_filing", verbose_name="巡察"
    )
    filed_on = models.DateField("报送日期")
    document = models.OneToOneField(
        Document,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="filing",
        verbose_name="报送的报告",
    )
    file = models.FileField(upload_to=evidence_path, blank=True)
    name = models.CharField("文件名", max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    filed_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="登记人")
    filed_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = ReportFilingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "整改情况报告报送"

    def __str__(self) -> str:
        return f"{self.inspection} · {self.filed_on}"

    @property
    def current(self) -> "ReportFiling | ReportCorrection":
        """The filing as it now stands: its latest correction, or itself."""
        return self.corrections.order_by("-id").first() or self


class ReportCorrection(models.Model):
    """更正: a later record of a filing's date and file, with the reason; the filing and
    earlier corrections are never edited, and the latest correction is what counts."""

    filing = models.ForeignKey(
        ReportFiling, models.PROTECT, related_name="corrections", verbose_name="更正的报送"
    )
    filed_on = models.DateField("报送日期")
    document = models.ForeignKey(
        Document,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="报送的报告",
    )
    # A correction of the date alone names the same stored file as the record it corrects.
    file = models.FileField(upload_to=evidence_path, blank=True)
    name = models.CharField("文件名", max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    reason = models.CharField("更正原因", max_length=500)
    corrected_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="更正人")
    corrected_at = models.DateTimeField("更正时间", default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "整改情况报告报送更正"

    def __str__(self) -> str:
        return f"{self.filing.inspection} · 更正为{self.filed_on}"


class Evaluation(models.Model):
    """成效评估: the office's score sheet for a round, with the thresholds of its grades."""

    class Grade(models.TextChoices):
        GOOD = "good", "好"
        FAIR = "fair", "较好"
        AVERAGE = "average", "一般"
        POOR = "poor", "差"

    round = models.CharField("轮次", max_length=100, unique=True)
    title = models.CharField("名称", max_length=200)
    good = models.DecimalField("“好”不低于", max_digits=5, decimal_places=2, default=90)
    fair = models.DecimalField("“较好”不低于", max_digits=5, decimal_places=2, default=80)
    average = models.DecimalField("“一般”不低于", max_digits=5, decimal_places=2, default=60)
    created_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "成效评估"

    def __str__(self) -> str:
        return self.title

    def grade(self, total) -> str:
        """The grade of a total score by the thresholds (a value of `Grade`)."""
        for grade, floor in ((self.Grade.GOOD, self.good), (self.Grade.FAIR, self.fair)):
            if total >= floor:
                return grade
        return self.Grade.AVERAGE if total >= self.average else self.Grade.POOR


class EvaluationIndicator(models.Model):
    """An indicator of a score sheet: its weight and how it is scored (0–100)."""

    class Source(models.TextChoices):
        SCORED = "scored", "评分人打分"
        SATISFACTION = "satisfaction", "按公开通报的群众满意度评价计分"

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="indicators")
    position = models.PositiveIntegerField("顺序", default=0)
    name = models.CharField("指标", max_length=50)
    weight = models.DecimalField("权重", max_digits=5, decimal_places=2)
    note = models.TextField("评分说明", blank=True)
    source = models.CharField("计分方式", max_length=15, choices=Source.choices, default="scored")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "name"], name="unique_indicator_name"),
        ]
        verbose_name = verbose_name_plural = "评估指标"

    def __str__(self) -> str:
        return self.name


class EvaluationScore(models.Model):
    """One scorer's score (0–100) of one unit on one indicator; scorers are averaged."""

    indicator = models.ForeignKey(EvaluationIndicator, models.CASCADE, related_name="scores")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name="单位")
    scorer = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="评分人")
    value = models.DecimalField("得分", max_digits=5, decimal_places=2)
    note = models.CharField("评分理由", max_length=500, blank=True)
    scored_at = models.DateTimeField("评分时间", default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "scorer"], name="unique_score_per_scorer"
            ),
        ]
        verbose_name = verbose_name_plural = "评估得分"


class FlagDismissal(models.Model):
    """A 形式整改 flag the office dismissed, with its reason; kept, never deleted."""

    signal = models.CharField("检查项", max_length=30)
    measure = models.ForeignKey(
        "ledger.Measure", models.CASCADE, related_name="+", verbose_name="整改措施"
    )
    reason = models.CharField("排除理由", max_length=500)
    dismissed_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="排除人")
    dismissed_at = models.DateTimeField("排除时间", default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signal", "measure"], name="unique_flag_dismissal"),
        ]
        verbose_name = verbose_name_plural = "形式整改排除记录"


class RecurrenceQuerySet(UnitScopedQuerySet):
    unit_field = "problem__inspection__unit"

    def standing(self):
        return self.filter(withdrawn_at=None)


class Recurrence(models.Model):
    """屡查屡犯: the office's finding that a problem was found before at the same unit."""

    problem = models.ForeignKey(
        Problem, models.PROTECT, related_name="recurrences", verbose_name="本次问题"
    )
    earlier = models.ForeignKey(
        Problem, models.PROTECT, related_name="recurred_as", verbose_name="此前问题"
    )
    score = models.FloatField("相似度")
    confirmed_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="认定人")
    confirmed_at = models.DateTimeField("认定时间", default=timezone.now)
    withdrawn_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="撤销人"
    )
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    withdraw_reason = models.CharField("撤销理由", max_length=500, blank=True)

    objects = RecurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["-confirmed_at", "-id"]
        constraints = [
            # One standing finding per pair; a withdrawn one stays beside a new one.
            models.UniqueConstraint(
                fields=["problem", "earlier"],
                condition=Q(withdrawn_at=None),
                name="one_standing_recurrence",
            ),
        ]
        verbose_name = verbose_name_plural = "屡查屡犯"


class CommonProblemQuerySet(UnitScopedQuerySet):
    unit_field = "problems__inspection__unit"


class CommonProblem(models.Model):
    """共性问题: similar problems of several units in one round, confirmed by the office."""

    round = models.CharField("轮次", max_length=100, db_index=True)
    name = models.CharField("共性问题名称", max_length=200)
    problems = models.ManyToManyField(Problem, related_name="common", verbose_name="问题")
    confirmed_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="确认人")
    confirmed_at = models.DateTimeField("确认时间", default=timezone.now)
    orders = models.ManyToManyField(
        SupervisionOrder, blank=True, related_name="+", verbose_name="督办单"
    )

    objects = CommonProblemQuerySet.as_manager()

    class Meta:
        ordering = ["round", "name", "id"]
        verbose_name = verbose_name_plural = "共性问题"

    def __str__(self) -> str:
        return self.name
