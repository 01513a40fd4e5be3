"""The 通讯录: an organisation of 60 units and 400 people from one spreadsheet, row
errors in the preview, all or nothing, idempotent re-import, template and export."""

import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhenggai.accounts import directory
from zhenggai.accounts.models import Membership, Unit
from zhenggai.audit.models import Event

pytestmark = pytest.mark.django_db
User = get_user_model()
ROOT = "临川区委"


def district_rows(bureaus: int = 15, people: int = 400) -> list[list[str]]:
    """A fictional district: 临川区委 and `bureaus` bureaus with three offices each (60
    units by default); a leader and an editor in each of them, then owners and viewers
    up to `people`; ten leaders also read the root unit (a second role, a second row)."""
    units = []
    for b in range(bureaus):
        bureau = f"{ROOT}/临川区第{b + 1}局"
        units += [bureau, *(f"{bureau}/第{b + 1}局第{k + 1}科" for k in range(3))]
    units = units[:59]
    roles = ["单位领导", "整改联络员"] + ["责任人", "责任人", "查阅人"] * people
    rows = [[ROOT, "", "", "", "", "", "", ""]]
    slots = ((unit, role) for role in roles for unit in units)
    for n, (unit, role) in zip(range(people), slots, strict=False):
        rows.append(person_row(unit, n, role))
    rows += [[ROOT, "", row[2], "查阅人", "否", "", "", ""] for row in rows[1:11]]
    return rows


def person_row(unit: str, n: int, role: str) -> list[str]:
    covers = "是" if role == "单位领导" and unit.count("/") == 1 else "否"
    return [
        unit,
        f"人员{n:03d}",
        f"p{n:03d}",
        role,
        covers,
        f"0571-8{n:07d}",
        f"p{n:03d}@example.gov.cn" if n % 2 else "",
        ["科员", "科长", "副局长"][n % 3],
    ]


def upload(client, rows, name="通讯录.xlsx"):
    data = directory.write_sheet(rows)
    file = SimpleUploadedFile(name, data)
    return client.post(reverse("accounts:directory-import"), {"file": file})


def import_as(client, rows):
    """Upload, preview, confirm; the preview page and the final response."""
    response = upload(client, rows)
    assert response.status_code == 302, response.content.decode()[:2000]
    preview = client.get(response.url)
    done = client.post(response.url, follow=True)
    return preview, done


def test_it_builds_an_organisation_of_60_units_and_400_people_from_one_sheet(login, cast):
    rows = district_rows()
    units_before, users_before = Unit.objects.count(), User.objects.count()
    # The system administrator's part: units and accounts.
    preview, done = import_as(login("simon"), rows)
    text = preview.content.decode()
    assert "新建单位 60 个，新建账号 400 个" in text and "待安全管理员授予的角色（410）" in text
    assert Unit.objects.count() == units_before + 60
    assert User.objects.count() == users_before + 400
    passwords = re.findall(r"<td>(p\d{3})</td><td><code>([^<]+)</code>", done.content.decode())
    assert len(passwords) == 400 and "只显示这一次" in done.content.decode()
    assert not Membership.objects.filter(user__username__startswith="p").exists()
    # The security administrator's part of the same sheet: the roles.
    preview, done = import_as(login("sara"), rows)
    assert "授予的角色（410）" in preview.content.decode()
    assert Membership.objects.filter(user__username__startswith="p").count() == 410
    bureau = Unit.objects.get(name="临川区第1局")
    assert bureau.parent.name == ROOT and bureau.children.count() == 3
    leader = Membership.objects.get(user__username="p000", unit=bureau)
    assert (leader.unit, leader.role, leader.covers_subunits) == (bureau, "leader", True)
    assert User.objects.get(username="p001").profile.post == "科长"
    counts = {
        act: Event.objects.filter(act=act).count() for act in ("unit.created", "user.created")
    }
    assert counts == {"unit.created": 60, "user.created": 400}
    assert Event.objects.filter(act="membership.added").count() == 410
    # A new person logs in with the password shown once and must change it.
    username, password = passwords[5]
    client = login(None)
    assert client.login(username=username, password=password)
    assert client.get(reverse("ledger:home")).url == reverse("accounts:password-change")
    # Re-importing the same sheet, or the export, changes nothing for either of them.
    events = Event.objects.count()
    for admin in ("simon", "sara"):
        preview, done = import_as(login(admin), rows)
        assert "表格与系统中的数据一致" in preview.content.decode()
        assert "没有需要导入的变更" in done.content.decode()
    exported = login("olivia").get(reverse("accounts:directory-export"))
    again = directory.read_rows(exported.content, "通讯录.xlsx")
    plan = directory.plan_rows(again)
    assert not plan.errors and not plan.has_account_changes() and not plan.has_role_changes()
    assert Event.objects.count() == events


