"""Similarity of problem titles: character 1–3-grams, TF-IDF weights, cosine.

Chinese has no spaces, so words are not split: overlapping character n-grams carry the
words without a dictionary. IDF comes from the texts compared together (a round's
problems; a file's lines, with a shipped background of the genre's titles): what every
text of the genre says (问题, 不到位, 管理) weighs little because it is everywhere there.
bench/similar.py and tests/ledger/test_similar.py measure it on
tests/samples/similar_pairs.jsonl; THRESHOLD is chosen there.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from .normalize import normalise

# Chosen on tests/samples/similar_pairs.jsonl (bench/similar.py --measure): F1 peaks at
# 0.15 (precision 0.919, recall 0.913); above it recall falls faster than precision rises.
THRESHOLD = 0.15

# Numbering that opens a title (（三）, 2., 一是, 第一) says where it stood, not what it is.
_NUMBERING = re.compile(
    r"^\s*(?:[(（]?[一二三四五六七八九十\d]+[)）.、．]|[一二三四五六七八九十]是|第[一二三四五六七八九十\d]+[条项点,，、]?)\s*"
)
_NOT_TEXT = re.compile(r"[^\w]+")
# Words that say how a thing fails, not what it is: every title of the genre has some, so
# two titles sharing only these are not the same problem. Removing them raised AUC on
# tests/samples/similar_pairs.jsonl from 0.91 to 0.97 (bench/similar.py --measure).
# Grams do not span a removed word: "私车公养" and "私车公养现象" share all theirs.
_VERDICT = re.compile(
    "存在|问题|现象|部分|工作|管理|落实|不够|不到位|不规范|不严格|不严|不力|不足|薄弱|突出"
)
SIZES = (1, 2, 3)


def clean(text: str) -> str:
    """Simplified, half-width text without its numbering, punctuation and spaces."""
    text = _NUMBERING.sub("", normalise(text or ""), count=1)
    return " ".join(_VERDICT.sub(" ", _NOT_TEXT.sub(" ", text).lower()).split())


def grams(text: str) -> Counter[str]:
    """The character n-grams (n in SIZES) of a cleaned text, counted, none across a gap."""
    out: Counter[str] = Counter()
    for piece in text.split():
        for size in SIZES:
            out.update(piece[i : i + size] for i in range(len(piece) - size + 1))
    return out


class Vectors:
    """TF-IDF vectors of a corpus, unit length, as {gram: weight} dicts."""

    def __init__(self, texts: Iterable[str]):
        seen: dict[str, Counter[str]] = {}
        counted = []
        for t in texts:
            key = clean(t)
            if key not in seen:
                seen[key] = grams(key)
            counted.append(seen[key])
        df: Counter[str] = Counter()
        for c in counted:
            df.update(c.keys())
        n = len(counted)
        # Smoothed IDF (as if one more text held every gram): never zero, never negative.
        self.idf = {g: math.log((1 + n) / (1 + d)) + 1 for g, d in df.items()}
        self.vectors = [self._weigh(c) for c in counted]

    def _weigh(self, counted: Counter[str]) -> dict[str, float]:
        weights = {g: (1 + math.log(k)) * self.idf[g] for g, k in counted.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {g: w / norm for g, w in weights.items()}

    def similarity(self, i: int, j: int) -> float:
        return cosine(self.vectors[i], self.vectors[j])


def dot(a: dict[str, float], b: dict[str, float]) -> float:
    return sum(a[g] * b[g] for g in a.keys() & b.keys())


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Of two unit vectors, clipped to [0, 1] against rounding."""
    return min(1.0, max(0.0, dot(a, b)))


BACKGROUND_FILE = Path(__file__).with_name("data") / "similar_background.txt"


@lru_cache(maxsize=1)
def background() -> tuple[str, ...]:
    """Titles of the genre whose IDF steadies a small file's scores (one pair alone has
    no idea what is common in the genre)."""
    lines = BACKGROUND_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line for line in lines if line.strip() and not line.startswith("#"))


def pair_scores(pairs: Sequence[tuple[str, str]]) -> list[float]:
    """One similarity per pair, with IDF taken from every text of the pairs together and
    the genre's background titles not among them: a pair scores the same alone as in a
    file of the background's kind."""
    texts = [t for pair in pairs for t in pair]
    present = {clean(t) for t in texts}
    vectors = Vectors(texts + [t for t in background() if clean(t) not in present])
    return [vectors.similarity(2 * k, 2 * k + 1) for k in range(len(pairs))]


