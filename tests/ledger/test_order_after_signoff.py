"""After 销号 the order of problems and measures is locked as their text is."""

import pytest
from django.urls import reverse
from django.utils import timezone

from zhenggai.audit.models import Event
from zhenggai.ledger.models import Measure, Problem

pytestmark = pytest.mark.django_db


def positions(queryset) -> list[tuple[int, int]]:
    return list(queryset.order_by("position", "id").values_list("id", "position"))


def close(problem: Problem) -> None:
    problem.closed_at = timezone.now()
    problem.save(update_fields=["closed_at"])


def move(client, kind: str, pk: int, direction: str):
    return client.post(reverse(f"ledger:{kind}-move", args=[pk]), {"dir": direction}, follow=True)


def test_measures_of_a_closed_problem_keep_their_order(login, ledger_a):
    problem = Problem.objects.filter(inspection=ledger_a, parent__isnull=False).first()
    close(problem)
    measures = Measure.objects.filter(problem=problem)
    before = positions(measures)
    response = move(login("alice"), "measure", before[1][0], "up")
    assert "已销号，不能再修改" in response.content.decode()
    assert positions(measures) == before
    assert not Event.objects.filter(act="measure.moved").exists()


def test_a_closed_problem_and_its_neighbours_keep_their_places(login, ledger_a):
    first, second = Problem.objects.filter(inspection=ledger_a, parent=None).order_by("position")
    subs = Problem.objects.filter(parent=first)
    close(first)
    client = login("alice")
    tops = Problem.objects.filter(inspection=ledger_a, parent=None)
    before, before_subs = positions(tops), positions(subs)
    for kind, pk, direction in [
        ("problem", first.pk, "down"),  # the closed category itself
        ("problem", second.pk, "up"),  # an open one would renumber the closed one
        ("problem", subs.last().pk, "up"),  # a specific problem of a closed category
    ]:
        page = move(client, kind, pk, direction).content.decode()
        assert "已销号，不能再修改" in page, (kind, pk)
    assert positions(tops) == before and positions(subs) == before_subs
    assert not Event.objects.filter(act="problem.moved").exists()


def test_open_items_still_move(login, ledger_a):
    problem = Problem.objects.filter(inspection=ledger_a, parent__isnull=False).first()
    measures = Measure.objects.filter(problem=problem)
    (a, _), (b, _) = positions(measures)
    assert "已调整顺序" in move(login("alice"), "measure", b, "up").content.decode()
    assert [pk for pk, _ in positions(measures)] == [b, a]
    assert Event.objects.filter(act="measure.moved").count() == 1
