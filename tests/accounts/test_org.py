"""The organisation pages: units, people, memberships, one-time passwords, in the app."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD, make_ledger
from zhenggai.accounts.access import REGISTER, access_for, units_for
from zhenggai.accounts.models import Membership, Profile, Unit
from zhenggai.audit.models import Event

pytestmark = pytest.mark.django_db
User = get_user_model()


def acts() -> list[str]:
    return list(Event.objects.order_by("id").values_list("act", flat=True))


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --- units -------------------------------------------------------------------------


def test_the_system_administrator_builds_and_moves_the_unit_tree(login, units, cast):
    client = login("simon")
    body = {"name": "甲单位办公室", "parent": units["A1"].pk, "full_name": "", "email": ""}
    response = client.post(reverse("accounts:unit-add"), body)
    office = Unit.objects.get(name="甲单位办公室")
    assert response.url == reverse("accounts:unit-detail", args=[office.pk])
    assert office.path == f"{units['A1'].path}{office.pk}/"
    # Moving A1 under B takes its sub-unit along; renamed in the same act.
    edit = reverse("accounts:unit-edit", args=[units["A1"].pk])
    client.post(edit, {"name": "乙单位下属站", "parent": units["B"].pk})
    moved = Unit.objects.get(pk=units["A1"].pk)
    assert (moved.name, moved.parent) == ("乙单位下属站", units["B"])
    assert Unit.objects.get(pk=office.pk).path.startswith(units["B"].path)
    event = Event.objects.get(act="unit.updated")
    assert event.data["changes"] == {
        "name": ["甲单位下属站", "乙单位下属站"],
        "parent": ["甲单位", "乙单位"],
    }
    assert acts() == ["unit.created", "unit.updated"]


def test_a_unit_cannot_move_under_itself(login, units, cast):
    client = login("simon")
    edit = reverse("accounts:unit-edit", args=[units["A"].pk])
    response = client.post(edit, {"name": "甲单位", "parent": units["A1"].pk})
    assert response.status_code == 200
    # The form offers no unit of A's own subtree; a forged choice is refused.
    assert "error-summary" in response.content.decode()
    assert Unit.objects.get(pk=units["A"].pk).parent is None and not Event.objects.exists()


def test_a_disabled_unit_keeps_its_ledger_and_takes_no_new_inspection(login, units, cast):
    ledger = make_ledger(units["A1"], categories=1, problems=1, measures=1)
    client = login("simon")
    refused = client.post(
        reverse("accounts:unit-active", args=[units["A"].pk]), {"active": "0"}, follow=True
    )
    assert "还有启用中的下级单位（甲单位下属站）" in messages_of(refused)
    client.post(reverse("accounts:unit-active", args=[units["A1"].pk]), {"active": "0"})
    a1 = Unit.objects.get(pk=units["A1"].pk)
    assert not a1.active and acts() == ["unit.disabled"]
    carol = cast["carol"]
    assert access_for(carol).can_read(a1) and not access_for(carol).may(REGISTER, a1)
    assert a1 not in units_for(carol, REGISTER)
    carol_client = login("carol")
    detail = reverse("ledger:inspection-detail", args=[ledger.pk])
    assert carol_client.get(detail).status_code == 200
    # A1 was carol's only unit to register inspections in.
    assert carol_client.get(reverse("ledger:inspection-add")).status_code == 403


def test_the_unit_page_lists_its_people_and_roles(login, units, cast):
    Profile.objects.create(user=cast["bob"], post="科员", phone="0571-1")
    page = login("olivia").get(reverse("accounts:unit-detail", args=[units["A"].pk]))
    text = page.content.decode()
    assert "人员与角色（4）" in text and "科员" in text and "0571-1" in text
    assert "整改联络员" in text and "单位领导" in text
    # The office reads; only the security administrator changes roles.
    assert reverse("accounts:membership-add", args=[units["A"].pk]) not in text
    sub = login("sara").get(reverse("accounts:unit-detail", args=[units["A1"].pk]))
    assert "上级单位中含下级单位的角色也适用于本单位" in sub.content.decode()


# --- memberships -------------------------------------------------------------------


def test_the_security_administrator_grants_changes_and_withdraws_a_role(
    login, units, cast, ledger_a
):
    client = login("sara")
    add = reverse("accounts:membership-add", args=[units["A"].pk])
    client.post(add, {"username": "dave", "role": "viewer"})
    membership = Membership.objects.get(user=cast["dave"], unit=units["A"])
    detail = reverse("ledger:inspection-detail", args=[ledger_a.pk])
    dave = login("dave")
    assert dave.get(detail).status_code == 200
    client = login("sara")
    edit = reverse("accounts:membership-edit", args=[membership.pk])
    client.post(edit, {"role": "viewer", "covers_subunits": "on"})
    assert Membership.objects.get(pk=membership.pk).covers_subunits
    client.post(reverse("accounts:membership-delete", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert login("dave").get(detail).status_code == 404
    assert acts() == ["membership.added", "membership.changed", "membership.removed"]
    added = Event.objects.get(act="membership.added")
    assert added.unit_id == units["A"].pk and added.data["user"] == "dave"


@pytest.mark.parametrize(
    "username,message",
    [
        ("simon", "管理员账号不担任单位角色（三员分立）"),
        ("nobody", "没有账号“nobody”"),
        ("alice", "已是“甲单位”的整改联络员"),
    ],
)
def test_a_refused_role_names_why_and_changes_nothing(login, units, cast, username, message):
    client = login("sara")
    add = reverse("accounts:membership-add", args=[units["A"].pk])
    response = client.post(add, {"username": username, "role": "editor"})
    assert response.status_code == 200 and message in response.content.decode()
    assert Membership.objects.count() == 7 and not Event.objects.exists()


# --- people ------------------------------------------------------------------------


def test_a_new_user_gets_a_one_time_password_shown_once(login, cast, client):
    admin = login("simon")
    form = admin.get(reverse("accounts:user-add")).content.decode()
    assert "姓名" in form and "姓氏" not in form and "名字" not in form
    body = {"username": "wangli", "name": "王丽", "phone": "13800000000", "post": "科员"}
    response = admin.post(reverse("accounts:user-add"), body, follow=True)
    page = response.content.decode()
    password = re.search(r"<code>([^<]+)</code>", page).group(1)
    assert "只显示这一次" in page and "wangli" in page
    again = admin.get(reverse("accounts:one-time")).content.decode()
    assert password not in again and "没有待显示的一次性密码" in again
    user = User.objects.get(username="wangli")
    assert (user.first_name, user.profile.post, user.profile.phone) == (
        "王丽",
        "科员",
        "13800000000",
    )
    admin.logout()
    assert client.login(username="wangli", password=password)
    assert client.get(reverse("ledger:home")).url == reverse("accounts:password-change")
    event = Event.objects.get(act="user.created")
    assert event.actor == cast["simon"] and password not in str(event.data)


def test_a_one_time_password_goes_by_mail_when_mail_is_set_up(login, cast, settings):
    settings.PASSWORD_BY_MAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    body = {"username": "wangli", "name": "王丽", "email": "wangli@example.gov.cn", "mail": "on"}
    response = login("simon").post(reverse("accounts:user-add"), body, follow=True)
    (message,) = mail.outbox
    assert message.to == ["wangli@example.gov.cn"] and "wangli" in message.body
    password = re.search(r"一次性密码为 (\S+)", message.body).group(1)
    assert password not in response.content.decode()
    assert "一次性密码已发送到 wangli@example.gov.cn" in response.content.decode()


def test_the_office_resets_a_password_and_it_is_audited(login, cast):
    response = login("olivia").post(reverse("accounts:user-reset", args=[cast["bob"].pk]))
    assert response.url == reverse("accounts:one-time")
    assert not User.objects.get(pk=cast["bob"].pk).check_password(PASSWORD)
    event = Event.objects.get(act="account.password_reset")
    assert (event.actor, event.object_id) == (cast["olivia"], str(cast["bob"].pk))


@pytest.mark.parametrize("admin", ["simon", "sara", "audrey"])
def test_no_page_touches_an_administrators_account(login, cast, admin):
    target = cast[admin]
    kept = ("password", "first_name", "is_active", "email")
    before = User.objects.filter(pk=target.pk).values(*kept).get()
    login("olivia").post(reverse("accounts:user-reset", args=[target.pk]))
    login("sara").post(reverse("accounts:user-reset", args=[target.pk]))
    simon = login("simon")
    simon.post(reverse("accounts:user-active", args=[target.pk]), {"active": "0"})
    simon.post(reverse("accounts:user-edit", args=[target.pk]), {"name": "改名"})
    assert User.objects.filter(pk=target.pk).values(*kept).get() == before
    assert not Event.objects.exists()


def test_deactivating_keeps_everything_and_points_to_the_handover(login, cast, ledger_a):
    owen = cast["owen"]
    owned = ledger_a.problems.filter(measures__owner_user=owen).count()
    simon = login("simon")
    response = simon.post(
        reverse("accounts:user-active", args=[owen.pk]), {"active": "0"}, follow=True
    )
    assert "没有转给任何人" in messages_of(response)
    owen.refresh_from_db()
    assert not owen.is_active and owen.memberships.count() == 1
    assert ledger_a.problems.filter(measures__owner_user=owen).count() == owned
    page = response.content.decode()
    assert "停用账号不移交任何职责" in page and "?from=" not in page  # not the ledger's
    office = login("olivia").get(reverse("accounts:user-detail", args=[owen.pk]))
    assert f"{reverse('ledger:handover-add')}?from={owen.pk}" in office.content.decode()
    assert not login(None).login(username="owen", password=PASSWORD)


def test_the_user_list_searches_and_pages_in_a_fixed_number_of_queries(
    login, cast, django_assert_max_num_queries
):
    client = login("olivia")
    url = reverse("accounts:user-list")
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    User.objects.bulk_create(User(username=f"u{n}", first_name=f"人员{n}") for n in range(60))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url + "?q=人员1")
    assert page.context["page"].paginator.count == 11  # 人员1, 人员10…人员19
