"""Applying for 销号 on several problems in one act: all or nothing, each audited."""

from django.db import transaction

from . import services
from .models import SignOff
from .services import OversightError


@transaction.atomic
def apply_signoffs(problems, *, actor, note: str = "") -> list[SignOff]:
    """`services.apply_signoff` for each problem, with its checks; a refusal of any
    rolls back all and names the problem (its place in the list and its title)."""
    done = []
    for number, problem in enumerate(problems, start=1):
        try:
            done.append(services.apply_signoff(problem, actor=actor, note=note))
        except OversightError as exc:
            where = f"第{number}个问题“{problem.title[:30]}”"
            raise OversightError(f"{where}不能申请销号，全部未提交：{exc}") from None
    return done
