"""Charts for the DOCX report: PNG bytes made in memory with matplotlib's Agg backend."""

from __future__ import annotations

import io
import textwrap
from typing import Sequence

import matplotlib

matplotlib.use("Agg")  # no display: the station may run headless, and this never opens a window
from matplotlib.figure import Figure  # noqa: E402  (after choosing the backend)

from broadcaster.reports.aggregate import Line  # noqa: E402

FONT = "DejaVu Sans"  # ships with matplotlib and has every Vietnamese diacritic
BAR = "#2f5d8a"
DPI = 150


def _figure(height: float) -> Figure:
    figure = Figure(figsize=(6.3, height), dpi=DPI)
    figure.set_layout_engine("constrained")
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _style(axes, title: str, xlabel: str, ylabel: str) -> None:
    axes.set_title(title, fontfamily=FONT, fontsize=11, fontweight="bold")
    axes.set_xlabel(xlabel, fontfamily=FONT, fontsize=9)
    axes.set_ylabel(ylabel, fontfamily=FONT, fontsize=9)
    for label in axes.get_xticklabels() + axes.get_yticklabels():
        label.set_fontfamily(FONT)
        label.set_fontsize(8)
    axes.spines[["top", "right"]].set_visible(False)


def minutes_by_topic(lines: Sequence[Line], title: str = "Thời lượng phát theo chủ đề") -> bytes:
    """A horizontal bar chart of minutes aired per topic, largest on top."""
    lines = list(lines)
    figure = _figure(max(2.2, 0.42 * len(lines) + 1.2))
    axes = figure.add_subplot()
    labels = ["\n".join(textwrap.wrap(line.label, 32)) for line in reversed(lines)]
    values = [round(line.minutes, 1) for line in reversed(lines)]
    bars = axes.barh(range(len(values)), values, color=BAR)
    axes.set_yticks(range(len(values)), labels)
    axes.bar_label(bars, labels=[f"{v:,.1f}".replace(",", " ").replace(".", ",") for v in values],
                   padding=3, fontsize=8, fontfamily=FONT)
    axes.margins(x=0.15)
    _style(axes, title, "Số phút", "")
    return _png(figure)


def minutes_by_week(lines: Sequence[Line], title: str = "Thời lượng phát theo tuần") -> bytes:
    """A column chart of minutes aired per week (weeks run Monday to Sunday)."""
    lines = list(lines)
    figure = _figure(3.2)
    axes = figure.add_subplot()
    values = [round(line.minutes, 1) for line in lines]
    axes.bar(range(len(values)), values, color=BAR)
    axes.set_xticks(range(len(values)), [line.label for line in lines], rotation=60, ha="right")
    _style(axes, title, "Tuần (từ thứ Hai đến Chủ nhật)", "Số phút")
    return _png(figure)