ERRORS = [
    (["甲单位", "某人", "", "责任人", "", "", "", ""], "第 2 行：“某人”没有填写账号。"),
    (["甲单位", "某人", "mou ren", "责任人", "", "", "", ""], "账号“mou ren”只能由字母"),
    (["甲单位", "某人", "mouren", "组长", "", "", "", ""], "角色“组长”无效"),
    (["甲单位", "某人", "mouren", "", "", "", "", ""], "第 2 行：没有填写角色。"),
    (["甲单位", "某人", "mouren", "责任人", "也许", "", "", ""], "“含下级单位”应填“是”或“否”"),
    (["甲单位", "某人", "mouren", "责任人", "", "", "mouren@", ""], "电子邮箱“mouren@”格式不正确"),
    (["甲单位", "", "mouren", "责任人", "", "", "", ""], "新账号“mouren”没有填写姓名"),
    (["", "某人", "mouren", "责任人", "", "", "", ""], "第 2 行：没有填写“单位”。"),
    (
        ["乙单位/甲单位下属站", "", "", "", "", "", "", ""],
        "单位“甲单位下属站”在系统中的上级是“甲单位”",
    ),
    (["甲单位", "某人", "simon", "查阅人", "", "", "", ""], "账号“simon”是系统管理员"),
]


@pytest.mark.parametrize("row,message", ERRORS)
def test_a_bad_row_is_named_and_nothing_is_imported(login, cast, row, message):
    client = login("simon")
    good = ["甲单位/新科室", "新人", "xinren", "查阅人", "否", "", "", ""]
    response = upload(client, [good, row])
    preview = client.get(response.url).content.decode()
    assert message.replace("第 2 行", "第 3 行") in preview and "一项也未导入" in preview
    before = (Unit.objects.count(), User.objects.count(), Event.objects.count())
    refused = client.post(response.url).content.decode()
    assert "一项也未导入" in refused
    assert (Unit.objects.count(), User.objects.count(), Event.objects.count()) == before


def test_rows_that_disagree_with_each_other_are_named(login, cast):
    rows = [
        ["甲单位/新科室", "新人", "xinren", "查阅人", "", "", "", ""],
        ["乙单位/新科室", "", "", "", "", "", "", ""],
        ["甲单位", "另一人", "XinRen", "责任人", "", "", "", ""],
        ["甲单位/新科室", "新人", "xinren", "查阅人", "", "", "", ""],
    ]
    plan = directory.plan_rows([[n + 2, *row] for n, row in enumerate(rows)])
    assert plan.errors == [
        "第 3 行：单位“新科室”的上级与第 2 行（“甲单位”）不一致。",
        "第 4 行：账号“XinRen”的姓名“另一人”与第 2 行“新人”不一致。",
        "第 5 行：与第 2 行重复（同一账号、单位和角色）。",
    ]


