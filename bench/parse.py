"""How fast the notice parser is, and whether it stays linear.

Run: python bench/parse.py  (prints figures; nothing is asserted)
Targets (issue 3): the shared example under 5 ms; time(1 MB) / time(100 KB) at most 11.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhenggai.notices import parse, read_file  # noqa: E402

EXAMPLE = ROOT / ".." / "shared" / "examples" / "linping-union-2022" / "notice.txt"
SAMPLE = ROOT / "tests" / "samples" / "qingshan-library-2023.txt"


def median_seconds(text: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        parse(text)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def document_of(size: int, unit: str) -> str:
    """A long notice: the example's sections repeated (the numbering restarts; a real
    aggregate notice of many units looks much the same)."""
    head, _, body = unit.partition("一、")
    parts, length = [head], len(head)
    while length < size:
        parts.append("一、" + body)
        length += len(body) + 2
    return "".join(parts)[:size]


def main() -> None:
    text = read_file(EXAMPLE if EXAMPLE.exists() else SAMPLE)
    example = median_seconds(text, runs=200)
    print(f"example: {len(text)} characters, median {example * 1000:.2f} ms over 200 runs")
    print(f"throughput: {len(text) / example / 1e6:.2f} M characters per second")
    small, large = document_of(100_000, text), document_of(1_000_000, text)
    t_small = median_seconds(small, runs=15)
    t_large = median_seconds(large, runs=5)
    print(f"100 KB: {t_small * 1000:.1f} ms; 1 MB: {t_large * 1000:.1f} ms")
    print(f"ratio time(1 MB) / time(100 KB): {t_large / t_small:.2f} (linear is 10)")


if __name__ == "__main__":
    main()
