"""The 通讯录: a whole organisation (units, people, roles) in one .xlsx, in and out.

One row is a person's role in a unit (单位 is a path, 区委/区住建局/质量站); a row with
only 单位 makes the unit. Reading validates everything and compares with the database
into a `Plan`; nothing is written until the plan is applied, all or nothing. Empty
cells never erase what the database holds, so the exported sheet imports as no change.

三员分立 splits the sheet between two administrators: the system administrator's
import makes units and accounts, the security administrator's import of the same
sheet grants the roles.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field

import xlsxwriter
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from python_calamine import CalamineWorkbook

from zhenggai.audit.services import record
from zhenggai.forms import clean_text
from zhenggai.safezip import UnsafeZip, check_zip, sheet_size
from zhenggai.xlsx import add_formats, put

from . import org
from .access import AUTHORISE, ORGANISE, access_for
from .models import Membership, Profile, Unit
from .passwords import one_time_hash, one_time_password

User = get_user_model()
Role = Membership.Role

COLUMNS = [
    ("单位", 40, "上下级用“/”分隔，如：明川区委/区住房和城乡建设局/区建设工程质量安全站"),
    ("姓名", 10, ""),
    ("账号", 14, "登录用，字母、数字和 @ . + - _"),
    ("角色", 12, "巡察办、单位领导、整改联络员、责任人、查阅人"),
    ("含下级单位", 10, "是 或 否（空即否）"),
    ("联系电话", 16, ""),
    ("电子邮箱", 24, ""),
    ("职务", 16, ""),
]
FIELDS = ["unit", "name", "username", "role", "covers", "phone", "email", "post"]
ALIASES = {
    "单位": "unit",
    "单位路径": "unit",
    "所在单位": "unit",
    "姓名": "name",
    "账号": "username",
    "登录名": "username",
    "用户名": "username",
    "角色": "role",
    "含下级单位": "covers",
    "含下级": "covers",
    "联系电话": "phone",
    "电话": "phone",
    "手机": "phone",
    "电子邮箱": "email",
    "邮箱": "email",
    "职务": "post",
}
ROLES = {**{label: value for value, label in Role.choices}, **{v: v for v in Role.values}}
YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"", "否", "n", "no", "false", "0", "×"}
PATH_SPLIT = re.compile(r"\s*[/／>＞\\]\s*")
USERNAME = re.compile(r"[\w.@+-]+")
MAX_ROWS = 5000
MAX_COLUMNS = 100
MAX_BYTES = 10 * 1024 * 1024


class DirectoryError(Exception):
    """A file that cannot be read at all; the message is Chinese and names it."""


# --- reading -------------------------------------------------------------------


def cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed as a number
    return clean_text("" if value is None else str(value))


def read_rows(data: bytes, filename: str) -> list[list]:
    """[line, unit, name, username, role, covers, phone, email, post] per data row."""
    if len(data) > MAX_BYTES:
        raise DirectoryError(f"文件“{filename}”超过 10 MB，通讯录不会这么大，请检查。")
    if not data.startswith(b"PK\x03\x04"):
        raise DirectoryError(f"“{filename}”不是 Excel 工作簿（.xlsx），请另存为 .xlsx 后再导入。")
    try:
        check_zip(data)
        check_reach(data, filename)
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except UnsafeZip as exc:
        raise DirectoryError(f"工作簿“{filename}”已拒绝：{exc}。") from None
    except DirectoryError:
        raise
    except Exception:  # zipfile's and calamine's own kinds for zip, XML and passwords
        raise DirectoryError(f"工作簿“{filename}”已损坏或设有密码，无法读取。") from None
    found = header(rows)
    if found is None:
        raise DirectoryError(
            f"工作簿“{filename}”第一张表的前 10 行中找不到表头：应有“单位”“姓名”“账号”“角色”等列，"
            "可下载模板对照。"
        )
    index, columns = found
    body = rows[index + 1 :]
    if len(body) > MAX_ROWS:
        raise DirectoryError(f"“{filename}”有 {len(body)} 行，一次最多导入 {MAX_ROWS} 行。")
    out = []
    for line, row in enumerate(body, start=index + 2):
        cells = [cell_text(row[columns[f]]) if columns.get(f) is not None else "" for f in FIELDS]
        if any(cells):
            out.append([line, *cells])
    return out


def check_reach(data: bytes, filename: str) -> None:
    """Refuse a sheet whose cells reach beyond a 通讯录's size before calamine lays out
    its grid: a single cell at XFD1048576 in a 2 KB file would ask for 512 GB."""
    rows, columns = MAX_ROWS + 10, MAX_COLUMNS
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in archive.infolist():
            if not entry.filename.endswith(".xml"):
                continue
            size = sheet_size(archive, entry, rows)
            if size.rows > rows or size.columns > columns:
                raise DirectoryError(
                    f"工作簿“{filename}”的“{entry.filename}”有 {size.rows} 行、"
                    f"{size.columns} 列，超过通讯录的上限（{MAX_ROWS} 行、{MAX_COLUMNS} 列），"
                    "请删除表格末尾多余的行列后再导入。"
                )


def header(rows: list[list]) -> tuple[int, dict] | None:
    """The header's row index and each field's column, in the first ten rows."""
    for index, row in enumerate(rows[:10]):
        columns = {ALIASES.get(cell_text(c).replace(" ", "")): i for i, c in enumerate(row)}
        if "unit" in columns and "username" in columns:
            return index, columns
    return None


# --- planning ------------------------------------------------------------------


@dataclass
class Plan:
    """What importing the rows would change, or the errors that stop it."""

    rows: int = 0
    errors: list[str] = field(default_factory=list)
    units: list[tuple[str, str | None, str]] = field(default_factory=list)  # name, parent, path
    new_people: dict[str, dict] = field(default_factory=dict)
    changed_people: dict[str, dict] = field(default_factory=dict)
    new_members: list[tuple[str, str, str, bool]] = field(default_factory=list)
    changed_members: list[tuple[str, str, str, bool]] = field(default_factory=list)
    people_names: dict[str, str] = field(default_factory=dict)

    def has_account_changes(self) -> bool:
        return bool(self.units or self.new_people or self.changed_people)

    def has_role_changes(self) -> bool:
        return bool(self.new_members or self.changed_members)

    def member_rows(self) -> list[dict]:
        """The roles to grant or adjust, as the preview lists them."""
        labels = dict(Role.choices)
        kinds = [(self.new_members, "新授予"), (self.changed_members, "调整“含下级单位”")]
        return [
            {
                "username": username,
                "name": self.people_names.get(username, ""),
                "unit": unit,
                "role": labels[role],
                "covers": covers,
                "kind": kind,
            }
            for members, kind in kinds
            for username, unit, role, covers in members
        ]


class Planner:
    """Reads the rows against the database; one instance per import."""

    def __init__(self, rows: list[list]):
        self.rows = rows
        self.plan = Plan(rows=len(rows))
        self.units = {u.name: u for u in Unit.objects.select_related("parent")}
        self.sheet_parent: dict[str, tuple[str | None, int]] = {}
        self.people: dict[str, dict] = {}
        self.seen: dict[tuple, int] = {}

    def error(self, line: int, text: str) -> None:
        self.plan.errors.append(f"第 {line} 行：{text}")

    def run(self) -> Plan:
        accounts = {r[3].lower() for r in self.rows if r[3]}
        # Accounts match whatever the case, as the log-in form does not tell them apart.
        users = User.objects.annotate(low=Lower("username")).filter(low__in=accounts)
        self.users = {u.username.lower(): u for u in users.select_related("profile")}
        self.members = {
            (m.user.username.lower(), m.unit.name, m.role): m
            for m in Membership.objects.filter(
                user__in=[u.pk for u in self.users.values()]
            ).select_related("user", "unit")
        }
        for line, unit, name, username, role, covers, phone, email, post in self.rows:
            path = self.unit_path(line, unit)
            if username or name or role:
                person = {"name": name, "phone": phone, "email": email, "post": post}
                self.person(line, path, username, person, role, covers)
        self.finish_people()
        return self.plan

    def unit_path(self, line: int, text: str) -> list[str]:
        names = [n for n in PATH_SPLIT.split(text) if n] if text else []
        if not names:
            self.error(line, "没有填写“单位”。")
            return []
        parent = None
        for name in names:
            if len(name) > 100:
                self.error(line, f"单位名称“{name[:20]}…”超过 100 个字。")
                return []
            self.place(line, name, parent, names)
            parent = name
        return names

    def place(self, line: int, name: str, parent: str | None, names: list[str]) -> None:
        where = "/".join(names)
        first = self.sheet_parent.setdefault(name, (parent, line))
        if first[0] != parent:
            above = first[0] or "（顶级）"
            self.error(line, f"单位“{name}”的上级与第 {first[1]} 行（“{above}”）不一致。")
            return
        unit = self.units.get(name)
        if unit is None:
            if first[1] == line and not any(u[0] == name for u in self.plan.units):
                self.plan.units.append((name, parent, where))
            return
        now = unit.parent.name if unit.parent_id else None
        if now != parent:
            self.error(
                line,
                f"单位“{name}”在系统中的上级是“{now or '（顶级）'}”，与表格“{where}”不一致；"
                "移动单位请在单位页面办理。",
            )

    def person(self, line, path, username, person, role, covers) -> None:
        if not username:
            self.error(line, f"“{person['name'] or role}”没有填写账号。")
            return
        if not USERNAME.fullmatch(username) or len(username) > 150:
            self.error(line, f"账号“{username}”只能由字母、数字和 @ . + - _ 组成（150 字以内）。")
            return
        key = username.lower()
        self.check_person(line, username, person)
        self.people.setdefault(key, {"line": line, "username": username, **person})
        earlier = self.people[key]
        for name, value in person.items():
            if value and earlier[name] and value != earlier[name]:
                self.error(
                    line,
                    f"账号“{username}”的{LABELS[name]}“{value}”与第 {earlier['line']} 行"
                    f"“{earlier[name]}”不一致。",
                )
            elif value and not earlier[name]:
                earlier[name] = value
        self.role(line, path, key, username, role, covers)

    def check_person(self, line, username, person) -> None:
        limits = {"name": 150, "phone": 50, "email": 254, "post": 100}
        for name, most in limits.items():
            if len(person[name]) > most:
                self.error(line, f"{LABELS[name]}超过 {most} 个字。")
        if person["email"]:
            try:
                validate_email(person["email"])
            except ValidationError:
                self.error(line, f"电子邮箱“{person['email']}”格式不正确。")

    def role(self, line, path, key, username, role, covers) -> None:
        value = ROLES.get(role) or ROLES.get(role.lower())
        if not value:
            choices = "、".join(Role.labels)
            self.error(line, f"角色“{role}”无效，应为{choices}之一。" if role else "没有填写角色。")
            return
        if covers.lower() not in YES | NO:
            self.error(line, f"“含下级单位”应填“是”或“否”，不是“{covers}”。")
            return
        if not path:
            return
        unit = path[-1]
        earlier = self.seen.setdefault((key, unit, value), line)
        if earlier != line:
            self.error(line, f"与第 {earlier} 行重复（同一账号、单位和角色）。")
            return
        covers_subunits = covers.lower() in YES
        member = self.members.get((key, unit, value))
        if member is None:
            self.plan.new_members.append((username, unit, value, covers_subunits))
        elif member.covers_subunits != covers_subunits:
            self.plan.changed_members.append((username, unit, value, covers_subunits))

    def finish_people(self) -> None:
        for key, person in self.people.items():
            user = self.users.get(key)
            self.plan.people_names[person["username"]] = person["name"]
            if user is None:
                if not person["name"]:
                    self.error(person["line"], f"新账号“{person['username']}”没有填写姓名。")
                self.plan.new_people[person["username"]] = person
                continue
            profile = getattr(user, "profile", None)
            if profile is not None and profile.duty:
                self.error(
                    person["line"],
                    f"账号“{user.username}”是{profile.get_duty_display()}，管理员账号不担任单位角色。",
                )
            now = current(user, profile)
            changes = {
                name: [now[name], person[name]]
                for name in LABELS
                if person[name] and person[name] != now[name]
            }
            if changes:
                self.plan.changed_people[user.username] = changes
            self.plan.people_names[person["username"]] = user.first_name or person["name"]
            granted = any(m[0].lower() == key for m in self.plan.new_members)
            if not user.is_active and granted:
                self.error(person["line"], f"账号“{user.username}”已停用，不能授予新的角色。")


LABELS = {"name": "姓名", "phone": "联系电话", "email": "电子邮箱", "post": "职务"}


def current(user, profile: Profile | None) -> dict:
    return {
        "name": user.first_name,
        "email": user.email,
        "phone": profile.phone if profile else "",
        "post": profile.post if profile else "",
    }


def plan_rows(rows: list[list]) -> Plan:
    return Planner(rows).run()


# --- writing -------------------------------------------------------------------


def export_rows():
    """The organisation as 通讯录 rows: each role of each person, then units without one."""
    members = Membership.objects.select_related("unit", "user__profile").order_by(
        "unit__path", "role", "user__username"
    )
    paths = unit_paths()
    used = set()
    for m in members:
        used.add(m.unit_id)
        profile = getattr(m.user, "profile", None)
        yield [
            paths[m.unit_id],
            m.user.first_name,
            m.user.username,
            m.get_role_display(),
            "是" if m.covers_subunits else "否",
            profile.phone if profile else "",
            m.user.email,
            profile.post if profile else "",
        ]
    for unit_id, path in paths.items():
        if unit_id not in used:
            yield [path, "", "", "", "", "", "", ""]


def unit_paths() -> dict[int, str]:
    """Each unit's id and its path of names, 区委/区住建局/质量站."""
    units = list(Unit.objects.order_by("path").values_list("pk", "name", "path"))
    names = {pk: name for pk, name, _p in units}
    return {
        pk: "/".join(names[int(part)] for part in path.strip("/").split("/"))
        for pk, _n, path in units
    }


