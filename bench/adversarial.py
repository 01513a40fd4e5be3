"""How long the notice parser takes on hostile text, and whether it stays linear.

Run: python bench/adversarial.py [--runs N]  (prints figures; nothing is asserted)
Targets: every case under 1 s at scale 1 (about 1 MB for the large ones);
time(scale 2) / time(scale 1) near 2, as a linear parser gives. The texts are those
of tests/notices/test_robust.py, which checks what parse returns, not how fast.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.notices.adversarial import adversarial  # noqa: E402
from zhenggai.notices import parse  # noqa: E402
from zhenggai.notices.webpage import html_to_text  # noqa: E402


def median_seconds(text: str, runs: int, read=parse) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        read(text)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def nested_page(scale: int) -> str:
    """The issue's 540 KB page: <div>×60,000 then </b>×60,000 (69 s when quadratic)."""
    n = 60_000 * scale
    return "<div>" * n + "</b>" * n


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=3, help="timed runs per text")
    runs = options.parse_args().runs
    single, double = adversarial(1), adversarial(2)
    parse(single["一是 as items"][:1000])  # compile the parser's patterns before timing
    print(f"{'case':<20} {'characters':>10} {'×1 ms':>9} {'×2 ms':>9} {'ratio':>6}")
    worst = 0.0
    for name, text in single.items():
        t1 = median_seconds(text, runs)
        t2 = median_seconds(double[name], runs)
        worst = max(worst, t1)
        # Under a millisecond the ratio is noise.
        ratio = f"{t2 / t1:.2f}" if t1 > 0.001 else "-"
        print(f"{name:<20} {len(text):>10,} {t1 * 1000:>9.1f} {t2 * 1000:>9.1f} {ratio:>6}")
    print(f"slowest at scale 1: {worst * 1000:.0f} ms (target under 1000); linear ratio is 2")
    t1, t2 = (median_seconds(nested_page(k), runs, html_to_text) for k in (1, 2))
    size = len(nested_page(1)) / 1000
    print(f"web page <div>×60k </b>×60k ({size:.0f} KB): {t1 * 1000:.0f} ms, ×2 {t2 / t1:.2f}")


if __name__ == "__main__":
    main()
