"""Small inline SVG charts for self-contained reports (no scripts, no network, text escaped)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

INK = "#1f2937"
MUTED = "#9ca3af"
THIS = "#2563eb"
BEFORE = "#cbd5e1"
MARK = "#dc2626"


def paired_bars(rows: Sequence[tuple[str, int, int]], *, width: int = 560, now_label: str = "", before_label: str = "") -> str:
    """Horizontal bars: (name, this period, previous period) per row."""
    if not rows:
        return ""
    bar, gap, label_w, top = 9, 8, 170, 22
    height = top + len(rows) * (2 * bar + gap) + 4
    most = max(max(a, b) for _, a, b in rows) or 1
    scale = (width - label_w - 60) / most
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" style="max-width:100%;height:auto" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(now_label)} vs {escape(before_label)}</title>",
        f'<rect x="{label_w}" y="4" width="10" height="10" fill="{THIS}"/><text x="{label_w + 14}" y="13" font-size="11" fill="{INK}">{escape(now_label)}</text>',
        f'<rect x="{label_w + 110}" y="4" width="10" height="10" fill="{BEFORE}"/><text x="{label_w + 124}" y="13" font-size="11" fill="{INK}">{escape(before_label)}</text>',
    ]
    for i, (name, now, before) in enumerate(rows):
        y = top + i * (2 * bar + gap)
        short = name if len(name) <= 26 else name[:25] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + bar + 3}" font-size="12" text-anchor="end" fill="{INK}">{escape(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{max(1.0, now * scale):.1f}" height="{bar}" fill="{THIS}"/>')
        parts.append(f'<text x="{label_w + now * scale + 4:.1f}" y="{y + bar - 1}" font-size="10" fill="{INK}">{now}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + bar}" width="{max(1.0, before * scale):.1f}" height="{bar}" fill="{BEFORE}"/>')
        parts.append(f'<text x="{label_w + before * scale + 4:.1f}" y="{y + 2 * bar - 1}" font-size="10" fill="{MUTED}">{before}</text>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart(values: Sequence[tuple[str, int]], *, width: int = 560, height: int = 150, highlight: str | None = None) -> str:
    """Vertical bars with labels underneath (monthly totals)."""
    if not values:
        return ""
    most = max(v for _, v in values) or 1
    left, bottom, top = 8, 20, 14
    slot = (width - 2 * left) / len(values)
    scale = (height - bottom - top) / most
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" style="max-width:100%;height:auto" xmlns="http://www.w3.org/2000/svg"><title>Tickets per month</title>']
    for i, (name, value) in enumerate(values):
        x = left + i * slot + slot * 0.15
        h = value * scale
        colour = THIS if highlight is None or name == highlight else BEFORE
        parts.append(f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{colour}"/>')
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{height - bottom - h - 3:.1f}" font-size="10" text-anchor="middle" fill="{INK}">{value}</text>')
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{height - 6}" font-size="10" text-anchor="middle" fill="{MUTED}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def weekly_line(weekly: Sequence[tuple[dt.date, int]], *, mark: dt.date | None = None, mark_label: str = "",
                width: int = 260, height: int = 64) -> str:
    """A sparkline of weekly tickets with a vertical line at `mark` (a release or an article change)."""
    if not weekly:
        return ""
    pad, top = 4, 12
    most = max(c for _, c in weekly) or 1
    step = (width - 2 * pad) / max(1, len(weekly) - 1)

    def x_of(index: float) -> float:
        return pad + index * step

    points = " ".join(f"{x_of(i):.1f},{height - pad - c * (height - pad - top) / most:.1f}" for i, (_, c) in enumerate(weekly))
    first, last = weekly[0][0], weekly[-1][0]
    parts = [
        f'<svg class="spark" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>Tickets per week, {first.isoformat()} to {last.isoformat()}; peak {most}</title>",
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="{BEFORE}"/>',
    ]
    if mark is not None and first <= mark <= last + dt.timedelta(days=6):
        position = (mark - first).days / 7
        parts.append(f'<line x1="{x_of(position):.1f}" y1="{top - 2}" x2="{x_of(position):.1f}" y2="{height - pad}" stroke="{MARK}" stroke-dasharray="3 2"/>')
        parts.append(f'<text x="{min(x_of(position) + 3, width - 40):.1f}" y="{top - 3}" font-size="9" fill="{MARK}">{escape(mark_label)}</text>')
    parts.append(f'<polyline points="{points}" fill="none" stroke="{THIS}" stroke-width="1.8"/>')
    parts.append(f'<text x="{pad}" y="{top - 3}" font-size="9" fill="{MUTED}">max {most}/wk</text>')
    parts.append("</svg>")
    return "".join(parts)
