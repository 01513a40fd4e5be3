import datetime as dt
import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhenggai.accounts.access import UnitScopedQuerySet
from zhenggai.accounts.models import Unit

from . import rules


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def live(queryset_class, voided: str) -> models.Manager:
    """The manager every page, count, export and reminder uses: rows of inspections not
    voided (作废). `all_objects` still reaches voided ones (the 作废 list, backups)."""

    class LiveManager(models.Manager.from_queryset(queryset_class)):
        def get_queryset(self):
            return super().get_queryset().filter(**{voided: None})

    return LiveManager()


class InspectionQuerySet(UnitScopedQuerySet):
    unit_field = "unit"


class ProblemQuerySet(UnitScopedQuerySet):
    unit_field = "inspection__unit"

    def public(self):
        """Problems the public version may show: neither they nor their category withheld."""
        return self.filter(withhold_reason="").filter(
            Q(parent__isnull=True) | Q(parent__withhold_reason="")
        )

    def counted(self, *, public: bool = False):
        """What counts as a problem (问题): specific problems, and categories without any.

        A category with specific problems is a 问题类别, not itself counted. The public
        version counts what it shows: a category whose specific problems are all withheld
        is shown as a problem of its own, and counts as one.
        """
        children = self.model.objects.filter(parent__isnull=False)
        if public:
            children = children.public()
        return self.exclude(pk__in=children.values("parent_id"))


class MeasureQuerySet(UnitScopedQuerySet):
    unit_field = "problem__inspection__unit"

    def public(self):
        """Measures the public version may show: not withheld, nor their problem or category."""
        return self.filter(withhold_reason="", problem__in=Problem.objects.public())

    def open(self):
        return self.filter(rules.q(rules.open_()))

    def finished(self):
        return self.filter(rules.q(rules.finished()))

    def overdue(self, today: dt.date):
        return self.filter(rules.q(rules.overdue(today)))

    def due_soon(self, today: dt.date, days: int = rules.SOON_DAYS):
        return self.filter(rules.q(rules.due_soon(today, days)))


class ProgressQuerySet(UnitScopedQuerySet):
    unit_field = "measure__problem__inspection__unit"

    def current(self):
        """Reports not withdrawn (a corrected one is withdrawn by its correction)."""
        return self.filter(withdrawn_at=None)


class EvidenceQuerySet(UnitScopedQuerySet):
    unit_field = "progress__measure__problem__inspection__unit"


class FigureQuerySet(UnitScopedQuerySet):
    unit_field = "progress__measure__problem__inspection__unit"


