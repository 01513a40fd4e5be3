"""Every oversight page for every member of the cast: allowed, 403, 404, log-in."""

import pytest
from django.urls import reverse

from tests.conftest import EDIT_A, READ_A
from tests.oversight.conftest import specific

pytestmark = pytest.mark.django_db

CAST = ["alice", "bob", "carol", "dave", "owen", "lena", "olivia", None]
OFFICE = {name: 403 for name in CAST} | {"olivia": 200, None: 302}
DASHBOARD = OFFICE | {"lena": 200}
REVIEW = {
    "olivia": 302,
    "alice": 403,
    "bob": 403,
    "owen": 403,
    "lena": 403,
    "carol": 404,
    "dave": 404,
    None: 302,
}
REPLY = {
    "alice": 302,
    "lena": 302,
    "bob": 403,
    "owen": 403,
    "olivia": 403,
    "carol": 404,
    "dave": 404,
    None: 302,
}


@pytest.mark.parametrize("user,status", DASHBOARD.items())
def test_it_shows_the_dashboard_to_the_office_and_leaders(login, ledger_a, user, status):
    assert login(user).get(reverse("oversight:dashboard")).status_code == status


@pytest.mark.parametrize("user,status", OFFICE.items())
@pytest.mark.parametrize(
    "name",
    [
        "oversight:order-add",
        "oversight:statistics",
        "oversight:statement-text",
        "oversight:statement-docx",
        "oversight:indicator-list",
    ],
)
def test_it_keeps_office_pages_for_the_office(login, ledger_a, user, status, name):
    assert login(user).get(reverse(name)).status_code == status


@pytest.mark.parametrize("user,status", READ_A.items())
def test_it_lets_readers_of_the_unit_see_its_sign_offs(login, ledger_a, user, status):
    url = reverse("oversight:signoff-list", args=[ledger_a.pk])
    assert login(user).get(url).status_code == status


@pytest.mark.parametrize("user,status", EDIT_A.items())
def test_it_lets_only_editors_open_the_application(login, ledger_a, user, status):
    url = reverse("oversight:signoff-apply", args=[specific(ledger_a).pk])
    assert login(user).get(url).status_code == status


@pytest.mark.parametrize("user,status", READ_A.items())
def test_it_lets_readers_of_the_unit_see_an_application(login, applied, user, status):
    url = reverse("oversight:signoff-detail", args=[applied.pk])
    assert login(user).get(url).status_code == status


@pytest.mark.parametrize("user,status", REVIEW.items())
@pytest.mark.parametrize(
    "name,data",
    [("oversight:signoff-approve", {}), ("oversight:signoff-return", {"reason": "材料不全"})],
)
def test_it_lets_only_the_office_review(login, applied, user, status, name, data):
    response = login(user).post(reverse(name, args=[applied.pk]), data)
    assert response.status_code == status
    applied.refresh_from_db()
    assert (applied.status != "applied") == (user == "olivia")


@pytest.mark.parametrize("user,status", {**REVIEW, "alice": 302}.items())
def test_it_lets_only_the_office_correct_and_the_editor_ask(login, approved, user, status):
    url = reverse("oversight:signoff-correct", args=[approved.pk])
    assert login(user).post(url, {"note": "补充佐证材料"}).status_code == status
    made = set(approved.corrections.values_list("status", flat=True))
    assert made == {"olivia": {"correction"}, "alice": {"corr_asked"}}.get(user, set())


@pytest.mark.parametrize("user", CAST)
def test_it_lists_only_the_orders_of_visible_units(login, order_a, user):
    response = login(user).get(reverse("oversight:order-list"))
    if user is None:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert (order_a.doc_number in response.content.decode()) == (READ_A[user] == 200)


@pytest.mark.parametrize("user,status", READ_A.items())
@pytest.mark.parametrize("name", ["oversight:order-detail", "oversight:order-docx"])
def test_it_lets_readers_of_the_unit_see_its_orders(login, order_a, user, status, name):
    assert login(user).get(reverse(name, args=[order_a.pk])).status_code == status


@pytest.mark.parametrize("user,status", REPLY.items())
def test_it_lets_only_the_units_editor_or_leader_reply(login, order_a, user, status):
    url = reverse("oversight:order-reply", args=[order_a.pk])
    assert login(user).post(url, {"text": "已整改完毕"}).status_code == status
    order_a.refresh_from_db()
    assert bool(order_a.replied_at) == (status == 302 and user is not None)


@pytest.mark.parametrize(
    "name,arg",
    [
        ("oversight:signoff-approve", "applied"),
        ("oversight:signoff-return", "applied"),
        ("oversight:order-reply", "order_a"),
        ("oversight:indicator-apply", None),
    ],
)
def test_it_refuses_get_on_post_only_urls(login, request, name, arg):
    obj = request.getfixturevalue(arg) if arg else None
    request.getfixturevalue("cast")
    url = reverse(name, args=[obj.pk] if obj else [])
    assert login("olivia").get(url).status_code == 405


@pytest.mark.parametrize("user,status", {**OFFICE, "olivia": 302}.items())
def test_it_lets_only_the_office_reapply_indicator_rules(login, cast, user, status):
    assert login(user).post(reverse("oversight:indicator-apply")).status_code == status


def test_it_shows_the_oversight_link_to_the_office_and_leaders(login, ledger_a):
    for user, shown in [("olivia", True), ("lena", True), ("alice", False), ("bob", False)]:
        page = login(user).get(reverse("ledger:home")).content.decode()
        assert (f'href="{reverse("oversight:dashboard")}"' in page) == shown
