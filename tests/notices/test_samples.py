"""Every sample notice scores 1.0 against its gold file, the shared example at least 0.98."""

import json
from pathlib import Path

import pytest

from tests.shared import example, scorer
from zhenggai.notices import parse, read_file

SAMPLES = Path(__file__).parents[1] / "samples"


def _source(gold: Path) -> Path:
    stem = gold.name.removesuffix(".gold.json")
    return next(p for p in gold.parent.glob(stem + ".*") if not p.name.endswith(".gold.json"))


def _count(measures) -> int:
    """Gold files may give a measure list as its length."""
    return measures if isinstance(measures, int) else len(measures)


def _shape(notice: dict) -> list:
    """Measure counts per section and per problem, and the next steps: the tree's shape."""
    return [
        [_count(s["measures"]), [_count(p["measures"]) for p in s["problems"]]]
        for s in notice["sections"]
    ] + [_count(notice["next_steps"])]


GOLDS = sorted(SAMPLES.glob("*.gold.json"))


def test_it_has_samples_in_every_format():
    formats = {_source(gold).suffix for gold in GOLDS}
    assert formats == {".txt", ".html", ".docx"}


@pytest.mark.parametrize("gold", GOLDS, ids=lambda p: p.name.removesuffix(".gold.json"))
def test_it_reads_every_sample_into_the_gold_tree(gold):
    expected = json.loads(gold.read_text(encoding="utf-8"))
    pred = parse(read_file(_source(gold))).to_json()
    assert _shape(pred) == _shape(expected)
    assert [(f["value"], f["unit"]) for f in pred["figures"]] == [
        (f["value"], f["unit"]) for f in expected["figures"]
    ]


@pytest.mark.parametrize("gold", GOLDS, ids=lambda p: p.name.removesuffix(".gold.json"))
def test_it_scores_every_sample_perfectly(gold):
    score = scorer().score
    expected = json.loads(gold.read_text(encoding="utf-8"))
    result = score(expected, parse(read_file(_source(gold))).to_json())
    assert result["score"] == 1.0, result


def test_it_scores_the_shared_example():
    score = scorer().score
    gold = json.loads(example("gold.json").read_text(encoding="utf-8"))
    result = score(gold, parse(read_file(example())).to_json())
    assert result["score"] >= 0.98, result
    assert result["sections"]["gold"] == result["sections"]["pred"] == result["sections"]["matched"]
    assert result["problems"]["gold"] == result["problems"]["pred"] == result["problems"]["matched"]
    counts = result["measure_counts"]
    assert counts["exact"] == counts["nodes"] and counts["gold_total"] == counts["pred_total"]


def test_it_gives_offsets_into_the_text_as_given():
    text = read_file(example())
    notice = parse(text)
    assert all(text[f.start : f.end] == f.text for f in notice.figures)
    assert [f.start for f in notice.figures] == sorted(f.start for f in notice.figures)
    in_measures = [
        f for s in notice.sections for p in s.problems for m in p.measures for f in m.figures
    ]
    assert len(in_measures) == len(notice.figures)
