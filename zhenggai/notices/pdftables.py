"""Ruled tables on a PDF page: the grid the border lines draw, and the text in each cell.

LibreOffice and Word print a table's borders as thin path objects (a stroked line, or a
filled rectangle one point thick); other writers stroke each cell as a rectangle. Both
give rules, read from the paths' segments in page space (matrices of forms applied, the
page turned upright as /Rotate shows it). Rules that touch make one table; their distinct
heights and widths are the grid's row and column boundaries, and two neighbouring grid
places with no rule between them are one merged cell (as a Word table's gridSpan and
vMerge are). Text pieces are then put into the cell their middle falls in.

A Sheet is one table over pages: a grid on the next page with the same columns goes on
with it, without the header rows repeated there; when the page broke inside a row, the
first row below the header is the rest of that row and joins it.
"""

from __future__ import annotations

import ctypes
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .pdffile import Line

# Thinner than this (points) is a rule; anything drawn thicker is a shape or a picture.
THIN = 3.0
# Rules closer than this are one boundary; a rule reaching within it of another meets it.
NEAR = 2.5
# A table needs some size: at least this many rows and columns of places.
MIN_ROWS, MIN_COLUMNS = 1, 2


@dataclass
class Rule:
    at: float  # y of a horizontal rule, x of a vertical one
    low: float  # where it begins along its length
    high: float


@dataclass
class Grid:
    """A table on one page: boundaries (xs left to right, ys top to bottom) and the cell
    (a number) of each grid place, with the text pieces each cell holds."""

    xs: list[float]
    ys: list[float]
    places: list[list[int]]
    pieces: dict[int, list] = field(default_factory=dict)

    @property
    def top(self) -> float:
        return self.ys[0]

    def holds(self, x: float, y: float) -> bool:
        return self.xs[0] < x < self.xs[-1] and self.ys[-1] < y < self.ys[0]

    def place(self, x: float, y: float) -> tuple[int, int]:
        row = next(i for i in range(len(self.ys) - 1) if y >= self.ys[i + 1])
        column = next(i for i in range(len(self.xs) - 1) if x <= self.xs[i + 1])
        return row, column

    def bounds(self, cell: int) -> tuple[float, float, float, float]:
        """left, bottom, right, top of a cell."""
        spots = [
            (r, c) for r, row in enumerate(self.places) for c, n in enumerate(row) if n == cell
        ]
        rows, columns = [r for r, _ in spots], [c for _, c in spots]
        return (
            self.xs[min(columns)],
            self.ys[max(rows) + 1],
            self.xs[max(columns) + 1],
            self.ys[min(rows)],
        )


Point = tuple[float, float]
# Bounded work: a page drawn with more paths than this is a picture, not a table.
MAX_PATHS = 5000


def upright(page) -> Callable[[float, float], Point]:
    """Page coordinates turned as the page is shown (/Rotate), up to a shift: a landscape
    ledger stored sideways reads in rows like any other page."""
    turn = page.get_rotation() % 360
    if turn == 90:
        return lambda x, y: (y, -x)
    if turn == 180:
        return lambda x, y: (-x, -y)
    if turn == 270:
        return lambda x, y: (-y, x)
    return lambda x, y: (x, y)


def page_rules(page) -> tuple[list[Rule], list[Rule]]:
    """The horizontal and vertical rules drawn on a page: thin filled or stroked shapes,
    and the straight sides of stroked outlines (a cell drawn as a rectangle)."""
    across: list[Rule] = []
    down: list[Rule] = []
    for points, stroked in _subpaths(page):
        left, right = min(x for x, _ in points), max(x for x, _ in points)
        bottom, top = min(y for _, y in points), max(y for _, y in points)
        if top - bottom <= THIN < right - left:
            across.append(Rule((top + bottom) / 2, left, right))
        elif right - left <= THIN < top - bottom:
            down.append(Rule((left + right) / 2, bottom, top))
        elif stroked:
            for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
                if abs(y1 - y2) <= 0.5 and abs(x1 - x2) > THIN:
                    across.append(Rule(y1, min(x1, x2), max(x1, x2)))
                elif abs(x1 - x2) <= 0.5 and abs(y1 - y2) > THIN:
                    down.append(Rule(x1, min(y1, y2), max(y1, y2)))
    return _merged(across), _merged(down)


def _merged(rules: list[Rule]) -> list[Rule]:
    """Rules on one line that touch, as one: a border drawn cell by cell is one rule, and
    a gap in it (a merged cell) stays."""
    out: list[Rule] = []
    for rule in sorted(rules, key=lambda r: (round(r.at), r.low)):
        last = out[-1] if out else None
        if last and abs(last.at - rule.at) <= 0.5 and rule.low <= last.high + NEAR:
            last.high = max(last.high, rule.high)
        else:
            out.append(Rule(rule.at, rule.low, rule.high))
    return out