class Inspection(models.Model):
    """One supervision of one unit, whose feedback starts the rectification."""

    class Kind(models.TextChoices):
        XUNSHI = "xunshi", "巡视"
        XUNCHA = "xuncha", "巡察"
        AUDIT = "audit", "审计"
        DUCHA = "ducha", "督察"
        SPECIAL_CHECK = "check", "专项检查"

    class Mode(models.TextChoices):
        REGULAR = "regular", "常规"
        SPECIAL = "special", "专项"
        MOBILE = "mobile", "机动"
        ELEVATED = "elevated", "提级"
        FOLLOW_UP = "follow_up", "回头看"

    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="inspections", verbose_name="被巡察单位"
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.XUNCHA)
    mode = models.CharField("方式", max_length=10, choices=Mode.choices, default=Mode.REGULAR)
    round = models.CharField("轮次", max_length=100, help_text="如：一届区委第二轮巡察")
    group = models.CharField("巡察组", max_length=100, blank=True)
    start = models.DateField("进驻日期", null=True, blank=True)
    end = models.DateField("结束日期", null=True, blank=True)
    feedback_date = models.DateField("反馈日期")
    rectify_until = models.DateField("集中整改期至", blank=True, help_text="留空则为反馈后两个月")
    confirm_by = models.CharField(
        "完成确认人",
        max_length=10,
        choices=[("editor", "整改联络员"), ("leader", "单位领导")],
        default="editor",
        help_text="整改措施申请完成后，由谁确认",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The file an import came from, to warn before the same file is imported twice.
    source_sha256 = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # 作废: a mistaken inspection leaves every count, list, export and reminder.
    voided_at = models.DateTimeField("作废时间", null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="作废人",
        editable=False,
    )
    void_reason = models.CharField("作废理由", max_length=500, blank=True, editable=False)

    objects = live(InspectionQuerySet, "voided_at")
    all_objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-feedback_date", "-id"]
        verbose_name = verbose_name_plural = "巡察"

    def __str__(self) -> str:
        return f"{self.unit} · {self.round}"

    def save(self, *args, **kwargs) -> None:
        if not self.rectify_until and self.feedback_date:
            self.rectify_until = add_months(self.feedback_date, 2)
        super().save(*args, **kwargs)


class Withholding(models.TextChoices):
    """Why an item is left out of the public version of a notice."""

    SECRET = "secret", "国家秘密或工作秘密"
    CASE = "case", "正在查处的案件"
    PRIVACY = "privacy", "涉及个人隐私"
    HYPE = "hype", "可能引发负面炒作"
    OTHER = "other", "其他敏感事项"


class Problem(models.Model):
    """A finding: a category (parent empty) or a specific problem under one."""

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="problems")
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="问题类别",
    )
    position = models.PositiveIntegerField(default=0)
    title = models.CharField("问题", max_length=500)
    description = models.TextField("具体表现", blank=True)
    withhold_reason = models.CharField(
        "不公开理由", max_length=10, blank=True, choices=Withholding.choices
    )
    withhold_approver = models.CharField("不公开审批人", max_length=50, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = live(ProblemQuerySet, "inspection__voided_at")
    all_objects = ProblemQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = verbose_name_plural = "问题"

    def __str__(self) -> str:
        return self.title


class Measure(models.Model):
    """One action against a problem, with who answers for it and by when."""

    class Term(models.TextChoices):
        IMMEDIATE = rules.DATED_TERMS[0], "立行立改"
        DEADLINE = rules.DATED_TERMS[1], "限期整改"
        ONGOING = rules.ONGOING, "长期坚持"

    class Status(models.TextChoices):
        PLANNED = rules.PLANNED, "未开始"
        IN_PROGRESS = rules.IN_PROGRESS, "推进中"
        DONE = rules.DONE, "已完成"
        ONGOING = rules.ONGOING, "长期坚持"

    problem = models.ForeignKey(Problem, models.CASCADE, related_name="measures")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField("整改措施")
    leader = models.CharField("责任领导", max_length=100, blank=True)
    department = models.CharField("责任部门", max_length=100, blank=True)
    owner = models.CharField("责任人", max_length=100, blank=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name="责任人账号",
    )
    term = models.CharField("时限类型", max_length=10, choices=Term.choices, default=Term.DEADLINE)
    due = models.DateField("完成时限", null=True, blank=True)
    status = models.CharField(
        "整改状态", max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    done_at = models.DateTimeField("完成时间", null=True, blank=True, editable=False)
    withhold_reason = models.CharField(
        "不公开理由", max_length=10, blank=True, choices=Withholding.choices
    )
    withhold_approver = models.CharField("不公开审批人", max_length=50, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = live(MeasureQuerySet, "problem__inspection__voided_at")
    all_objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["due", "status"])]
        verbose_name = verbose_name_plural = "整改措施"

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_open(self) -> bool:
        return rules.holds(rules.open_(), self)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return rules.holds(rules.overdue(today or timezone.localdate()), self)

    def overdue_days(self, today: dt.date | None = None) -> int:
        """Days past the due date when overdue, else 0."""
        today = today or timezone.localdate()
        return (today - self.due).days if self.is_overdue(today) else 0

    def light(self, today: dt.date | None = None) -> str:
        """The traffic light (四色预警): green, yellow, red or blue."""
        return rules.light(self, today or timezone.localdate())


class Progress(models.Model):
    """A dated report of what was done on a measure."""

    measure = models.ForeignKey(Measure, models.CASCADE, related_name="progress")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name="报告人"
    )
    reported_on = models.DateField("日期", default=timezone.localdate)
    text = models.TextField("整改进展")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Withdrawn or corrected reports stay, struck through, with who and why.
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="撤回人",
    )
    withdraw_reason = models.CharField("撤回理由", max_length=500, blank=True)
    corrects = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name="更正的进展",
    )

    objects = live(ProgressQuerySet, "measure__problem__inspection__voided_at")
    all_objects = ProgressQuerySet.as_manager()

    class Meta:
        ordering = ["reported_on", "id"]
        verbose_name = verbose_name_plural = "整改进展"


