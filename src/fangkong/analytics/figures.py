"""The figures of the daily roll-up table (每日一报), declared once and read by every output.

A figure is one column: a key (a Python identifier, used in JSON, the API and tests), a
Chinese label, an optional group (the upper header row, e.g. a key-person category), and how
its value comes from the counters:

  flow     Σ of some metrics' counters on the day                (households visited, checks done)
  stock    running Σ of "in" metrics − Σ of "out" metrics up to the day (under management)
  derived  computed from the other figures of the same row        (checks missed), and from day
           metrics of its own (`reads`) where no figure holds what it needs

The selector, the page, the JSON report, the xlsx and the API only walk `FIGURES`, so each app
that feeds the roll-up (screening, quarantine, checkpoints …) adds its columns by calling
`register(...)` from its own roll-up module, next to the counter source that feeds them, without
touching the table code. Columns stand in the order the apps load (INSTALLED_APPS).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    group: str = ""
    flows: tuple[str, ...] = ()
    ins: tuple[str, ...] = ()
    outs: tuple[str, ...] = ()
    derive: Callable[[Mapping[str, int]], int] | None = None
    reads: tuple[str, ...] = ()  # day metrics a derived figure sees beside the figures (by metric name)

    @property
    def is_stock(self) -> bool:
        return bool(self.ins or self.outs)

    @property
    def heading(self) -> str:
        """One-line header (xlsx, plain lists): "疫区返乡人员·新增"."""
        return f"{self.group}·{self.label}" if self.group else str(self.label)


FIGURES: list[Figure] = []


def register(*figures: Figure) -> None:
    """Add columns to the table, in order. A key may be declared once."""
    for figure in figures:
        if not figure.key.isidentifier():
            raise ValueError(f"figure key must be an identifier: {figure.key!r}")
        if any(f.key == figure.key for f in FIGURES):
            raise ValueError(f"figure declared twice: {figure.key}")
        if sum(bool(x) for x in (figure.flows, figure.ins or figure.outs, figure.derive)) != 1:
            raise ValueError(f"figure {figure.key} needs exactly one of flows, ins/outs, derive")
        FIGURES.append(figure)


def flow(key: str, label, *metrics: str, group="") -> Figure:
    return Figure(key, label, group, flows=tuple(metrics))


def stock(key: str, label, ins: list[str], outs: list[str], group="") -> Figure:
    return Figure(key, label, group, ins=tuple(ins), outs=tuple(outs))


def derived(key: str, label, compute: Callable[[Mapping[str, int]], int], group="", reads=()) -> Figure:
    return Figure(key, label, group, derive=compute, reads=tuple(reads))


def metrics_needed(figures: list[Figure]) -> tuple[set[str], set[str]]:
    """(metrics read on the day, metrics summed up to the day) for these figures."""
    day_metrics: set[str] = set()
    running: set[str] = set()
    for figure in figures:
        day_metrics.update(figure.flows)
        day_metrics.update(figure.reads)
        # the day's in/out flows too: yesterday's stock = today's − (today's in − today's out)
        day_metrics.update(figure.ins)
        day_metrics.update(figure.outs)
        running.update(figure.ins)
        running.update(figure.outs)
    return day_metrics, running