def _subpaths(page) -> list[tuple[list[Point], bool]]:
    """Each straight-sided subpath of the page's paths (in forms too, to a depth of four)
    as points on the upright page, and whether it is stroked."""
    import pypdfium2.raw as raw

    turn = upright(page)
    out: list[tuple[list[Point], bool]] = []
    paths = _paths(raw, page.raw)
    for path, matrices in itertools.islice(paths, MAX_PATHS):
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        raw.FPDFPath_GetDrawMode(path, fill, stroke)
        for points in _outline(raw, path):
            for matrix in matrices:
                points = [_apply(matrix, x, y) for x, y in points]
            out.append(([turn(x, y) for x, y in points], bool(stroke.value)))
    return out


def _paths(raw, parent, matrices=(), depth=0) -> Iterator[tuple[Any, list]]:
    """Path objects with the matrices taking them to the page, innermost first."""
    form = depth > 0
    count = (raw.FPDFFormObj_CountObjects if form else raw.FPDFPage_CountObjects)(parent)
    for index in range(max(count, 0)):
        obj = (raw.FPDFFormObj_GetObject if form else raw.FPDFPage_GetObject)(parent, index)
        kind = raw.FPDFPageObj_GetType(obj)
        matrix = raw.FS_MATRIX()
        if not obj or not raw.FPDFPageObj_GetMatrix(obj, matrix):
            continue
        if kind == raw.FPDF_PAGEOBJ_PATH:
            yield obj, [matrix, *matrices]
        elif kind == raw.FPDF_PAGEOBJ_FORM and depth < 4:
            yield from _paths(raw, obj, (matrix, *matrices), depth + 1)


def _outline(raw, path) -> list[list[Point]]:
    """A path's subpaths as lists of points; one with a curve in it is left out."""
    subpaths: list[list[Point]] = []
    points: list[Point] = []
    curved = False
    x, y = ctypes.c_float(), ctypes.c_float()
    for index in range(min(raw.FPDFPath_CountSegments(path), 400)):
        segment = raw.FPDFPath_GetPathSegment(path, index)
        kind = raw.FPDFPathSegment_GetType(segment)
        if not segment or not raw.FPDFPathSegment_GetPoint(segment, x, y):
            continue
        if kind == raw.FPDF_SEGMENT_MOVETO:
            if points and not curved:
                subpaths.append(points)
            points, curved = [], False
        curved = curved or kind == raw.FPDF_SEGMENT_BEZIERTO
        points.append((x.value, y.value))
        if raw.FPDFPathSegment_GetClose(segment) and points:
            points.append(points[0])
    if points and not curved:
        subpaths.append(points)
    return subpaths


def _apply(matrix, x: float, y: float) -> Point:
    return matrix.a * x + matrix.c * y + matrix.e, matrix.b * x + matrix.d * y + matrix.f


def find_grids(page) -> list[Grid]:
    """The ruled tables of a page, top to bottom."""
    across, down = page_rules(page)
    if len(across) < 2 or len(down) < 2:
        return []
    grids = [_grid(a, d) for a, d in _tables(across, down)]
    return sorted((g for g in grids if g), key=lambda g: -g.top)