def write_sheet(rows, *, example: bool = False) -> bytes:
    """The 通讯录 workbook: the header, the rows, and a sheet of instructions."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "tmpdir": tempfile.gettempdir()})
    fmt = add_formats(
        book,
        {
            "head": {"bold": True, "bg_color": "#D9E1F2", "border": 1},
            "text": {"border": 1, "num_format": "@"},
            "note": {},
        },
    )
    sheet = book.add_worksheet("通讯录")
    for col, (title, width, _note) in enumerate(COLUMNS):
        put(sheet, 0, col, title, fmt, style="head")
        sheet.set_column(col, col, width, fmt["text"])
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            put(sheet, r, col, str(value or ""), fmt, style="text")
    notes = book.add_worksheet("填写说明")
    notes.set_column(0, 0, 14)
    notes.set_column(1, 1, 80)
    for r, (title, _w, note) in enumerate(COLUMNS):
        put(notes, r, 0, title, fmt, style="head")
        put(notes, r, 1, note, fmt, style="note")
    tail = len(COLUMNS) + 1
    for r, line in enumerate(HOW_TO, start=tail):
        put(notes, r, 1, line, fmt, style="note")
    book.close()
    return out.getvalue()


HOW_TO = [
    "每行是一个人在一个单位担任的一个角色；一人多个角色写多行，姓名等资料可只写在第一行。",
    "只填“单位”的行只建立单位；路径中缺少的上级单位会一并建立。",
    "同一表格可以反复导入：已有的单位、账号和角色不会重复建立，空白单元格不会清除已有资料。",
    "导入不会删除单位、停用账号或撤销角色；这些请在单位和用户页面办理。",
    "三员分立：系统管理员导入时建立单位和账号，安全管理员再导入同一表格时授予角色。",
    "新账号的一次性密码在导入后显示一次（或发送到邮箱），本人首次登录须修改。",
]
EXAMPLE = [
    ["明川区委", "", "", "", "", "", "", ""],
    ["明川区委/区委巡察办", "周明", "zhouming", "巡察办", "是", "0571-88001001", "", "副主任"],
    ["明川区委/区文化和旅游局", "陈立", "chenli", "单位领导", "否", "", "", "党组书记"],
    ["明川区委/区文化和旅游局", "林芳", "linfang", "整改联络员", "否", "", "", "办公室主任"],
]


# --- applying ------------------------------------------------------------------


class ImportRefused(Exception):
    """The plan has errors: nothing was written."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Result:
    """What one import changed, and the one-time passwords to show once."""

    counts: dict[str, int] = field(default_factory=dict)
    passwords: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1


