"""成效评估: the office's score sheet for a round, scores by several scorers, grades.

A unit's score on an indicator is the mean of its scorers' scores (0–100); the
satisfaction indicator is scored by the public's votes on the unit's public notices of
the round instead (满意 100, 基本满意 60, 不满意 0, averaged). The total is the weighted
mean of the indicators that have a score; one without any is left out and named. The
grade follows the thresholds the office sets.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg, Count, Max

from zhenggai.accounts.access import OFFICE, access_for
from zhenggai.accounts.models import Unit
from zhenggai.audit.services import record
from zhenggai.disclosure.satisfaction import POINTS, votes_by_unit
from zhenggai.forms import CleanForm
from zhenggai.ledger.models import Inspection

from .models import Evaluation, EvaluationIndicator, EvaluationScore

Source = EvaluationIndicator.Source
# The sheet a new evaluation starts with: (name, weight, scoring note, source).
DEFAULT_INDICATORS = (
    ("按期整改", 30, "措施按期完成的比例；超期未完成的每项酌情扣分。", Source.SCORED),
    ("佐证质量", 30, "佐证材料是否真实、完整、与措施对应；无佐证完成的酌情扣分。", Source.SCORED),
    ("屡查屡犯", 20, "本轮问题是否为以往巡察已指出的问题；屡查屡犯的酌情扣分。", Source.SCORED),
    (
        "群众满意度",
        20,
        "按公开通报页面的满意度评价自动计分：满意100分、基本满意60分、不满意0分，取平均。",
        Source.SATISFACTION,
    ),
)
HUNDRED = Decimal(100)


class EvaluationError(Exception):
    """A refused act, with a Chinese message naming what and where."""


def _office(actor) -> None:
    if not access_for(actor).anywhere(OFFICE):
        raise PermissionDenied


def units_of(evaluation: Evaluation, user) -> list[Unit]:
    """The units of the round the user (the office) may read, by name."""
    inspections = Inspection.objects.for_user(user, OFFICE).filter(round=evaluation.round)
    return list(Unit.objects.filter(inspections__in=inspections).distinct().order_by("name", "pk"))


# --- forms -------------------------------------------------------------------------


class EvaluationForm(CleanForm):
    round = forms.ChoiceField(label="轮次")
    title = forms.CharField(label="名称", max_length=200, required=False)

    def __init__(self, *args, rounds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [(r, r) for r in rounds]


class IndicatorForm(CleanForm):
    name = forms.CharField(label="指标", max_length=50)
    weight = forms.DecimalField(label="权重", min_value=0, max_value=100, decimal_places=2)
    note = forms.CharField(label="评分说明", required=False, widget=forms.Textarea({"rows": 2}))
    source = forms.ChoiceField(label="计分方式", choices=Source.choices, initial=Source.SCORED)


class ThresholdForm(CleanForm):
    good = forms.DecimalField(label="“好”不低于", min_value=0, max_value=100, decimal_places=2)
    fair = forms.DecimalField(label="“较好”不低于", min_value=0, max_value=100, decimal_places=2)
    average = forms.DecimalField(label="“一般”不低于", min_value=0, max_value=100, decimal_places=2)


def score_form(indicators: list[EvaluationIndicator], data=None, initial=None) -> forms.Form:
    """One score (0–100) and reason per scored indicator."""
    form = CleanForm(data, initial=initial or {})
    for ind in indicators:
        form.fields[f"score_{ind.pk}"] = forms.DecimalField(
            label=f"{ind.name}（权重{ind.weight:g}）",
            min_value=0,
            max_value=100,
            decimal_places=2,
            required=False,
            help_text=ind.note,
        )
        form.fields[f"note_{ind.pk}"] = forms.CharField(
            label=f"{ind.name}评分理由", max_length=500, required=False
        )
    return form


# --- acts --------------------------------------------------------------------------


@transaction.atomic
def create_evaluation(*, actor, round: str, title: str = "") -> Evaluation:
    """A score sheet for the round, with the usual four indicators to start from."""
    _office(actor)
    if not Inspection.objects.for_user(actor, OFFICE).filter(round=round).exists():
        raise EvaluationError(f"轮次“{round}”没有巡察，不能评估。")
    if Evaluation.objects.filter(round=round).exists():
        raise EvaluationError(f"轮次“{round}”已有成效评估。")
    evaluation = Evaluation.objects.create(
        round=round, title=title.strip() or f"{round}整改成效评估", created_by=actor
    )
    EvaluationIndicator.objects.bulk_create(
        EvaluationIndicator(
            evaluation=evaluation, position=n, name=name, weight=weight, note=note, source=source
        )
        for n, (name, weight, note, source) in enumerate(DEFAULT_INDICATORS, 1)
    )
    record("evaluation.created", evaluation, actor=actor, round=round)
    return evaluation


@transaction.atomic
def add_indicator(
    evaluation: Evaluation, *, actor, name: str, weight, note: str = "", source: str = "scored"
) -> EvaluationIndicator:
    _office(actor)
    name = name.strip()
    if not name:
        raise EvaluationError("请填写指标名称。")
    if evaluation.indicators.filter(name=name).exists():
        raise EvaluationError(f"评估表中已有指标“{name}”。")
    if Decimal(weight) <= 0:
        raise EvaluationError(f"指标“{name}”的权重须大于0。")
    position = (evaluation.indicators.aggregate(m=Max("position"))["m"] or 0) + 1
    indicator = evaluation.indicators.create(
        name=name, weight=weight, note=note.strip(), source=source, position=position
    )
    record(
        "evaluation.indicator_added",
        evaluation,
        actor=actor,
        indicator=name,
        weight=str(weight),
        source=source,
    )
    return indicator


@transaction.atomic
def set_thresholds(evaluation: Evaluation, *, actor, good, fair, average) -> Evaluation:
    _office(actor)
    if not (HUNDRED >= good > fair > average >= 0):
        raise EvaluationError(
            f"等次分数线须由高到低：“好”{good:g}分、“较好”{fair:g}分、“一般”{average:g}分"
            "依次递减，且在0至100分之间。"
        )
    evaluation = Evaluation.objects.select_for_update(no_key=True).get(pk=evaluation.pk)
    evaluation.good, evaluation.fair, evaluation.average = good, fair, average
    evaluation.save(update_fields=["good", "fair", "average"])
    record(
        "evaluation.thresholds_set",
        evaluation,
        actor=actor,
        good=str(good),
        fair=str(fair),
        average=str(average),
    )
    return evaluation


@transaction.atomic
def score_unit(
    evaluation: Evaluation, unit: Unit, *, actor, scores: dict[int, tuple[Decimal | None, str]]
) -> int:
    """The actor's scores of the unit, indicator id -> (score or None to clear, reason).

    Each scorer keeps one score per indicator and unit; a new one replaces theirs."""
    _office(actor)
    if unit.pk not in {u.pk for u in units_of(evaluation, actor)}:
        raise EvaluationError(f"{unit.name}不在轮次“{evaluation.round}”中，不能评分。")
    indicators = {i.pk: i for i in evaluation.indicators.filter(source=Source.SCORED)}
    changed = 0
    for pk, (value, note) in scores.items():
        indicator = indicators.get(pk)
        if indicator is None:
            raise EvaluationError("所评指标不属于该评估表，或按满意度自动计分。")
        mine = EvaluationScore.objects.filter(indicator=indicator, unit=unit, scorer=actor)
        if value is None:
            changed += mine.delete()[0]
            continue
        if not 0 <= value <= HUNDRED:
            raise EvaluationError(f"{unit.name}“{indicator.name}”得分须在0至100分之间。")
        mine.update_or_create(
            indicator=indicator, unit=unit, scorer=actor, defaults={"value": value, "note": note}
        )
        changed += 1
    record(
        "evaluation.scored",
        evaluation,
        actor=actor,
        unit_id=unit.pk,
        scores={str(k): str(v) for k, (v, _n) in scores.items()},
    )
    return changed


# --- the result sheet --------------------------------------------------------------


def rounded(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class UnitResult:
    """One unit's row of the result sheet."""

    unit: Unit
    cells: list[Decimal | None] = field(default_factory=list)
    scorers: int = 0
    votes: int = 0
    missing: list[str] = field(default_factory=list)
    total: Decimal | None = None
    grade: str = ""