def most_similar(
    texts: Sequence[str], others: Sequence[str], *, top: int = 3, floor: float = 0.0
) -> list[list[tuple[int, float]]]:
    """For each text, the indexes of the `top` most similar `others` with their scores."""
    vectors = Vectors([*texts, *others])
    offset = len(texts)
    out = []
    for i in range(offset):
        scored = [(j, vectors.similarity(i, offset + j)) for j in range(len(others))]
        scored = [s for s in scored if s[1] > floor]
        scored.sort(key=lambda s: (-s[1], s[0]))
        out.append(scored[:top])
    return out


def clusters(
    texts: Sequence[str], threshold: float = THRESHOLD, *, vectors=None
) -> list[list[int]]:
    """Groups of similar texts (indexes), by leader clustering: each text joins the most
    similar earlier leader at or above `threshold`, or leads a group of its own.

    A text is compared in full only with the few leaders that share most of its bigrams'
    weight, so a round costs about n × CANDIDATES cosines, not n² (bench/similar.py).
    """
    vectors = vectors or Vectors(texts)
    leaders: list[int] = []
    groups: dict[int, list[int]] = {}
    postings: dict[str, list[int]] = {}
    for i, vector in enumerate(vectors.vectors):
        keys = _keys(vector)
        shared: dict[int, float] = {}
        for g in keys:
            for leader in postings.get(g, ()):
                shared[leader] = shared.get(leader, 0.0) + vector[g]
        best, best_score = -1, threshold
        for leader in sorted(shared, key=shared.__getitem__, reverse=True)[:CANDIDATES]:
            score = cosine(vector, vectors.vectors[leader])
            if score >= best_score:
                best, best_score = leader, score
        if best >= 0:
            groups[best].append(i)
            continue
        leaders.append(i)
        groups[i] = [i]
        for g in keys:
            postings.setdefault(g, []).append(i)
    return [groups[leader] for leader in leaders]


# Leaders compared in full per text: those sharing the most bigram weight with it.
CANDIDATES = 6


def _keys(vector: dict[str, float]) -> list[str]:
    return [g for g in vector if len(g) == 2]


def central(members: Sequence[int], vectors: Vectors) -> int:
    """The member closest to the group's centroid: its title names the group."""
    centroid: Counter[str] = Counter()
    for m in members:
        centroid.update(vectors.vectors[m])
    return max(members, key=lambda m: (dot(vectors.vectors[m], centroid), -m))


class PairsError(ValueError):
    """A pairs file that cannot be read; the message is Chinese and names the line."""


def read_pairs(path: str) -> list[tuple[str, str]]:
    """JSON lines of {"a": text, "b": text} (UTF-8 or GB18030); blank lines are skipped."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise PairsError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise PairsError(f"文件 {path} 既不是 UTF-8 也不是 GB18030 编码。") from exc
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            pairs.append(_pair(line, number))
    return pairs


def _pair(line: str, number: int) -> tuple[str, str]:
    try:
        item = json.loads(line)
    except ValueError as exc:
        raise PairsError(
            f"第 {number} 行不是有效的 JSON：{exc.msg}（第 {exc.colno} 列）。"
        ) from exc
    if not isinstance(item, dict):
        raise PairsError(f'第 {number} 行应为 {{"a": 文本, "b": 文本}} 形式的对象。')
    for key in ("a", "b"):
        if not isinstance(item.get(key), str):
            raise PairsError(f"第 {number} 行缺少文本字段“{key}”，或它不是字符串。")
    return item["a"], item["b"]


def run_similar(path: str | None, threshold: bool) -> int:
    """`zhenggai similar FILE | --threshold`: one similarity per pair, or the threshold."""
    if threshold:
        print(THRESHOLD)
        return 0
    if not path:
        print("错误：请给出 JSON 行文件，或用 --threshold 查看阈值。", file=sys.stderr)
        return 2
    try:
        pairs = read_pairs(path)
    except PairsError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    for score in pair_scores(pairs):
        print(f"{score:.4f}")
    return 0
