"""Server-rendered SVG charts: no script, nothing fetched, every label escaped."""

from __future__ import annotations

import math

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from zhenggai.ledger.counts import Rate

COLOURS = {
    "green": "#2e7d32",
    "yellow": "#f9a825",
    "red": "#c62828",
    "blue": "#1565c0",
    "grey": "#9e9e9e",
    "track": "#eeeeee",
}


def stacked_bar(segments: list[tuple[str, int, str]], *, width: int = 640) -> SafeString:
    """One bar split into (label, value, colour) segments, with a legend underneath."""
    total = sum(value for _label, value, _colour in segments) or 1
    rects, legend, x = [], [], 0.0
    for index, (label, value, colour) in enumerate(segments):
        w = width * value / total
        rects.append((f"{x:.1f}", f"{w:.1f}", COLOURS[colour], label, value))
        legend.append((index * 150, COLOURS[colour], index * 150 + 16, label, value))
        x += w
    bars = format_html_join(
        "",
        '<rect x="{}" y="0" width="{}" height="22" fill="{}"><title>{}：{}</title></rect>',
        rects,
    )
    keys = format_html_join(
        "",
        '<rect x="{}" y="32" width="12" height="12" fill="{}"/>'
        '<text x="{}" y="43" font-size="12">{} {}</text>',
        legend,
    )
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} 50" width="100%" '
        'preserveAspectRatio="xMinYMin meet">{}{}</svg>',
        width,
        bars,
        keys,
    )


def gauge(rate: Rate, *, label: str) -> SafeString:
    """A ring filled to `rate`, with the figure, as every page writes it, in the middle."""
    radius = 40
    length = 2 * math.pi * radius
    filled = length * max(0.0, min(float(rate), 100.0)) / 100
    return format_html(
        '<svg class="gauge" role="img" viewBox="0 0 100 100" width="120" height="120">'
        "<title>{}{}</title>"
        '<circle cx="50" cy="50" r="{}" fill="none" stroke="{}" stroke-width="12"/>'
        '<circle cx="50" cy="50" r="{}" fill="none" stroke="{}" stroke-width="12" '
        'stroke-dasharray="{} {}" transform="rotate(-90 50 50)"/>'
        '<text x="50" y="55" text-anchor="middle" font-size="16">{}</text></svg>',
        label,
        rate,
        radius,
        COLOURS["track"],
        radius,
        COLOURS["green"],
        f"{filled:.1f}",
        f"{length:.1f}",
        rate,
    )


BAR_ROW = (
    '<text x="0" y="{text_y}" font-size="12">{label}</text>'
    '<rect x="{x}" y="{y}" width="{track}" height="14" fill="{track_colour}"/>'
    '<rect x="{x}" y="{y}" width="{w}" height="14" fill="{colour}"/>'
    '<text x="{after}" y="{text_y}" font-size="12">{rate}　超期 {overdue}</text>'
)


def rate_bars(rows: list[tuple[str, Rate, int]], *, width: int = 640) -> SafeString:
    """Horizontal bars of a completion rate per unit; the overdue count is written after."""
    label_w, row_h = 160, 22
    bar_w = width - label_w - 120
    body = format_html_join(
        "",
        BAR_ROW,
        (
            {
                "text_y": index * row_h + 15,
                "label": label[:12],
                "x": label_w,
                "y": index * row_h + 4,
                "track": bar_w,
                "track_colour": COLOURS["track"],
                "w": f"{bar_w * max(0.0, min(float(rate), 100.0)) / 100:.1f}",
                "colour": COLOURS["red"] if overdue else COLOURS["green"],
                "after": label_w + bar_w + 6,
                "rate": rate,
                "overdue": overdue,
            }
            for index, (label, rate, overdue) in enumerate(rows)
        ),
    )
    height = max(row_h * len(rows), row_h)
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%">{}</svg>',
        width,
        height,
        body,
    )