class Figure(models.Model):
    """A quantity reported as an outcome: 召开民主生活会 3 次, 追回资金 146 万元."""

    progress = models.ForeignKey(Progress, models.CASCADE, related_name="figures")
    value = models.DecimalField("数值", max_digits=16, decimal_places=4)
    unit = models.CharField("单位", max_length=10)
    counts = models.CharField("统计事项", max_length=100, blank=True)
    indicator = models.CharField("统计指标", max_length=50, blank=True, db_index=True)
    approx = models.BooleanField("约数", default=False)

    objects = live(FigureQuerySet, "progress__measure__problem__inspection__voided_at")
    all_objects = FigureQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "成效数据"

    def __str__(self) -> str:
        return f"{self.counts}{self.amount}"

    @property
    def amount(self) -> str:
        """146万元, 15000余名: the number and unit as a notice writes them."""
        return f"{self.value.normalize():f}{'余' if self.approx else ''}{self.unit}"


class CompletionQuerySet(UnitScopedQuerySet):
    unit_field = "measure__problem__inspection__unit"


class Completion(models.Model):
    """A request to count a measure 已完成 (申请完成), and the unit's answer to it.

    Only a confirmed request makes a measure 已完成: the owner or editor asks with the
    evidence reported, the role the inspection names (`Inspection.confirm_by`) confirms
    or returns it. Evidence that is only a reference to paper is confirmed only by one
    who records having inspected it.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", "待确认"
        CONFIRMED = "confirmed", "已确认"
        RETURNED = "returned", "已退回"

    measure = models.ForeignKey(Measure, models.CASCADE, related_name="completions")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    note = models.TextField("申请说明", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="申请人"
    )
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="确认人",
    )
    reviewed_at = models.DateTimeField("确认时间", null=True, blank=True)
    reason = models.TextField("退回理由", blank=True)
    inspected = models.BooleanField("已查验纸质材料", default=False)

    objects = live(CompletionQuerySet, "measure__problem__inspection__voided_at")
    all_objects = CompletionQuerySet.as_manager()

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure"], condition=Q(status="requested"), name="one_pending_completion"
            ),
        ]
        verbose_name = verbose_name_plural = "完成申请"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # The stored name never derives from the uploaded one: no path of a visitor's
    # choosing reaches the file system.
    today = timezone.localdate()
    return f"{today:%Y/%m}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A proof of progress: a stored file with its SHA-256, or a reference text."""

    progress = models.ForeignKey(Progress, models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, blank=True)
    name = models.CharField("文件名", max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    reference = models.CharField(
        "材料说明", max_length=500, blank=True, help_text="无文件时，写明材料名称及存放位置"
    )

    objects = live(EvidenceQuerySet, "progress__measure__problem__inspection__voided_at")
    all_objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.name or self.reference

    def compute_sha256(self) -> str:
        digest = hashlib.sha256()
        with self.file.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()


class IndicatorRule(models.Model):
    """A statistical indicator (统计指标) the office sums, and the words that map figures to it."""

    name = models.CharField("统计指标", max_length=50, unique=True)
    verb = models.CharField(
        "表述动词",
        max_length=20,
        blank=True,
        help_text="统计表述中指标前的动词，如“召开”“开展”，可留空",
    )
    unit = models.CharField("计量单位", max_length=10)
    keywords = models.CharField(
        "关键词",
        max_length=500,
        help_text="成效数据的统计事项含任一关键词即归入本指标，以逗号或空格分隔",
    )
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = verbose_name_plural = "统计指标"

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"

    def keyword_list(self) -> list[str]:
        return [
            w
            for w in self.keywords.replace("，", ",")
            .replace("、", ",")
            .replace(" ", ",")
            .split(",")
            if w
        ]
