"""Charts drawn on the server as SVG geometry (templates ``console/includes/*_chart.html`` draw it).

Time runs from right to left, as Persian reads: the oldest value is on the right, the newest on
the left. Each chart carries its values for the text equivalent (a table screen readers read).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float


@dataclass
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    points: str = ""  # a polyline's "x,y x,y …"
    peak: float = 0
    unit: str = ""
    rows: list[tuple[str, float]] = field(default_factory=list)  # the text equivalent: (label, value)


def bar_chart(
    title: str, rows: list[tuple[str, float]], *, width: int = 600, height: int = 140, unit: str = ""
) -> Chart:
    """Bars for ``rows`` (oldest first), drawn right to left; the tallest bar fills the height."""
    chart = Chart(title, width, height, unit=unit, rows=rows)
    if not rows:
        return chart
    peak = max(value for _, value in rows) or 1
    chart.peak = max(value for _, value in rows)
    step = width / len(rows)
    gap = min(2.0, step * 0.2)
    for i, (label, value) in enumerate(rows):
        bar_height = (height - 14) * value / peak
        chart.bars.append(
            Bar(
                x=round(width - (i + 1) * step + gap / 2, 2),
                y=round(height - 14 - bar_height, 2),
                width=round(step - gap, 2),
                height=round(bar_height, 2),
                label=label,
                value=value,
            )
        )
    return chart


def line_chart(
    title: str, rows: list[tuple[str, float]], *, width: int = 600, height: int = 120, unit: str = ""
) -> Chart:
    """A polyline through ``rows`` (oldest first), right to left."""
    chart = Chart(title, width, height, unit=unit, rows=rows)
    if not rows:
        return chart
    chart.peak = max(value for _, value in rows)
    peak = chart.peak or 1
    step = width / max(len(rows) - 1, 1)
    chart.points = " ".join(
        f"{round(width - i * step, 2)},{round(height - 4 - (height - 8) * value / peak, 2)}"
        for i, (_, value) in enumerate(rows)
    )
    return chart


def sparkline(title: str, rows: list[tuple[str, float]]) -> Chart:
    return line_chart(title, rows, width=112, height=26)
