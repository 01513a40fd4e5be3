"""Similar problems: the labelled pairs' figures, and clustering a round of 5,000 problems.

Run: python bench/similar.py [--problems N] [--naive N] [--measure]
SQLite in a temporary ZHENGGAI_DATA folder. Writes one round of N fictional problems
(200 units, titles composed from a few hundred subjects, each said several ways, with
the genre's verdicts and numbering), then times what the common-problems page does
(oversight.common.suggest): read the round's problems, weigh the titles, cluster them
(zhenggai/notices/similar.py), keep the clusters over two or more units and name them.
On a shared machine read the CPU time: the wall time counts the other processes' turns.
For comparison, the naive way (every pair's cosine, O(n²)) on the first --naive problems,
scaled to N, and how many of its pairs above the threshold the clustering puts together.
The generator names each subject two ways that often share no character (公车 / 公务用车,
私车公养 / 以公款为私家车加油), so recall against its subjects stays near one half.
--measure prints AUC and precision/recall by threshold on tests/samples/similar_pairs.jsonl.
Target (issue 14): a round of 5,000 clustered in under 2 s.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import dashboard  # noqa: E402
from zhenggai.notices import similar  # noqa: E402

PAIRS = ROOT / "tests" / "samples" / "similar_pairs.jsonl"
UNITS = 200
# Subjects of the genre; each problem names one (sometimes by a variant) with a verdict.
SUBJECTS = [
    ("公务用车", "公车"),
    ("私车公养", "以公款为私家车加油"),
    ("津贴补贴", "津补贴"),
    ("党费收缴", "党费交纳"),
    ("政府采购", "采购项目招标"),
    ("三重一大决策", "重大事项集体决策"),
    ("意识形态工作责任制", "意识形态阵地"),
    ("干部选拔任用", "选人用人"),
    ("专项资金", "项目资金"),
    ("公务接待", "接待费用"),
    ("合同签订", "合同履约"),
    ("发展党员", "入党材料"),
    ("安全生产", "安全隐患排查"),
    ("工程项目", "工程建设"),
    ("信访事项", "群众来信来访"),
    ("理论学习中心组", "政治理论学习"),
    ("办公用房", "办公室面积"),
    ("干部人事档案", "人事档案"),
    ("隐性债务", "债务风险"),
    ("执纪问责", "监督执纪"),
    ("营商环境", "行政审批"),
    ("生态环境保护", "河道污染治理"),
    ("食品安全", "农贸市场抽检"),
    ("医保基金", "医疗保障基金"),
    ("耕地保护", "违法用地"),
    ("村级财务", "村集体资金"),
    ("惠民政策", "惠农补贴"),
    ("网络安全", "信息系统防护"),
    ("内部控制制度", "内控制度"),
    ("兼职取酬", "在企业兼职"),
    ("机关作风", "推诿扯皮"),
    ("调查研究", "调研成果"),
    ("非税收入", "罚没收入"),
    ("编外人员", "编外用工"),
    ("内部审计", "审计整改"),
    ("廉政风险防控", "廉政风险点"),
    ("学校收费", "向学生收费"),
    ("公款吃喝", "公款宴请"),
    ("礼品礼金", "红包礼金"),
    ("保障性住房", "公租房分配"),
    ("固定资产", "国有资产"),
    ("民主生活会", "组织生活会"),
    ("财务报销", "报销票据"),
    ("巡察反馈问题整改", "上轮巡察整改"),
    ("基层党组织", "党支部"),
    ("八项规定精神", "中央八项规定"),
    ("全面从严治党主体责任", "管党治党责任"),
    ("一岗双责", "分管领域廉政建设"),
    ("形式主义", "文山会海"),
    ("人才队伍", "专业人才"),
]
PLACES = ["", "机关", "下属单位", "基层站所", "部分科室", "二级单位", "所属企业", "乡镇"]
VERDICTS = [
    "管理不规范",
    "落实不到位",
    "存在薄弱环节",
    "问题仍然存在",
    "执行不严格",
    "监管不力",
    "制度不健全",
    "把关不严",
    "整改不彻底",
    "管理混乱",
]
NUMBERING = ["", "（一）", "（二）", "1.", "2.", "一是", "二是", "三是"]


def titles(count: int, seed: int = 14) -> list[tuple[int, str, int]]:
    """(unit index, title, subject index) for a round: a few subjects common to many."""
    rnd = random.Random(seed)
    weights = [1 / (k + 1) ** 0.6 for k in range(len(SUBJECTS))]
    out = []
    for _ in range(count):
        k = rnd.choices(range(len(SUBJECTS)), weights)[0]
        subject = SUBJECTS[k]
        words = rnd.choice(PLACES) + rnd.choice(subject) + rnd.choice(VERDICTS)
        if rnd.random() < 0.4:
            words += "，" + rnd.choice(subject[::-1]) + rnd.choice(VERDICTS)
        out.append((rnd.randrange(UNITS), rnd.choice(NUMBERING) + words, k))
    return out


def build(count: int) -> str:
    """One round of `count` problems over UNITS units, one inspection each; its name."""
    import datetime as dt

    from zhenggai.accounts.models import Unit
    from zhenggai.ledger.models import Inspection, Problem

    round_name = "一届区委第九轮巡察"
    root = Unit.objects.create(name="区委")
    units = Unit.objects.bulk_create([Unit(name=f"单位{k:03d}", parent=root) for k in range(UNITS)])
    inspections = Inspection.objects.bulk_create(
        [
            Inspection(
                unit=u,
                round=round_name,
                group="区委第一巡察组",
                feedback_date=dt.date(2026, 9, 1),
                rectify_until=dt.date(2026, 11, 1),
            )
            for u in units
        ]
    )
    Problem.objects.bulk_create(
        [
            Problem(inspection=inspections[unit], title=title, position=k)
            for k, (unit, title, _) in enumerate(titles(count))
        ]
    )
    return round_name


def cluster_round(round_name: str) -> int:
    """What the common-problems page does (oversight.common.suggest): read the round's
    problems, weigh, cluster, keep the clusters over two or more units, name them."""
    from zhenggai.oversight.common import suggest

    return len(suggest(round_name))


def naive(texts: list[str]) -> tuple[float, set[tuple[int, int]]]:
    """Every pair's cosine; seconds and the pairs at or above the threshold."""
    start = time.perf_counter()
    vectors = similar.Vectors(texts)
    v = vectors.vectors
    above = {
        (i, j)
        for i in range(len(v))
        for j in range(i + 1, len(v))
        if similar.cosine(v[i], v[j]) >= similar.THRESHOLD
    }
    return time.perf_counter() - start, above


