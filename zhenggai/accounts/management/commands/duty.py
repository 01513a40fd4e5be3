"""`zhenggai manage duty`: set up the three administrators (三员) from the server.

The pages never grant, change or reset an administrator's account: whoever runs this
command has the server, and the audit log records each grant with no acting user.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zhenggai.accounts import org
from zhenggai.accounts.models import Profile
from zhenggai.audit.services import record

Duty = Profile.Duty


class Command(BaseCommand):
    help = (
        "设立或撤销管理员（三员）：duty 账号 sysadmin|secadmin|auditor|none；"
        "账号不存在时新建并显示一次性密码。--list 列出现有管理员。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("duty", nargs="?", choices=[*Duty.values, "none"])
        parser.add_argument("--name", default="", help="新账号的姓名")
        parser.add_argument("--email", default="")
        parser.add_argument("--list", dest="listing", action="store_true", help="列出现有管理员")

    def handle(self, username, duty, name, email, listing, **options):
        if listing:
            return self.show()
        if not username or not duty:
            raise CommandError("用法：zhenggai manage duty 账号 sysadmin|secadmin|auditor|none")
        try:
            with transaction.atomic():
                self.apply(username, duty, name, email)
        except org.OrgError as error:
            raise CommandError(error.message) from None

    def apply(self, username, duty, name, email) -> None:
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if duty == "none":
            if user is None:
                raise CommandError(f"没有账号“{username}”。")
            org.revoke_duty(user)
            self.stdout.write(f"已撤销“{username}”的管理员职责。")
            return
        password = None
        if user is None:
            user = User.objects.create_user(username, first_name=name, email=email)
            user.set_unusable_password()
            user.save()
            password = org.issue_password(user, mail=False)
            record("user.created", user, actor=None, username=username, via="命令行")
        org.grant_duty(user, duty)
        self.stdout.write(f"“{username}”现为{Duty(duty).label}。")
        if password:
            self.stdout.write(f"一次性密码（只显示这一次，首次登录须修改）：{password}")

    def show(self) -> None:
        rows = Profile.objects.exclude(duty="").select_related("user").order_by("duty")
        for profile in rows:
            user = profile.user
            state = "" if user.is_active else "（已停用）"
            self.stdout.write(
                f"{profile.get_duty_display()}\t{user.username}\t{user.first_name}{state}"
            )
        if not rows:
            self.stdout.write("尚未设立管理员。")
