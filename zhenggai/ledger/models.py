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
            queryset = super().get_queryset()
            # A related manager (problem.measures, measure.progress_set) whose parent the
            # path runs through: the parent was read live, so are its rows. The filter's
            # joins cost more than the rest of a prefetch, once per parent row.
            field = getattr(self, "field", None)
            if getattr(self, "instance", None) is not None and field is not None:
                if voided.startswith(f"{field.name}__"):
                    return queryset
            return queryset.filter(**{voided: None})

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
    # 延期申请: who approves once the ledger is confirmed; the office may delegate.
    extension_by = models.CharField(
        "延期审批",
        max_length=10,
        choices=[("office", "巡察办"), ("leader", "单位领导")],
        default="office",
        help_text="台账确认后，措施延期申请由谁审批",
    )
    # 台账确认: from then on a due date moves only through an approved 延期申请.
    confirmed_at = models.DateTimeField("台账确认时间", null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="台账确认人",
        editable=False,
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
        db_index=False,  # the partial index in Meta
    )
    term = models.CharField("时限类型", max_length=10, choices=Term.choices, default=Term.DEADLINE)
    due = models.DateField("完成时限", null=True, blank=True)
    # The due date before the first approved 延期申请; empty for a measure never extended.
    original_due = models.DateField("原完成时限", null=True, blank=True, editable=False)
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
        indexes = [
            models.Index(fields=["due", "status"]),
            # Open dated measures in due order: the overdue and due-soon lists read the
            # first few along it (PostgreSQL; SQLite keeps to the one above).
            models.Index(
                fields=["due", "id"],
                condition=Q(status__in=rules.OPEN, term__in=rules.DATED_TERMS),
                name="measure_open_due",
            ),
            # Only measures with an account: imported ledgers leave most without one, and
            # a full index then tells SQLite's planner that "owner = me" matches them all
            # (the navigation bar's 我负责的整改措施 scanned every measure).
            models.Index(
                fields=["owner_user"],
                condition=Q(owner_user__isnull=False),
                name="measure_owner_user",
            ),
        ]
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


class HandoverQuerySet(UnitScopedQuerySet):
    # A handover may span units: it is visible where any of its measures is.
    unit_field = "items__measure__problem__inspection__unit"

    def for_user(self, user, act: str = "read"):
        return super().for_user(user, act).distinct()


class HandoverItemQuerySet(UnitScopedQuerySet):
    unit_field = "measure__problem__inspection__unit"


class Handover(models.Model):
    """交接: one person's open duties moved to a successor in one act, with why."""

    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="交出人"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="接手人"
    )
    # The names as written in the 责任清单 at the time, kept if an account is renamed.
    from_name = models.CharField("交出人姓名", max_length=100)
    to_name = models.CharField("接手人姓名", max_length=100)
    reason = models.CharField("交接原因", max_length=500)
    at = models.DateTimeField("交接时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="经办人"
    )

    objects = HandoverQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "交接记录"

    def __str__(self) -> str:
        return f"{self.from_name} → {self.to_name}"


class HandoverItem(models.Model):
    """One measure a handover moved: which duties, and the 责任清单 before it."""

    handover = models.ForeignKey(Handover, models.CASCADE, related_name="items")
    measure = models.ForeignKey(Measure, models.CASCADE, related_name="handovers")
    duties = models.CharField("交接职责", max_length=50)
    # leader, owner and owner_user as they were, for the record.
    before = models.JSONField("交接前", default=dict)
    note = models.CharField("交接记录", max_length=300)

    objects = HandoverItemQuerySet.as_manager()

    class Meta:
        ordering = ["handover__at", "id"]
        verbose_name = verbose_name_plural = "交接明细"


class SearchEntryQuerySet(UnitScopedQuerySet):
    unit_field = "unit"


class SearchEntry(models.Model):
    """One item the search box finds (问题, 措施, 进展, 意见, 督办单), kept with its text.

    `terms` is the text as single characters between spaces, so that the database's own
    full-text index (FTS5 on SQLite, a tsvector on PostgreSQL; see `search.py`) finds a
    Chinese query of any length as a phrase. The foreign keys delete an item's entry
    with it.
    """

    kind = models.CharField(max_length=10)
    object_id = models.PositiveBigIntegerField()
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+")
    inspection = models.ForeignKey(Inspection, models.CASCADE, null=True, related_name="+")
    problem = models.ForeignKey(Problem, models.CASCADE, null=True, related_name="+")
    measure = models.ForeignKey(Measure, models.CASCADE, null=True, related_name="+")
    title = models.CharField(max_length=300)
    body = models.TextField()
    url = models.CharField(max_length=300)
    scope = models.CharField(max_length=40)
    terms = models.TextField()

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_entry_per_item")
        ]
        indexes = [models.Index(fields=["kind", "id"])]
        verbose_name = verbose_name_plural = "检索条目"