def part_errors(plan: Plan, *, organise: bool) -> list[str]:
    """What stops this administrator's part: roles need the units and accounts first."""
    if organise:
        return []
    missing = [f"单位“{name}”" for name, _p, _w in plan.units]
    missing += [f"账号“{name}”" for name in plan.new_people]
    if not missing:
        return []
    shown = "、".join(missing[:10]) + (f"等 {len(missing)} 项" if len(missing) > 10 else "")
    return [f"{shown}尚未建立：请先由系统管理员导入本表，再由安全管理员导入以授予角色。"]


@transaction.atomic
def import_directory(rows: list[list], *, actor, filename: str, mail: bool = False) -> Result:
    """Apply the actor's part of the 通讯录, all or nothing, audited object by object."""
    access = access_for(actor)
    organise, authorise = access.anywhere(ORGANISE), access.anywhere(AUTHORISE)
    if not (organise or authorise):
        raise PermissionDenied
    # Planned again inside the transaction: the preview may be minutes old.
    plan = plan_rows(rows)
    errors = plan.errors + part_errors(plan, organise=organise)
    if errors:
        raise ImportRefused(errors)
    result, via = Result(), f"通讯录导入：{filename}"
    if organise:
        _make_units(plan, actor, via, result)
        _make_people(plan, actor, via, result, mail=mail and org.mail_ready())
    if authorise:
        _grant_roles(plan, actor, via, result)
    return result