def test_roles_wait_for_the_units_and_accounts(login, cast):
    client = login("sara")
    response = upload(client, [["甲单位/新科室", "新人", "xinren", "查阅人", "", "", "", ""]])
    preview = client.get(response.url).content.decode()
    assert "单位“新科室”、账号“xinren”尚未建立：请先由系统管理员导入本表" in preview
    client.post(response.url)
    assert not Unit.objects.filter(name="新科室").exists() and not Event.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(login, cast):
    client = login("simon")
    file = SimpleUploadedFile("通讯录.xlsx", b"name,account\n")
    response = client.post(reverse("accounts:directory-import"), {"file": file})
    assert "“通讯录.xlsx”不是 Excel 工作簿（.xlsx）" in response.content.decode()


def test_a_cell_at_the_far_end_of_the_grid_is_refused_before_it_is_laid_out(login, cast):
    """1.7 KB with one cell at XFD1048576: read as it was, calamine would have asked for
    512 GB and taken the server with it."""
    from tests.ledger.test_bounded_imports import FAR_CELL

    with pytest.raises(directory.DirectoryError, match="1048576 行、16384 列，超过通讯录的上限"):
        directory.read_rows(FAR_CELL, "通讯录.xlsx")
    client = login("simon")
    file = SimpleUploadedFile("通讯录.xlsx", FAR_CELL)
    response = client.post(reverse("accounts:directory-import"), {"file": file})
    assert "“通讯录.xlsx”的“xl/worksheets/sheet1.xml”有 1048576 行" in response.content.decode()


def test_an_empty_cell_never_erases_and_a_new_value_updates(login, cast):
    rows = [["甲单位", "", "bob", "查阅人", "否", "", "", "科员"]]
    import_as(login("simon"), rows)
    assert User.objects.get(username="bob").profile.post == "科员"
    rows = [["甲单位", "鲍勃", "bob", "查阅人", "否", "", "", ""]]
    preview, _done = import_as(login("simon"), rows)
    assert "姓名：（空） → 鲍勃" in preview.content.decode()
    bob = User.objects.get(username="bob")
    assert (bob.first_name, bob.profile.post) == ("鲍勃", "科员")


def test_the_template_and_the_export_are_the_same_sheet(login, cast):
    client = login("simon")
    template = client.get(reverse("accounts:directory-template"))
    assert "attachment" in template.headers["Content-Disposition"]
    rows = directory.read_rows(template.content, "模板.xlsx")
    assert [row[1:] for row in rows] == directory.EXAMPLE
    User.objects.filter(username="bob").update(first_name="=HYPERLINK(1)")
    export = client.get(reverse("accounts:directory-export"))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content))["通讯录"]
    assert [c.value for c in sheet[1]] == [title for title, _w, _n in directory.COLUMNS]
    bob = next(row for row in sheet.iter_rows(min_row=2) if row[2].value == "bob")
    assert bob[1].value == "=HYPERLINK(1)" and bob[1].data_type == "s" and bob[1].quotePrefix
    # Empty cells are blank (the one writer, zhenggai.xlsx.put), not empty strings.
    assert [c.value for c in bob] == [
        "甲单位",
        "=HYPERLINK(1)",
        "bob",
        "查阅人",
        "否",
        None,
        None,
        None,
    ]


def test_an_import_can_mail_the_one_time_passwords(login, cast, settings):
    from django.core import mail

    settings.PASSWORD_BY_MAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    rows = [
        ["甲单位", "有邮箱", "youxiang", "查阅人", "否", "", "you@example.gov.cn", ""],
        ["甲单位", "无邮箱", "wuxiang", "查阅人", "否", "", "", ""],
    ]
    client = login("simon")
    response = upload(client, rows)
    assert "把一次性密码发到各人的电子邮箱" in client.get(response.url).content.decode()
    page = client.post(response.url, {"mail": "1"}, follow=True).content.decode()
    (message,) = mail.outbox
    assert message.to == ["you@example.gov.cn"] and "youxiang" in message.body
    assert "<td>wuxiang</td>" in page and "<td>youxiang</td>" not in page
    sent = Event.objects.get(act="user.created", data__username="youxiang")
    assert sent.data["mailed"] is True