class SearchBacklog(models.Model):
    """An inspection whose search entries are still being written behind its import
    (search.fill_behind): added in the import's transaction, removed when they are all in.
    One left over after a stop is finished by search.fill_pending."""

    inspection = models.OneToOneField(Inspection, models.CASCADE, related_name="+")
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "待建检索"


class AccountabilityKind(models.Model):
    """A kind of 问责 (批评教育, 诫勉, 党纪处分 …): a list the office extends."""

    name = models.CharField("问责方式", max_length=30, unique=True)
    phrase = models.CharField(
        "通报表述",
        max_length=30,
        blank=True,
        help_text="通报中的写法，如“诫勉谈话”；留空则同问责方式",
    )
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = verbose_name_plural = "问责方式"

    def __str__(self) -> str:
        return self.name

    @property
    def wording(self) -> str:
        return self.phrase or self.name


class AccountabilityQuerySet(UnitScopedQuerySet):
    unit_field = "problem__inspection__unit"

    def public(self):
        """Records the public version may count: on a problem (and measure) it shows."""
        return self.filter(problem__in=Problem.objects.public()).filter(
            Q(measure=None) | Q(measure__withhold_reason="")
        )


class Accountability(models.Model):
    """问责: one person held accountable for a problem (or one of its measures).

    Persons' names are read only inside the system; the public version counts them.
    """

    problem = models.ForeignKey(Problem, models.CASCADE, related_name="accountabilities")
    measure = models.ForeignKey(
        Measure,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="accountabilities",
        verbose_name="整改措施",
    )
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("职务", max_length=100, blank=True)
    person_unit = models.CharField("所在单位", max_length=100, blank=True)
    kind = models.ForeignKey(
        AccountabilityKind, models.PROTECT, related_name="records", verbose_name="问责方式"
    )
    decided_on = models.DateField("问责日期")
    decided_by = models.CharField("问责决定机关", max_length=100)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = live(AccountabilityQuerySet, "problem__inspection__voided_at")
    all_objects = AccountabilityQuerySet.as_manager()

    class Meta:
        ordering = ["decided_on", "id"]
        verbose_name = verbose_name_plural = "问责记录"

    def __str__(self) -> str:
        return f"{self.name}（{self.kind}）"


class ExtensionQuerySet(UnitScopedQuerySet):
    unit_field = "measure__problem__inspection__unit"


class Extension(models.Model):
    """延期申请: a new due date asked with a reason, approved or refused."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"

    measure = models.ForeignKey(Measure, models.CASCADE, related_name="extensions")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    old_due = models.DateField("原完成时限", null=True, blank=True)
    new_due = models.DateField("申请延期至")
    reason = models.TextField("延期理由")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="申请人"
    )
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审批人",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    answer = models.TextField("审批意见", blank=True)

    objects = live(ExtensionQuerySet, "measure__problem__inspection__voided_at")
    all_objects = ExtensionQuerySet.as_manager()

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure"], condition=Q(status="requested"), name="one_pending_extension"
            ),
        ]
        verbose_name = verbose_name_plural = "延期申请"


class InspectionLinkQuerySet(UnitScopedQuerySet):
    unit_field = "inspection__unit"


class InspectionLink(models.Model):
    """回头看: an inspection linked to an earlier inspection of the same unit."""

    inspection = models.ForeignKey(
        Inspection, models.CASCADE, related_name="earlier_links", verbose_name="本次巡察"
    )
    earlier = models.ForeignKey(
        Inspection, models.CASCADE, related_name="later_links", verbose_name="此前巡察"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="关联人"
    )
    linked_at = models.DateTimeField("关联时间", default=timezone.now)

    objects = InspectionLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-earlier__feedback_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "earlier"], name="unique_earlier_link"),
        ]
        verbose_name = verbose_name_plural = "回头看关联"


class KeptCount(models.Model):
    """The dashboard's counts of one inspection, kept by `counts.keep` in the same
    transaction as every change, so that the dashboard reads a few rows per inspection
    instead of its measures. Three kinds of row:

    - measures by status, term and whether extended (`status` set, `due` empty);
    - open dated measures by due date (`status` empty, `due` set), for 超期 and 临期: a due
      date already past may be folded into `PAST`, as each day passes (`counts.fold`);
    - the problems: how many, rectified, signed off (`status` and `due` empty).
    """

    PAST = dt.date(1900, 1, 1)

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, blank=True)
    term = models.CharField(max_length=20, blank=True)
    extended = models.BooleanField(default=False)
    due = models.DateField(null=True)
    n = models.IntegerField(default=0)
    problems = models.IntegerField(default=0)
    rectified = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["due", "inspection"], name="keptcount_due")]
        verbose_name = verbose_name_plural = "看板计数"
