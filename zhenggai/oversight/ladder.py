"""The order ladder (督办通知书 → 提醒书 → 告诫书 → 问责建议): chains of orders, each
following the one before, read in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils import timezone

from zhenggai.notices.render import cn_date

from .models import SupervisionOrder


def with_escalation(orders):
    """The orders, each marked `escalated` when a later order follows it (no extra query)."""
    followed = SupervisionOrder.objects.filter(follows=OuterRef("pk"))
    return orders.annotate(escalated=Exists(followed))


def _links(orders) -> tuple[dict[int, int | None], dict[int, int]]:
    """(order -> the one it follows, order -> the one following it) over `orders`."""
    back = dict(orders.values_list("pk", "follows_id"))
    forth = {earlier: pk for pk, earlier in back.items() if earlier is not None}
    return back, forth


def _walk(pk: int, back: dict, forth: dict) -> list[int]:
    """The ids of the whole chain through `pk`, first order first."""
    root = pk
    while back.get(root) is not None:
        root = back[root]
    ids = [root]
    while ids[-1] in forth:
        ids.append(forth[ids[-1]])
    return ids


def chain_of(order: SupervisionOrder) -> list[SupervisionOrder]:
    """The order's ladder, first order first: two queries (a chain stays in one unit)."""
    back, forth = _links(SupervisionOrder.objects.filter(unit_id=order.unit_id))
    ids = _walk(order.pk, back, forth)
    found = SupervisionOrder.objects.filter(pk__in=ids).in_bulk()
    return [found[pk] for pk in ids]


def chains_about(problem, user) -> list[list[SupervisionOrder]]:
    """Every ladder with an order about the problem that the user may read, oldest
    first: three queries however many orders there are."""
    visible = SupervisionOrder.objects.for_user(user)
    about = set(visible.filter(problems=problem).values_list("pk", flat=True))
    if not about:
        return []
    units = SupervisionOrder.objects.filter(pk__in=about).values("unit_id")
    back, forth = _links(visible.filter(unit_id__in=units))
    chains, seen = [], set()
    for pk in sorted(about):
        ids = _walk(pk, back, forth)
        if ids[0] not in seen:
            seen.add(ids[0])
            chains.append(ids)
    found = visible.select_related("unit").in_bulk({pk for ids in chains for pk in ids})
    result = [[found[pk] for pk in ids if pk in found] for ids in chains]
    for chain in result:
        for order in chain:
            order.about = order.pk in about
    return result


def escalation_text(earlier: SupervisionOrder) -> str:
    """The demand an escalated order opens with, naming the order it follows."""
    issued = timezone.localtime(earlier.issued_at).date()
    label = SupervisionOrder.Level(earlier.next_level or earlier.level).label
    state = "逾期未报送办理情况" if earlier.replied_at is None else "问题仍未整改到位"
    return (
        f"我办于{cn_date(issued)}向你单位签发{earlier.get_level_display()}"
        f"（{earlier.doc_number}），要求于{cn_date(earlier.due)}前报送办理情况，"
        f"你单位{state}。现予{label}，请切实履行整改主体责任，限期整改到位。"
    )
