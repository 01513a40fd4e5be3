import pytest
from django.utils import timezone

from zhenggai.demo import PASSWORD, USERS, load_demo
from zhenggai.ledger.models import Inspection, Measure, Problem

pytestmark = pytest.mark.django_db


def test_it_loads_the_demo_once_with_every_status(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    logins = load_demo()
    counts = (Inspection.objects.count(), Problem.objects.count(), Measure.objects.count())
    assert load_demo() == logins
    assert (Inspection.objects.count(), Problem.objects.count(), Measure.objects.count()) == counts
    assert counts[0] == 2 and counts[1] >= 20 and counts[2] >= 60
    assert set(Measure.objects.values_list("status", flat=True)) == set(Measure.Status)
    overdue = [m for m in Measure.objects.all() if m.is_overdue(timezone.localdate())]
    assert overdue


@pytest.mark.parametrize("username", [u[0] for u in USERS])
def test_every_demo_login_reaches_its_pages(client, settings, username):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    assert client.login(username=username, password=PASSWORD)
    home = client.get("/")
    assert home.status_code == 200
    for inspection in home.context["inspections"]:
        assert client.get(f"/inspections/{inspection.pk}/").status_code == 200
    assert client.get("/public/").status_code == 200
