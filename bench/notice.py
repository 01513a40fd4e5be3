"""Time to write a 200-measure progress notice as text, HTML and .docx.

Targets (issue 4): text under 200 ms, .docx under 1 s. Printed, never asserted:
    python bench/notice.py [--measures 200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable

from zhenggai.notices.docx import to_docx
from zhenggai.notices.render import to_html, to_text
from zhenggai.notices.tree import Contact, InspectionInfo, Measure, Notice, Problem, Section

TEXT = "召开专题会议{n}次，研究部署整改工作，明确责任分工，追回资金{n}.5万元，建立工作台账"


def synthetic_notice(measure_count: int) -> Notice:
    """Eight sections of five problems each, measures dealt round-robin to problems."""
    problems = [Problem(f"第{i}个具体问题整改不够到位", label="一") for i in range(40)]
    for n in range(measure_count):
        problems[n % len(problems)].measures.append(Measure(TEXT.format(n=n + 1)))
    sections = [
        Section(f"第{i}方面问题落实不够到位", problems=problems[i * 5 : i * 5 + 5])
        for i in range(8)
    ]
    return Notice(
        kind="progress_notice",
        issuer="中共青石县林业局党组",
        date=dt.date(2023, 7, 3),
        inspection=InspectionInfo(round="十四届县委第三轮巡察", group="县委第二巡察组"),
        sections=sections,
        next_steps=[Measure("进一步压实整改责任"), Measure("进一步巩固整改成果")],
        contact=Contact(phone="0571-8888666"),
    )


def best_of(repeat: int, work: Callable[[], object]) -> tuple[float, float]:
    """Best and median wall time in ms; the best is the least disturbed by the machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    notice = synthetic_notice(args.measures)
    size = len(to_text(notice))
    print(f"notice: {args.measures} measures, {size} characters of text")
    for name, work, target in [
        ("text", lambda: to_text(notice), 200),
        ("html", lambda: to_html(notice), 200),
        ("docx", lambda: to_docx(notice), 1000),
    ]:
        best, median = best_of(args.repeat, work)
        print(
            f"{name:5} best {best:8.1f} ms  median {median:8.1f} ms  "
            f"target {target} ms  ({best / target:.1%} of target)"
        )


if __name__ == "__main__":
    main()
