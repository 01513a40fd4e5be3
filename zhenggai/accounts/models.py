from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction


class Unit(models.Model):
    """An organisation in the tree (区委 → 部门 → 科室) that is inspected or inspects."""

    name = models.CharField("简称", max_length=100, unique=True)
    full_name = models.CharField(
        "党组织全称", max_length=200, blank=True, help_text="通报落款使用，如“中共某区总工会党组”"
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级单位",
    )
    # Materialised path "/1/4/9/": sub-units are one indexed prefix query away.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    phone = models.CharField("监督电话", max_length=50, blank=True)
    address = models.CharField("来信地址", max_length=200, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    # A disabled unit keeps its ledger, history and memberships; it takes no new work.
    active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.name

    @property
    def signature(self) -> str:
        return self.full_name or self.name

    def clean(self) -> None:
        if self.pk and self.parent_id and self.parent.path.startswith(self.path or "-"):
            raise ValidationError({"parent": "上级单位不能是本单位或其下级单位。"})

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        if self.pk is None:
            # The path holds the unit's own id, known only after the insert.
            super().save(*args, **kwargs)
            args, kwargs = (), {"update_fields": ["path"]}
        old = self.path
        prefix = self.parent.path if self.parent_id else "/"
        self.path = f"{prefix}{self.pk}/"
        super().save(*args, **kwargs)
        if old and old != self.path:
            # Moved under another parent: every sub-unit's path moves with it.
            below = list(Unit.objects.filter(path__startswith=old).exclude(pk=self.pk))
            for unit in below:
                unit.path = self.path + unit.path[len(old) :]
            Unit.objects.bulk_update(below, ["path"])


class Membership(models.Model):
    """A user's role in a unit, optionally covering its sub-units."""

    class Role(models.TextChoices):
        OFFICE = "office", "巡察办"
        LEADER = "leader", "单位领导"
        EDITOR = "editor", "整改联络员"
        OWNER = "owner", "责任人"
        VIEWER = "viewer", "查阅人"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name="用户"
    )
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="memberships", verbose_name="单位")
    role = models.CharField("角色", max_length=10, choices=Role.choices)
    covers_subunits = models.BooleanField("含下级单位", default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership"),
        ]
        verbose_name = verbose_name_plural = "成员"

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class Profile(models.Model):
    """What the office keeps about a person beside the log-in: phone, post, duty."""

    class Duty(models.TextChoices):
        # 三员: three separate administrator duties (等保 2.0); one field, so one each.
        SYSADMIN = "sysadmin", "系统管理员"
        SECADMIN = "secadmin", "安全管理员"
        AUDITOR = "auditor", "安全审计员"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="profile", verbose_name="用户"
    )
    phone = models.CharField("联系电话", max_length=50, blank=True)
    post = models.CharField("职务", max_length=100, blank=True)
    duty = models.CharField("管理员职责", max_length=10, choices=Duty.choices, blank=True)
    # Set when someone else chose the password (a one-time password): the next log-in
    # leads to the password page until the user sets their own.
    must_change_password = models.BooleanField("须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户资料"

    def __str__(self) -> str:
        return str(self.user)


class PasswordHistory(models.Model):
    """The hash of a password a user had, so that they cannot go back to it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="password_history"
    )
    password = models.CharField(max_length=128)
    at = models.DateTimeField(auto_now_add=True, db_index=True)


class LoginFailure(models.Model):
    """A failed log-in, kept a day to show the security administrator where it came from."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)


class LoginThrottle(models.Model):
    """The log-in throttle's count for one account, browser or address (accounts.throttle):
    failures lately, and until when the next password check must wait."""

    # "account:<user name>", "device:<user name>:<token>" or "address:<IP address>".
    key = models.CharField(max_length=250, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure = models.DateTimeField(null=True)
    wait_until = models.DateTimeField(null=True, db_index=True)


class Letterhead(models.Model):
    """版头 and 机关代字: how a unit (or the office) heads and numbers what it issues."""

    unit = models.OneToOneField(
        Unit, models.CASCADE, related_name="letterhead", verbose_name="单位"
    )
    issuer = models.CharField(
        "发文机关名称", max_length=100, help_text="如“中共临川区委巡察工作领导小组办公室”"
    )
    header = models.CharField(
        "版头文字",
        max_length=100,
        blank=True,
        help_text="红色版头显示的文字；不填则用发文机关名称",
    )
    code = models.CharField(
        "机关代字", max_length=20, blank=True, help_text="文号的前缀，如“临巡办督”"
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "版头与文号"

    def __str__(self) -> str:
        return f"{self.unit} · {self.issuer}"
