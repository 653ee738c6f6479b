"""Draw how each step's time and peak memory grow with the estate, as one SVG.

    python benchmarks/run.py --svg docs/benchmark-scaling.svg \\
        benchmarks/results/small.json benchmarks/results/large.json benchmarks/results/xl.json

Two panels (wall-clock seconds, peak MiB), both on log scales, one line per step,
one point per size the step ran at. Plain SVG, no plotting library.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf", "#7f7f7f", "#bcbd22")
W, H = 460, 300  # one panel
LEFT, TOP, BOTTOM = 60, 40, 50


def _ticks(lo: float, hi: float) -> list[float]:
    out, v = [], 10 ** math.floor(math.log10(lo))
    while v <= hi * 1.0001:
        out.append(v)
        v *= 10
    return out


def _panel(x0: int, title: str, unit: str, series: dict[str, list[tuple[int, float]]],
           labels: list[str]) -> list[str]:
    values = [v for pts in series.values() for _, v in pts if v > 0]
    lo, hi = min(values), max(values)
    ticks = _ticks(lo, hi)
    a, b = math.log10(ticks[0]), math.log10(max(hi, ticks[-1]))
    pw, ph = W - LEFT - 55, H - TOP - BOTTOM  # room for the last size's label

    def xy(i: int, v: float) -> tuple[float, float]:
        x = x0 + LEFT + (pw * i / max(1, len(labels) - 1))
        y = TOP + ph - ph * (math.log10(max(v, ticks[0])) - a) / max(1e-9, b - a)
        return x, y

    out = [f'<text x="{x0 + LEFT + pw / 2}" y="22" text-anchor="middle" '
           f'font-weight="bold">{escape(title)}</text>',
           f'<rect x="{x0 + LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" '
           'stroke="#999"/>']
    for t in ticks:
        _, y = xy(0, t)
        out.append(f'<line x1="{x0 + LEFT}" x2="{x0 + LEFT + pw}" y1="{y:.1f}" y2="{y:.1f}" '
                   'stroke="#ddd"/>')
        out.append(f'<text x="{x0 + LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
                   f'{t:g} {unit}</text>')
    for i, label in enumerate(labels):
        x, _ = xy(i, ticks[0])
        for k, line in enumerate(label.split("\n")):
            out.append(f'<text x="{x:.1f}" y="{TOP + ph + 18 + 14 * k}" '
                       f'text-anchor="middle">{escape(line)}</text>')
    for k, (name, pts) in enumerate(series.items()):
        colour = COLOURS[k % len(COLOURS)]
        coords = [xy(i, v) for i, v in pts if v > 0]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                       'stroke-width="2"/>')
        for x, y in coords:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                       f'<title>{escape(name)}</title></circle>')
    return out


def svg(results: list[dict[str, Any]]) -> str:
    """The SVG text for results of increasing size (as benchmarks/run.py writes them)."""
    labels = [f"{r['size']}\n{r['sizes']['sites']:,} sites\n{r['sizes']['occupiers']:,} occ."
              for r in results]
    names: list[str] = []
    for r in results:
        names += [s["name"] for s in r["steps"] if s["name"] not in names
                  and s["name"] != "lab up"]
    times: dict[str, list[tuple[int, float]]] = {n: [] for n in names}
    mems: dict[str, list[tuple[int, float]]] = {n: [] for n in names}
    for i, r in enumerate(results):
        for s in r["steps"]:
            if s["name"] in times:
                times[s["name"]].append((i, float(s["seconds"])))
                mems[s["name"]].append((i, float(s["peak_rss_mb"])))
    loads = ", ".join(f"{r['size']} {r['machine']['load_average_1m']:.1f}" for r in results)
    legend_h = 18 * len(names) + 20
    total_h = H + legend_h + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W}" height="{total_h}" '
           f'viewBox="0 0 {2 * W} {total_h}" font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>']
    out += _panel(0, "time per step (wall clock, log scale)", "s", times, labels)
    out += _panel(W, "peak memory per step (log scale)", "MiB", mems, labels)
    y = H + 20
    for k, n in enumerate(names):
        colour = COLOURS[k % len(COLOURS)]
        out.append(f'<line x1="{LEFT}" x2="{LEFT + 24}" y1="{y - 4}" y2="{y - 4}" '
                   f'stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{LEFT + 30}" y="{y}">{escape(n)}</text>')
        y += 18
    out.append(f'<text x="{LEFT}" y="{y + 8}" fill="#555">2 shared cores; 1-minute load '
               f'average at the start of each run: {escape(loads)}. A size without a point '
               'for a step did not run it.</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
