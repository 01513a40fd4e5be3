"""Every sample notice scores 1.0 against its gold file, the shared example at least 0.98."""

import importlib.util
import json
from pathlib import Path

import pytest

from zhenggai.notices import parse, read_file

ROOT = Path(__file__).parents[2]
SAMPLES = ROOT / "tests" / "samples"
SHARED = ROOT / ".." / "shared"
SCORER = SHARED / "tools" / "score_notice.py"
EXAMPLE = SHARED / "examples" / "linping-union-2022"


def _scorer():
    spec = importlib.util.spec_from_file_location("score_notice", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score


def _source(gold: Path) -> Path:
    stem = gold.name.removesuffix(".gold.json")
    return next(p for p in gold.parent.glob(stem + ".*") if not p.name.endswith(".gold.json"))


GOLDS = sorted(SAMPLES.glob("*.gold.json"))


def test_it_has_samples_in_every_format():
    formats = {_source(gold).suffix for gold in GOLDS}
    assert formats == {".txt", ".html", ".docx"}


@pytest.mark.parametrize("gold", GOLDS, ids=lambda p: p.name.removesuffix(".gold.json"))
def test_it_scores_every_sample_perfectly(gold):
    expected = json.loads(gold.read_text(encoding="utf-8"))
    result = _scorer()(expected, parse(read_file(_source(gold))).to_json())
    assert result["score"] == 1.0, result


@pytest.mark.skipif(not SCORER.exists(), reason="../shared is not checked out")
def test_it_scores_the_shared_example():
    gold = json.loads((EXAMPLE / "gold.json").read_text(encoding="utf-8"))
    pred = parse(read_file(EXAMPLE / "notice.txt")).to_json()
    result = _scorer()(gold, pred)
    assert result["score"] >= 0.98, result
    assert result["sections"]["gold"] == result["sections"]["pred"] == result["sections"]["matched"]
    assert result["problems"]["gold"] == result["problems"]["pred"] == result["problems"]["matched"]
    counts = result["measure_counts"]
    assert counts["exact"] == counts["nodes"] and counts["gold_total"] == counts["pred_total"]


@pytest.mark.skipif(not SCORER.exists(), reason="../shared is not checked out")
def test_it_gives_offsets_into_the_text_as_given():
    text = read_file(EXAMPLE / "notice.txt")
    notice = parse(text)
    assert all(text[f.start : f.end] == f.text for f in notice.figures)
    assert [f.start for f in notice.figures] == sorted(f.start for f in notice.figures)
    in_measures = [
        f for s in notice.sections for p in s.problems for m in p.measures for f in m.figures
    ]
    assert len(in_measures) == len(notice.figures)
