"""满意度: the public's one-click rating of a published notice, and its tally.

Votes are limited per client address by the comments' limiter (`services.take_rate`):
a vote and a comment use the same allowance. The tally feeds the satisfaction indicator
of the office's evaluation (`zhenggai.oversight.evaluation`).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Count

from zhenggai.audit.services import record

from .models import PublishedNotice, SatisfactionVote
from .services import DisclosureError

Choice = SatisfactionVote.Choice
# What each answer is worth on the evaluation's 0–100 scale.
POINTS = {Choice.SATISFIED: 100, Choice.FAIRLY: 60, Choice.UNSATISFIED: 0}


@transaction.atomic
def vote(notice: PublishedNotice, *, actor, choice: str, address: str | None) -> SatisfactionVote:
    """Keep one answer to the satisfaction question of a public notice."""
    if notice.audience != PublishedNotice.Audience.PUBLIC:
        raise DisclosureError("该通报未向社会公开，不接受满意度评价。")
    if choice not in Choice.values:
        raise DisclosureError("请选择“满意”“基本满意”或“不满意”。")
    voted = SatisfactionVote.objects.create(notice=notice, choice=choice, address=address)
    record(
        "satisfaction.voted",
        voted,
        actor=actor,
        unit_id=notice.inspection.unit_id,
        notice=notice.pk,
        choice=choice,
    )
    return voted


def tally(notice: PublishedNotice) -> dict[str, int]:
    """Votes on this notice by answer, every answer present."""
    counts = dict.fromkeys(Choice.values, 0)
    rows = notice.votes.values("choice").annotate(n=Count("id")).order_by()
    counts.update({row["choice"]: row["n"] for row in rows})
    return counts


def votes_by_unit(round_name: str) -> dict[int, dict[str, int]]:
    """Votes on the public notices of the round's inspections (any version), by unit."""
    rows = (
        SatisfactionVote.objects.filter(
            notice__in=PublishedNotice.objects.public().filter(inspection__round=round_name)
        )
        .values("notice__inspection__unit_id", "choice")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        result[row["notice__inspection__unit_id"]][row["choice"]] = row["n"]
    return result
