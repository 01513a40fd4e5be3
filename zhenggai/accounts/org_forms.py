"""Forms of the organisation pages: a unit, a person, a membership."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator

from zhenggai.forms import CleanForm, clean_text

from .models import Membership, Unit

User = get_user_model()
ROLE_CHOICES = Membership.Role.choices
USERNAME_HELP = "登录用，字母、数字和 @ . + - _，如 wangli；建好后不能修改。"


def username_field() -> forms.CharField:
    return forms.CharField(
        label="账号",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=USERNAME_HELP,
    )


class UnitForm(CleanForm):
    """Add or change a unit: rename, move under another parent, correct its details."""

    name = forms.CharField(label="简称", max_length=100)
    full_name = forms.CharField(
        label="党组织全称", max_length=200, required=False, help_text="通报落款使用"
    )
    parent = forms.ModelChoiceField(
        Unit.objects.none(), label="上级单位", required=False, empty_label="（无，顶级单位）"
    )
    phone = forms.CharField(label="监督电话", max_length=50, required=False)
    address = forms.CharField(label="来信地址", max_length=200, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)

    def __init__(self, *args, unit: Unit | None = None, **kwargs):
        if unit is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(unit, f) for f in self.base_fields} | {
                "parent": unit.parent_id
            }
        super().__init__(*args, **kwargs)
        parents = Unit.objects.filter(active=True)
        if unit is not None:
            # Not itself nor below itself; its present parent stays even when disabled.
            parents = Unit.objects.exclude(path__startswith=unit.path).filter(
                active=True
            ) | Unit.objects.filter(pk=unit.parent_id)
        self.fields["parent"].queryset = parents.order_by("path")
        self.fields["parent"].label_from_instance = indented


def indented(unit: Unit) -> str:
    depth = unit.path.count("/") - 2
    return "　" * depth + unit.name + ("（已停用）" if not unit.active else "")


class PersonForm(CleanForm):
    """A person's details: one 姓名 field, phone, e-mail, 职务."""

    name = forms.CharField(label="姓名", max_length=150)
    phone = forms.CharField(label="联系电话", max_length=50, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    post = forms.CharField(label="职务", max_length=100, required=False)


class NewPersonForm(PersonForm):
    """A new account: the login name first, then the person."""

    field_order = ["username", "name", "phone", "email", "post", "mail"]
    username = username_field()
    mail = forms.BooleanField(
        label="邮件发送密码",
        required=False,
        help_text="勾选后一次性密码发到上面的邮箱，不在页面显示；未填邮箱时仍在页面显示。",
    )

    def __init__(self, *args, mail: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not mail:
            del self.fields["mail"]

    def clean_username(self) -> str:
        username = clean_text(self.cleaned_data["username"])
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(f"账号“{username}”已存在，请换一个。")
        return username


class MembershipForm(CleanForm):
    """Give a person a role on this unit (and, if chosen, on its sub-units)."""

    username = forms.CharField(
        label="账号",
        max_length=150,
        help_text="填写已建账号，如 wangli；新人请先在“用户”页面建账号。",
    )
    role = forms.ChoiceField(label="角色", choices=ROLE_CHOICES)
    covers_subunits = forms.BooleanField(label="含下级单位", required=False)

    def clean_username(self):
        username = clean_text(self.cleaned_data["username"])
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(f"没有账号“{username}”，请先在“用户”页面新建。")
        if not user.is_active:
            raise forms.ValidationError(f"账号“{username}”已停用，不能担任角色。")
        return user


class MembershipEditForm(CleanForm):
    role = forms.ChoiceField(label="角色", choices=ROLE_CHOICES)
    covers_subunits = forms.BooleanField(label="含下级单位", required=False)


class ResetForm(CleanForm):
    mail = forms.BooleanField(label="邮件发送", required=False)