def _make_units(plan: Plan, actor, via: str, result: Result) -> None:
    units = {u.name: u for u in Unit.objects.all()}
    for name, parent, _where in plan.units:
        unit = Unit.objects.create(name=name, parent=units[parent] if parent else None)
        units[name] = unit
        record(
            "unit.created", unit, actor=actor, unit_id=unit.pk, name=name, parent=parent, via=via
        )
        result.add("units")


def _make_people(plan: Plan, actor, via: str, result: Result, *, mail: bool) -> None:
    # In bulk: a district's 400 accounts in a few queries, then one audit event each.
    people = plan.new_people
    passwords = {username: one_time_password() for username in people}
    users = User.objects.bulk_create(
        User(
            username=username,
            first_name=person["name"],
            email=person["email"],
            password=one_time_hash(passwords[username]),
        )
        for username, person in people.items()
    )
    Profile.objects.bulk_create(
        Profile(
            user=user,
            phone=people[user.username]["phone"],
            post=people[user.username]["post"],
            must_change_password=True,
        )
        for user in users
    )
    for user in users:
        sent = mail and org.mailed(user, passwords[user.username])
        if not sent:
            result.passwords.append((user.username, user.first_name, passwords[user.username]))
        record("user.created", user, actor=actor, username=user.username, via=via, mailed=sent)
        result.add("people")
    users = User.objects.filter(username__in=plan.changed_people).select_related("profile")
    for user in users:
        changes = plan.changed_people[user.username]
        new = {name: values[1] for name, values in changes.items()}
        user.first_name, user.email = new.get("name", user.first_name), new.get("email", user.email)
        user.save(update_fields=["first_name", "email"])
        profile = org.profile_of(user)
        profile.phone, profile.post = new.get("phone", profile.phone), new.get("post", profile.post)
        profile.save()
        record("user.updated", user, actor=actor, changes=changes, via=via)
        result.add("updated")


def _grant_roles(plan: Plan, actor, via: str, result: Result) -> None:
    names = {m[0].lower() for m in plan.new_members + plan.changed_members}
    users = {
        u.username.lower(): u
        for u in User.objects.annotate(low=Lower("username")).filter(low__in=names)
    }
    units = {u.name: u for u in Unit.objects.filter(name__in={m[1] for m in plan.new_members})}
    added = Membership.objects.bulk_create(
        Membership(user=users[name.lower()], unit=units[unit], role=role, covers_subunits=covers)
        for name, unit, role, covers in plan.new_members
    )
    for membership in added:
        org.membership_event("membership.added", membership, actor=actor, via=via)
        result.add("roles")
    for username, unit, role, covers in plan.changed_members:
        membership = Membership.objects.get(
            user=users[username.lower()], unit__name=unit, role=role
        )
        membership.covers_subunits = covers
        membership.save(update_fields=["covers_subunits"])
        before = [role, not covers]
        org.membership_event("membership.changed", membership, actor=actor, before=before, via=via)
        result.add("changed_roles")