def measure_pairs() -> None:
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    scores = similar.pair_scores([(r["a"], r["b"]) for r in rows])
    labels = [r["same"] for r in rows]
    same = [s for s, lab in zip(scores, labels, strict=True) if lab]
    other = [s for s, lab in zip(scores, labels, strict=True) if not lab]
    auc = sum((a > b) + 0.5 * (a == b) for a in same for b in other) / (len(same) * len(other))
    print(f"labelled pairs {len(rows)} ({len(same)} same), AUC {auc:.3f}")
    for step in range(8, 26):
        t = step / 100
        tp = sum(s >= t for s in same)
        fp = sum(s >= t for s in other)
        mark = "  ← shipped" if t == similar.THRESHOLD else ""
        print(
            f"  threshold {t:.2f}: precision {tp / max(tp + fp, 1):.3f}, "
            f"recall {tp / len(same):.3f}{mark}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=5000)
    parser.add_argument("--naive", type=int, default=1000, help="problems for the O(n²) way")
    parser.add_argument("--measure", action="store_true")
    args = parser.parse_args()
    if args.measure:
        measure_pairs()
    vendor = dashboard.configure()
    round_name = build(args.problems)
    wall = cpu = float("inf")
    for _ in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        common = cluster_round(round_name)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    print(f"{vendor}: {args.problems} problems → {common} suggested common problems")
    print(f"  read + weigh + cluster + name (best of 3): {wall:.2f} s ({cpu:.2f} s CPU)")
    made = titles(args.problems)
    print("  against the generator's subjects: " + agreement(made))
    texts = [title for _, title, _ in made][: args.naive]
    seconds, above = naive(texts)
    scale = (args.problems / len(texts)) ** 2
    print(
        f"  naive all pairs on {len(texts)}: {seconds:.2f} s, about {seconds * scale:.0f} s "
        f"for {args.problems} (×{seconds * scale / wall:.0f}); {len(above)} pairs ≥ "
        f"{similar.THRESHOLD}, which single linkage would chain into "
        f"{components(len(texts), above)} groups"
    )


def agreement(made: list[tuple[int, str, int]]) -> str:
    """Pairwise precision and recall of the groups against the subjects titles came from."""
    from collections import Counter

    subject = [k for _, _, k in made]
    groups = similar.clusters([title for _, title, _ in made])
    cells = Counter((g, subject[i]) for g, members in enumerate(groups) for i in members)

    def pairs(counts) -> int:
        return sum(n * (n - 1) // 2 for n in counts)

    both = pairs(cells.values())
    grouped = pairs(len(m) for m in groups)
    same = pairs(Counter(subject).values())
    return f"pair precision {both / grouped:.3f}, recall {both / same:.3f}"


def components(n: int, edges: set[tuple[int, int]]) -> int:
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in edges:
        parent[root(i)] = root(j)
    return len({root(i) for i in range(n)})


if __name__ == "__main__":
    main()