def _tables(across: list[Rule], down: list[Rule]) -> list[tuple[list[Rule], list[Rule]]]:
    """Rules that touch, grouped: each group one table."""
    rules = [(True, r) for r in across] + [(False, r) for r in down]
    parent = list(range(len(rules)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (flat, h) in enumerate(rules):
        if not flat:
            continue
        for j, (upright, v) in enumerate(rules):
            if not upright and _meet(h, v):
                parent[root(i)] = root(j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, (flat, rule) in enumerate(rules):
        group = groups.setdefault(root(i), ([], []))
        group[0 if flat else 1].append(rule)
    return list(groups.values())


def _meet(across: Rule, down: Rule) -> bool:
    return (
        across.low - NEAR <= down.at <= across.high + NEAR
        and down.low - NEAR <= across.at <= down.high + NEAR
    )


def _grid(across: list[Rule], down: list[Rule]) -> Grid | None:
    ys = _levels([r.at for r in across], reverse=True)
    xs = _levels([r.at for r in down], reverse=False)
    if len(ys) < MIN_ROWS + 1 or len(xs) < MIN_COLUMNS + 1:
        return None
    cells = list(range((len(ys) - 1) * (len(xs) - 1)))
    width = len(xs) - 1

    def root(i: int) -> int:
        while cells[i] != i:
            i = cells[i]
        return i

    for r in range(len(ys) - 1):
        for c in range(width):
            here = r * width + c
            middle_y, middle_x = (ys[r] + ys[r + 1]) / 2, (xs[c] + xs[c + 1]) / 2
            if c + 1 < width and not _ruled(down, xs[c + 1], middle_y):
                cells[root(here + 1)] = root(here)
            if r + 2 < len(ys) and not _ruled(across, ys[r + 1], middle_x):
                cells[root(here + width)] = root(here)
    places = [[root(r * width + c) for c in range(width)] for r in range(len(ys) - 1)]
    return Grid(xs, ys, places)


def _ruled(rules: list[Rule], at: float, middle: float) -> bool:
    return any(abs(r.at - at) <= NEAR and r.low - NEAR <= middle <= r.high + NEAR for r in rules)


def _levels(values: list[float], reverse: bool) -> list[float]:
    levels: list[float] = []
    for value in sorted(values):
        if levels and value - levels[-1] <= NEAR:
            continue
        levels.append(value)
    return levels[::-1] if reverse else levels


def put_pieces(grids: list[Grid], pieces: list) -> list:
    """Put each piece into the cell of the grid its middle falls in; the pieces outside."""
    outside = []
    for piece in pieces:
        x, y = (piece.left + piece.right) / 2, (piece.top + piece.bottom) / 2
        grid = next((g for g in grids if g.holds(x, y)), None)
        if grid is None:
            outside.append(piece)
            continue
        row, column = grid.place(x, y)
        grid.pieces.setdefault(grid.places[row][column], []).append(piece)
    return outside


# A cell's laid-out lines, each with whether it reaches the cell's right side (wraps on).
CellLines = list[tuple["Line", bool]]


@dataclass
class Sheet:
    """One table as read so far, perhaps over several pages: rows of cell keys on the
    grid, each cell's lines, and the header rows seen again atop a later page."""

    xs: list[float]
    rows: list[list[int]] = field(default_factory=list)
    cells: dict[int, CellLines] = field(default_factory=dict)
    repeated: set[int] = field(default_factory=set)
    bottom: float = 0.0  # where the last page's part of the table ends

    def takes(self, grid: Grid) -> bool:
        """The grid has this table's columns (a table going on over a page break)."""
        return len(self.xs) == len(grid.xs) and all(
            abs(a - b) <= NEAR for a, b in zip(self.xs, grid.xs, strict=True)
        )

    def add(self, grid: Grid, cells: dict[int, CellLines]) -> None:
        """Add a grid's rows: on a later page, without the header rows repeated there, and
        a first row that is the rest of a row broken by the page joins that row."""
        rows, keys = grid.places, {}
        if self.rows:
            heads = _repeated_head(_texts(self.rows, self.cells), _texts(rows, cells))
            self.repeated.update(range(heads))
            rows = rows[heads:]
            if rows and self._broken(rows[0], cells):
                keys = {n: last for n, last in zip(rows[0], self.rows[-1], strict=True)}
                for number in dict.fromkeys(rows[0]):
                    self.cells[keys[number]].extend(cells.get(number, []))
                rows = rows[1:]
        base = max(self.cells, default=-1) + 1
        for row in rows:
            for number in row:
                if number not in keys:
                    keys[number] = base + number
                    self.cells[keys[number]] = list(cells.get(number, []))
            self.rows.append([keys[number] for number in row])
        self.bottom = grid.ys[-1]

    def _broken(self, row: list[int], cells: dict[int, CellLines]) -> bool:
        """The page broke inside the last row (Word and LibreOffice let rows break): each
        cell of this row holding text goes on from the cell above, whose last line runs
        to the bottom of the page's table and is full or stops short of a clause's end."""
        for number, last in zip(row, self.rows[-1], strict=True):
            if cells.get(number) and not _runs_on(self.cells[last], self.bottom):
                return False
        return True


def _runs_on(lines: CellLines, bottom: float) -> bool:
    if not lines:
        return False
    line, full = lines[-1]
    if line.bottom - bottom > 2 * line.height or line.text.strip().isdigit():
        return False
    return full or not line.text.rstrip().endswith(("。", "；", ";", "！", "!", "？", "?"))


def _texts(rows: list[list[int]], cells: dict[int, CellLines]) -> list[tuple[str, ...]]:
    def text(number: int) -> str:
        return "".join("".join(line.text.split()) for line, _ in cells.get(number, []))

    return [tuple(text(number) for number in row) for row in rows]


def _repeated_head(first: list[tuple[str, ...]], later: list[tuple[str, ...]]) -> int:
    """How many of the table's first rows a later page's grid opens with (at most 4)."""
    count = 0
    while count < min(4, len(first), len(later)) and first[count] == later[count]:
        if not any(first[count]):
            break
        count += 1
    return count