@dataclass
class ResultSheet:
    evaluation: Evaluation
    indicators: list[EvaluationIndicator]
    rows: list[UnitResult]

    @property
    def weight(self) -> Decimal:
        return sum((i.weight for i in self.indicators), Decimal(0))


def results(evaluation: Evaluation, user) -> ResultSheet:
    """Every unit's averaged scores, total and grade, in five queries whatever the size."""
    indicators = list(evaluation.indicators.all())
    units = units_of(evaluation, user)
    means: dict[tuple[int, int], Decimal] = {}
    scorers: dict[int, int] = defaultdict(int)
    rows = (
        EvaluationScore.objects.filter(indicator__evaluation=evaluation)
        .values("indicator_id", "unit_id")
        .annotate(mean=Avg("value"))
        .order_by()
    )
    for row in rows:
        means[row["indicator_id"], row["unit_id"]] = Decimal(row["mean"])
    for row in (
        EvaluationScore.objects.filter(indicator__evaluation=evaluation)
        .values("unit_id")
        .annotate(n=Count("scorer", distinct=True))
        .order_by()
    ):
        scorers[row["unit_id"]] = row["n"]
    votes = votes_by_unit(evaluation.round)
    sheet = ResultSheet(evaluation, indicators, [])
    for unit in units:
        result = UnitResult(unit, scorers=scorers[unit.pk])
        tally = votes.get(unit.pk, {})
        result.votes = sum(tally.values())
        for ind in indicators:
            if ind.source == Source.SATISFACTION:
                value = satisfaction_score(tally)
            else:
                value = means.get((ind.pk, unit.pk))
            result.cells.append(None if value is None else rounded(value))
        _total(evaluation, indicators, result)
        sheet.rows.append(result)
    return sheet


def satisfaction_score(tally: dict[str, int]) -> Decimal | None:
    """满意 100, 基本满意 60, 不满意 0, averaged over the votes; None without any."""
    count = sum(tally.values())
    if not count:
        return None
    return Decimal(sum(POINTS[choice] * n for choice, n in tally.items())) / count


def _total(evaluation: Evaluation, indicators, result: UnitResult) -> None:
    weighted, weight = Decimal(0), Decimal(0)
    for ind, value in zip(indicators, result.cells, strict=True):
        if value is None:
            result.missing.append(ind.name)
        else:
            weighted += ind.weight * value
            weight += ind.weight
    if weight:
        result.total = rounded(weighted / weight)
        result.grade = Evaluation.Grade(evaluation.grade(result.total)).label
