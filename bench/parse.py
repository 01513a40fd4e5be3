"""How fast the notice parser is, and whether it stays linear; how PDFs are read.

Run: python bench/parse.py  (prints figures; nothing is asserted)
Targets (issue 3): the shared example under 5 ms; time(1 MB) / time(100 KB) at most 11.

PDF (issue 15): a 43-page notice (bench/data/forty-pages.pdf, written by
tests/samples/make_genres.py --pdf) read by the library the project ships (pypdfium2)
and, when installed, by pypdf and pdfminer.six fed through the same clean-up
(zhenggai.notices.pdffile.lines_to_text): seconds to read its lines, seconds from file
to parsed notice, and the shared scorer's score on the four PDF samples.
"""

from __future__ import annotations

import importlib.util
import io
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhenggai.notices import parse, read_file  # noqa: E402
from zhenggai.notices.pdffile import Line, group_lines, lines_to_text, read_lines  # noqa: E402

EXAMPLE = ROOT / ".." / "shared" / "examples" / "linping-union-2022" / "notice.txt"
SAMPLE = ROOT / "tests" / "samples" / "qingshan-library-2023.txt"
LONG_PDF = ROOT / "bench" / "data" / "forty-pages.pdf"
PDF_SAMPLES = ROOT / "tests" / "samples" / "pdf"
SCORER = ROOT / ".." / "shared" / "tools" / "score_notice.py"


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
    pdf_figures()


# --- PDF: three readers, one clean-up -----------------------------------------------


def pdfium_lines(data: bytes) -> list[list[Line]]:
    return read_lines(data)


def pypdf_lines(data: bytes) -> list[list[Line]]:
    """pypdf gives text pieces and where they start; their width is estimated (1 em for
    Chinese, half for the rest)."""
    import pypdf

    pages = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        pieces: list[Line] = []

        def visit(text, cm, tm, font, size, pieces=pieces):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            em = size * (tm[0] * cm[0] or 1)
            width = sum(em if ord(c) > 0x2E80 else em / 2 for c in text.strip())
            pieces.append(Line(text, x, x + width, y + em * 0.8, y - em * 0.2))

        page.extract_text(visitor_text=visit)
        pages.append(group_lines(pieces))
    return pages


def pdfminer_lines(data: bytes) -> list[list[Line]]:
    """pdfminer.six's layout analysis: text lines with their boxes."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer, LTTextLine

    pages = []
    for layout in extract_pages(io.BytesIO(data)):
        pieces = []
        for box in layout:
            if isinstance(box, LTTextContainer):
                for line in box:
                    if isinstance(line, LTTextLine) and line.get_text().strip():
                        pieces.append(Line(line.get_text(), line.x0, line.x1, line.y1, line.y0))
        pages.append(group_lines(pieces))
    return pages


READERS = {
    "pypdfium2": ("pypdfium2", pdfium_lines),
    "pypdf": ("pypdf", pypdf_lines),
    "pdfminer.six": ("pdfminer", pdfminer_lines),
}


def pdf_figures() -> None:
    if not LONG_PDF.exists():
        print(f"PDF: {LONG_PDF} is missing (python tests/samples/make_genres.py --pdf)")
        return
    data = LONG_PDF.read_bytes()
    score = _scorer()
    pages = len(read_lines(data))
    print(f"PDF: {LONG_PDF.name}, {pages} pages, {len(data) // 1024} KB")
    for name, (module, reader) in READERS.items():
        if importlib.util.find_spec(module) is None:
            print(f"  {name}: not installed")
            continue
        read = _median(lambda reader=reader: reader(data), runs=3)
        whole = _median(lambda reader=reader: parse(lines_to_text(reader(data))), runs=3)
        line = f"  {name}: lines {read:.3f} s, file to notice {whole:.3f} s"
        line += f" ({whole / pages * 1000:.1f} ms a page)"
        if score:
            scores = [
                _score(score, gold, reader) for gold in sorted(PDF_SAMPLES.glob("*.gold.json"))
            ]
            shown = " ".join(f"{s:.3f}" for s in scores)
            line += f"; samples {shown}, mean {statistics.mean(scores):.4f}"
        print(line)


def _median(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _scorer():
    if not SCORER.exists():
        return None
    spec = importlib.util.spec_from_file_location("score_notice", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score


def _score(score, gold: Path, reader) -> float:
    pdf = gold.with_name(gold.name.removesuffix(".gold.json") + ".pdf")
    notice = parse(lines_to_text(reader(pdf.read_bytes())))
    return score(json.loads(gold.read_text(encoding="utf-8")), notice.to_json())["score"]


if __name__ == "__main__":
    main()
