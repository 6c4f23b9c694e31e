"""Progress charts, drawn on the server as inline SVG by matplotlib.

Each chart function takes plain data (the dataclasses below, or any object with the same
attributes) and returns a `Chart`: the SVG (or None with a "nothing to show yet" message), a
one-paragraph summary and a data table, so that a page, a PDF or a test can use it as it is.

matplotlib is used through its object-oriented API only (`Figure` + `FigureCanvasSVG`): pyplot
keeps global state and is not thread-safe. The settings that make the SVG deterministic and keep
text as text are set once, here, and never changed afterwards.

Colours come from the site's stylesheet (static/bravely/bravely.css): the accent blue and the
warning brown are told apart in every kind of colour blindness and in greyscale by lightness,
and every series also has its own marker and line style and a direct label.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import dataclasses
import functools
import hashlib
import importlib.metadata
import io
import re
import textwrap
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Protocol

from django.core.cache import caches
from django.utils import dateformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from bravely.clinical.progress import expectancy_change, trend_line

# The design tokens of bravely.css.
INK, MUTED, LINE = "#1b1f24", "#4a5360", "#d5d9de"
ACCENT, WARN, DANGER, OK = "#1d5e8c", "#6b4a00", "#a3191d", "#1e5b2e"
ACCENT_BG, WARN_BG, DANGER_BG, OK_BG = "#e8eef4", "#fff4d6", "#fde8e8", "#e6f4ea"

WIDE, NARROW = 7.5, 4.2  # figure widths in inches: the clinician's page, the phone
FULL = 12.0  # a chart across the clinician's whole page (values and goals, in small multiples)
TABLE_ROWS = 200  # rows shown in a chart's table; the rest is counted in a note


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]
    more: int = 0  # rows left out (the newest TABLE_ROWS are shown)


@dataclass
class Chart:
    key: str
    title: str
    summary: str
    table: Table | None = None
    svg: SafeString | None = None
    empty: str = ""  # "Nothing to show yet" and what will appear, when there is no data

    @property
    def is_empty(self) -> bool:
        return self.svg is None


# The data the charts take


@dataclass
class DistressPoint:
    when: date
    before: int
    peak: int
    after: int
    stopped_early: bool = False


@dataclass
class DistressSeries:
    rung: str
    scale_max: int
    ceiling: int | None
    predicted: int | None
    points: list[DistressPoint] = field(default_factory=list)


@dataclass
class ReRating:
    when: date
    before: int
    after: int


@dataclass
class LadderRung:
    position: int  # 1 = the bottom rung
    label: str
    status: str  # planned / active / mastered / paused / skipped
    predicted: int
    mastered_on: date | None = None
    practices: list[date] = field(default_factory=list)
    re_ratings: list[ReRating] = field(default_factory=list)


@dataclass
class LadderSeries:
    plan: str
    rungs: list[LadderRung]
    current: int | None  # the position of the rung being worked on


@dataclass
class ExpectancyPoint:
    when: date
    before: int | None
    after: int | None
    happened: str  # yes / partly / no / ""
    rung: str = ""  # the rung practised: its feared outcome is what the likelihood is about


@dataclass
class ExpectancySeries:
    points: list[ExpectancyPoint]


@dataclass
class ValuesPoint:
    when: date
    importance: int | None
    consistency: float
    gap: float | None
    source: str  # assessment / check_in


@dataclass
class ValuesDomain:
    name: str
    points: list[ValuesPoint]


@dataclass
class GoalSeries:
    label: str
    target: int
    start: date
    by_when: date
    cumulative: list[tuple[date, int]]
    expected_by_now: int
    status: str = ""


@dataclass
class AdherenceWeek:
    week: date
    assigned: int
    done: int


class MeasureSeries(Protocol):
    """An outcome measure's history (bravely.measures.selectors.score_history returns these)."""

    instrument_code: str
    name: str
    max_score: int
    bands: list[tuple[int, int, str]]  # (low, high, label)
    cutoff: int | None
    points: list[tuple[date, int, str]]  # (date, total, change label or "")


@dataclass
class Measure:
    """A concrete MeasureSeries, for tests and the demo."""

    instrument_code: str
    name: str
    max_score: int
    bands: list[tuple[int, int, str]]
    cutoff: int | None
    points: list[tuple[date, int, str]]


# Rendering


@functools.cache
def _mpl() -> SimpleNamespace:
    """matplotlib, imported and set up when the first chart is drawn: a worker that only serves
    charts from the cache, or none at all, never loads it (with numpy, about 40 MB)."""
    import matplotlib
    from matplotlib import dates, ticker
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    matplotlib.rcParams.update({
        "svg.fonttype": "none",  # text stays text: selectable, translatable, read by screen readers
        "svg.hashsalt": "bravely-progress",  # stable ids, so the same data gives the same SVG
        "text.parse_math": False,  # a client's "$5 a week" is text, not mathtext (nor an error)
        "font.family": "sans-serif",
        "font.size": 11,
        "axes.edgecolor": "#4a5360",
        "axes.labelcolor": "#1b1f24",
        "xtick.color": "#4a5360",
        "ytick.color": "#4a5360",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#d5d9de",
        "grid.linewidth": 0.6,
        "legend.frameon": False,
    })

    class LocalDateFormatter(ticker.Formatter):
        """Date ticks in the active language: matplotlib's own formatters use strftime, which
        names months in the C locale (English) whatever Django's language is."""

        def __call__(self, x, pos=None):
            return dateformat.format(dates.num2date(x).date(), "j M Y")

        def format_ticks(self, values):
            days = [dates.num2date(v).date() for v in values]
            if all(d.day == 1 and d.month == 1 for d in days):
                return [dateformat.format(d, "Y") for d in days]
            labels, year = [], None
            for d in days:
                fmt = "M" if all(x.day == 1 for x in days) else "j M"
                labels.append(dateformat.format(d, fmt if d.year == year else f"{fmt} Y"))
                year = d.year
            return labels

    return SimpleNamespace(Figure=Figure, Canvas=FigureCanvasSVG, dates=dates,
                           MaxNLocator=ticker.MaxNLocator, LocalDateFormatter=LocalDateFormatter)


def _figure(width: float, height: float):
    mpl = _mpl()
    fig = mpl.Figure(figsize=(width, height), layout="constrained")
    mpl.Canvas(fig)
    return fig


_ROOT = re.compile(r"<svg\b[^>]*>")
_STYLE = re.compile(r' style="([^"]*)"')
FONTS = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"


def _attributes(match) -> str:
    """style="fill: #fff; stroke-width: 0.8" -> fill="#fff" stroke-width="0.8"; the font family
    is left to the root element (the site's own fonts)."""
    out = []
    for item in match.group(1).split(";"):
        name, _sep, value = item.partition(":")
        name, value = name.strip(), value.strip()
        if name and value and name != "font-family":
            out.append(f' {name}="{value}"')
    return "".join(out)


_RASTER = contextvars.ContextVar("bravely_charts_raster", default=False)
RASTER_DPI = 150
PRINT_WIDTH = 7.0  # inches: an A4 page's text width (templates/records/pdf/base.html)


@contextlib.contextmanager
def as_images():
    """Charts drawn inside are PNG images, not SVG: for PDFs. WeasyPrint takes seconds to draw
    an SVG with hundreds of markers and milliseconds to place an image; at 200 dpi the print is
    as sharp, and the PDF keeps each chart's data table as its text alternative."""
    token = _RASTER.set(True)
    try:
        yield
    finally:
        _RASTER.reset(token)


def _png(fig, title: str, desc: str) -> SafeString:
    """RASTER_DPI at the width the chart is printed (the page's), whatever the figure's width,
    as a JPEG of high quality: WeasyPrint puts a JPEG into the PDF as it is, where it decodes a
    PNG and compresses it again (with its alpha channel as a second image), a fifth of a
    summary's time."""
    from PIL import Image

    drawn = io.BytesIO()
    fig.savefig(drawn, format="png", dpi=RASTER_DPI * PRINT_WIDTH / fig.get_figwidth(),
                metadata={"Software": None})
    image = Image.open(drawn)
    flat = Image.new("RGB", image.size, "white")
    flat.paste(image, mask=image.getchannel("A"))
    buffer = io.BytesIO()
    flat.save(buffer, format="JPEG", quality=92, subsampling=0)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return mark_safe(f'<img class="chart-img" src="data:image/jpeg;base64,{data}" '
                     f'alt="{escape(title)}. {escape(desc)}">')


def _svg(fig, key: str, title: str, desc: str) -> SafeString:
    """The figure as inline SVG: no XML prologue, scaled by its viewBox, ids prefixed with the
    chart's key so several charts on a page do not share ids, a <title> and a <desc>. Inside
    `as_images()`, a PNG image instead."""
    if _RASTER.get():
        return _png(fig, title, desc)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, count=1, flags=re.S)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{key}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", text)
    text = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{key}-\1"', text)
    # The site's Content-Security-Policy allows no inline styles: matplotlib's style="..." and
    # its <style> element become SVG presentation attributes, which CSP does not govern.
    text = re.sub(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>\s*", "", text, count=1,
                  flags=re.S)
    text = _STYLE.sub(_attributes, text)
    root = _ROOT.search(text).group(0)
    box = re.search(r'viewBox="([^"]+)"', root).group(1)
    new_root = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="{box}" class="chart-svg" role="img" aria-label="{escape(title)}" '
        f'stroke-linejoin="round" stroke-linecap="butt" font-family="{FONTS}" '
        f'aria-describedby="{key}-desc">'
        f'<title id="{key}-title">{escape(title)}</title><desc id="{key}-desc">{escape(desc)}'
        f"</desc>")
    return mark_safe(text.replace(root, new_root, 1))


def _empty(key, title, message) -> Chart:
    return Chart(key=key, title=title, summary="", empty=message)


def _table(caption, headers, rows) -> Table:
    more = max(len(rows) - TABLE_ROWS, 0)
    return Table(caption, headers, rows[-TABLE_ROWS:] if more else rows, more)


def _d(day: date) -> str:
    return day.isoformat()


def _index_axis(ax, count: int):
    ax.set_xlim(0.5, count + 0.5)
    ax.xaxis.set_major_locator(_mpl().MaxNLocator(nbins=8, integer=True, min_n_ticks=1))


def _date_axis(ax):
    mpl = _mpl()
    ax.xaxis.set_major_locator(mpl.dates.AutoDateLocator(minticks=2, maxticks=6))
    ax.xaxis.set_major_formatter(mpl.LocalDateFormatter())


def _label_end(ax, x, y, text, color, dy=0):
    ax.annotate(text, (x, y), xytext=(6, dy), textcoords="offset points", color=color,
                va="center", fontsize=10, annotation_clip=False)


def _legend(fig, width, ax=None):
    """One legend under the plot, as wide as the figure allows (a direct label where the
    series is drawn as well, where there is room)."""
    handles, labels = (ax or fig.axes[0]).get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", fontsize=10,
                   ncols=3 if width >= WIDE else 2)


def _wrap(text: str, width: int = 40) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


# Drawn once per content: matplotlib takes 50-500 ms a chart, and a page or PDF draws up to a
# dozen. The key is a hash of everything the drawing depends on (the function, its data and
# options, the language, this module's source and matplotlib's version), so new data or new code
# never meets an old drawing, and there is nothing to invalidate. The "charts" cache (settings:
# each worker's memory, or Redis when REDIS_URL is set) costs the pages no database query.
_VERSION = hashlib.sha256(open(__file__, "rb").read()
                          + importlib.metadata.version("matplotlib").encode()).hexdigest()[:16]


_PLAIN = (str, int, float, bool, type(None), date, datetime, Decimal)


def _plain(value) -> bool:
    """Data whose repr is its whole value: dataclasses of plain values, lists, tuples, dicts."""
    if isinstance(value, _PLAIN):
        return True
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return all(_plain(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return False


def chart_key(function, args, kwargs) -> str | None:
    """The drawing's cache key; None for data that is not plain (a model, a lazy translation:
    its repr does not show all it holds, so its drawing cannot be matched)."""
    if not _plain((args, kwargs)):
        return None
    text = repr((function.__name__, args, sorted(kwargs.items()), get_language(),
                 _RASTER.get(), _VERSION))
    return "chart:" + hashlib.sha256(text.encode()).hexdigest()


def _drawn_once(function):
    @functools.wraps(function)
    def cached(*args, **kwargs):
        key = chart_key(function, args, kwargs)
        if key is None:
            return function(*args, **kwargs)
        store = caches["charts"]
        if (found := store.get(key)) is not None:
            return found
        chart = function(*args, **kwargs)
        store.set(key, chart, timeout=CHART_CACHE_SECONDS)
        return chart

    return cached


CHART_CACHE_SECONDS = 24 * 3600  # in Redis: bounded by what was viewed in a day


# The charts


@_drawn_once
def distress_chart(series: DistressSeries, *, key: str = "distress",
                   width: float = WIDE) -> Chart:
    """Distress before, at its peak and after each practice on one rung, with the ceiling and
    the predicted distress drawn as reference lines."""
    title = (_("Distress per practice: %(rung)s") % {"rung": series.rung} if series.rung
             else _("Distress per practice"))
    points = series.points
    if not points:
        return _empty(key, title, _("Nothing to show yet. Once practices on a rung are "
                                    "logged, their distress before, at the peak and after "
                                    "will appear here, rung by rung."))
    n = len(points)
    xs = list(range(1, n + 1))
    fig = _figure(width, 3.4)
    ax = fig.add_subplot()
    styles = [
        ("before", _("before"), [p.before for p in points], MUTED, "o", ":"),
        ("peak", _("peak"), [p.peak for p in points], ACCENT, "^", "-"),
        ("after", _("after"), [p.after for p in points], WARN, "s", "--"),
    ]
    for gid, label, ys, color, marker, style in styles:
        (line,) = ax.plot(xs, ys, color=color, marker=marker, linestyle=style, linewidth=1.6,
                          markersize=5 if n < 60 else 3, label=label)
        line.set_gid(f"series-{gid}")
    if series.ceiling is not None:
        ref = ax.axhline(series.ceiling, color=DANGER, linestyle=(0, (6, 3)), linewidth=1.4)
        ref.set_gid("ref-ceiling")
        ax.annotate(_("ceiling %(n)s") % {"n": series.ceiling}, (0, series.ceiling),
                    xycoords=("axes fraction", "data"), xytext=(2, 3),
                    textcoords="offset points", color=DANGER, fontsize=10)
    if series.predicted is not None:
        ref = ax.axhline(series.predicted, color=INK, linestyle=(0, (1, 2)), linewidth=1.2)
        ref.set_gid("ref-predicted")
        ax.annotate(_("predicted %(n)s") % {"n": series.predicted}, (1, series.predicted),
                    xycoords=("axes fraction", "data"), xytext=(-2, 3), ha="right",
                    textcoords="offset points", color=INK, fontsize=10)
    ax.set_ylim(0, series.scale_max * 1.05)
    _index_axis(ax, n)
    ax.set_xlabel(_("practice (oldest first)"))
    ax.set_ylabel(_("distress (0-%(max)s)") % {"max": series.scale_max})
    _legend(fig, width)
    first, last = points[0], points[-1]
    summary = ngettext(
        "%(n)s practice. Peak distress went from %(first)s in the first to %(last)s in the "
        "latest; distress after the latest practice was %(after)s.",
        "%(n)s practices. Peak distress went from %(first)s in the first to %(last)s in the "
        "latest; distress after the latest practice was %(after)s.", n) % {
        "n": n, "first": first.peak, "last": last.peak, "after": last.after}
    if series.ceiling is not None:
        over = sum(p.peak >= series.ceiling for p in points)
        summary += " " + ngettext("%(over)s of them reached the ceiling of %(c)s.",
                                  "%(over)s of them reached the ceiling of %(c)s.", over) % {
            "over": over, "c": series.ceiling}
    rows = [[_d(p.when), str(p.before), str(p.peak), str(p.after),
             _("yes") if p.stopped_early else ""] for p in points]
    table = _table(title, [_("Date"), _("Before"), _("Peak"), _("After"), _("Stopped early")],
                   rows)
    return Chart(key, title, summary, table, _svg(fig, key, title, summary))


@_drawn_once
def ladder_chart(series: LadderSeries, *, key: str = "ladder", width: float = WIDE) -> Chart:
    """The ladder over time: practices on each rung, when each was mastered, re-ratings of its
    predicted distress, and the current rung highlighted."""
    title = (_("The ladder over time: %(plan)s") % {"plan": series.plan} if series.plan
             else _("The ladder over time"))
    events = [d for r in series.rungs for d in (*r.practices,
                                                 *(x.when for x in r.re_ratings),
                                                 *([r.mastered_on] if r.mastered_on else []))]
    if not series.rungs or not events:
        return _empty(key, title, _("Nothing to show yet. As rungs are practised and mastered, "
                                    "each step up the ladder will appear here."))
    rungs = sorted(series.rungs, key=lambda r: r.position)
    height = 1.2 + 0.42 * len(rungs)
    fig = _figure(width, max(height, 2.6))
    ax = fig.add_subplot()
    if series.current is not None:
        band = ax.axhspan(series.current - 0.4, series.current + 0.4, color=ACCENT_BG, zorder=0)
        band.set_gid("current-rung")
    practice_x, practice_y, mastered_x, mastered_y = [], [], [], []
    rerate_x, rerate_y = [], []
    for rung in rungs:
        for day in rung.practices:
            practice_x.append(day)
            practice_y.append(rung.position)
        if rung.mastered_on:
            mastered_x.append(rung.mastered_on)
            mastered_y.append(rung.position)
        for r in rung.re_ratings:
            rerate_x.append(r.when)
            rerate_y.append(rung.position)
            ax.annotate(f"{r.before}→{r.after}", (r.when, rung.position), xytext=(0, 8),
                        textcoords="offset points", ha="center", fontsize=9, color=WARN)
    if practice_x:
        (line,) = ax.plot(practice_x, practice_y, linestyle="none", marker="o", markersize=4,
                          color=MUTED, alpha=0.7, label=_("practice"))
        line.set_gid("series-practices")
    if mastered_x:
        (line,) = ax.plot(mastered_x, mastered_y, linestyle="none", marker="*", markersize=13,
                          color=ACCENT, markeredgecolor=INK, label=_("mastered"))
        line.set_gid("series-mastered")
    if rerate_x:
        (line,) = ax.plot(rerate_x, rerate_y, linestyle="none", marker="D", markersize=6,
                          markerfacecolor="white", markeredgecolor=WARN, markeredgewidth=1.5,
                          label=_("predicted distress re-rated"))
        line.set_gid("series-re-ratings")
    ax.set_ylim(0.4, len(rungs) + 0.6 if rungs else 1)
    ax.set_yticks([r.position for r in rungs],
                  [(_("%(n)s (now)") if r.position == series.current else "%(n)s")
                   % {"n": r.position} for r in rungs])
    ax.set_ylabel(_("rung (1 = first step)"))
    ax.grid(axis="y", visible=False)
    _date_axis(ax)
    _legend(fig, width)
    mastered = [r for r in rungs if r.status == "mastered"]
    summary = ngettext("%(m)s of %(n)s rung mastered.", "%(m)s of %(n)s rungs mastered.",
                       len(rungs)) % {"m": len(mastered), "n": len(rungs)}
    current = next((r for r in rungs if r.position == series.current), None)
    if current:
        summary += " " + _("Now working on rung %(p)s: %(label)s.") % {
            "p": current.position, "label": current.label}
    count = sum(len(r.re_ratings) for r in rungs)
    if count:
        summary += " " + ngettext("Predicted distress was re-rated %(n)s time.",
                                  "Predicted distress was re-rated %(n)s times.", count) % {
            "n": count}
    rows = [[str(r.position), r.label, r.get_status_display() if hasattr(
        r, "get_status_display") else _status(r.status), str(len(r.practices)),
        _d(r.mastered_on) if r.mastered_on else "",
        "; ".join(f"{_d(x.when)}: {x.before}→{x.after}" for x in r.re_ratings)]
        for r in rungs]
    table = _table(title, [_("Rung"), _("Behaviour"), _("Status"), _("Practices"),
                           _("Mastered on"), _("Re-ratings of predicted distress")], rows)
    return Chart(key, title, summary, table, _svg(fig, key, title, summary))


def _status(code: str) -> str:
    return {"planned": _("Planned"), "active": _("Active"), "mastered": _("Mastered"),
            "paused": _("Paused"), "skipped": _("Skipped")}.get(code, code)


def _happened(code: str) -> str:
    return {"yes": _("yes"), "partly": _("partly"), "no": _("no")}.get(code, "")


@_drawn_once
def expectancy_chart(series: ExpectancySeries, *, key: str = "expectancy",
                     width: float = WIDE) -> Chart:
    """How likely the feared outcome seemed before and after each practice, whether it happened,
    and the trend of the likelihood before across practices."""
    title = _("Expectancy: how likely the feared outcome seemed")
    points = [p for p in series.points if p.before is not None or p.after is not None]
    if not points:
        return _empty(key, title, _("Nothing to show yet. When practices record how likely the "
                                    "feared outcome seemed before and after, they will appear "
                                    "here, with how often it actually happened."))
    n = len(points)
    xs = list(range(1, n + 1))
    fig = _figure(width, 3.6)
    ax = fig.add_subplot()
    for x, p in zip(xs, points, strict=True):
        if p.before is not None and p.after is not None:
            ax.plot([x, x], [p.before, p.after], color=LINE, linewidth=2, zorder=1)
    bx = [x for x, p in zip(xs, points, strict=True) if p.before is not None]
    by = [p.before for p in points if p.before is not None]
    ax_ = [x for x, p in zip(xs, points, strict=True) if p.after is not None]
    ay = [p.after for p in points if p.after is not None]
    if bx:
        (line,) = ax.plot(bx, by, linestyle="none", marker="o", color=ACCENT, markersize=6,
                          label=_("before"), zorder=3)
        line.set_gid("series-before")
    if ax_:
        (line,) = ax.plot(ax_, ay, linestyle="none", marker="v", color=WARN, markersize=6,
                          label=_("after"), zorder=3)
        line.set_gid("series-after")
    groups = _runs(xs, points)
    for i, (_rung, members) in enumerate(groups):
        gx = [x for x, p in members if p.after is not None]
        trend = trend_line([p.after for _x, p in members if p.after is not None])
        if trend:
            (line,) = ax.plot([gx[0], gx[-1]], list(trend), color=WARN, linestyle="--",
                              linewidth=1.3, label=_("trend after") if i == 0 else None)
            line.set_gid(f"trend-after-{i}")
        if len(groups) > 1:
            start = members[0][0]
            if i:
                ax.axvline(start - 0.5, color=MUTED, linewidth=0.8)
            ax.annotate(_("rung %(n)s") % {"n": i + 1}, (start - 0.4, 0), xytext=(0, 3),
                        textcoords="offset points", fontsize=9, color=MUTED)
    hx = [x for x, p in zip(xs, points, strict=True) if p.happened == "yes"]
    px = [x for x, p in zip(xs, points, strict=True) if p.happened == "partly"]
    if hx:
        (line,) = ax.plot(hx, [108] * len(hx), linestyle="none", marker="X", color=DANGER,
                          markersize=7, label=_("it happened"), clip_on=False)
        line.set_gid("series-happened")
    if px:
        (line,) = ax.plot(px, [108] * len(px), linestyle="none", marker="P", color=WARN,
                          markersize=7, label=_("it partly happened"), clip_on=False)
        line.set_gid("series-partly")
    ax.set_ylim(0, 112)
    ax.set_yticks([0, 25, 50, 75, 100])
    _index_axis(ax, n)
    ax.set_xlabel(_("practice (oldest first)"))
    ax.set_ylabel(_("likelihood (%)"))
    _legend(fig, width)
    summary = " ".join(
        expectancy_summary(expectancy_change([p.after for _x, p in members],
                                             [p.happened for _x, p in members]),
                           [p.before for _x, p in members if p.before is not None],
                           rung=rung if len(groups) > 1 else "")
        for rung, members in groups)
    rows = [[_d(p.when), p.rung, "" if p.before is None else f"{p.before}\u00a0%",
             "" if p.after is None else f"{p.after}\u00a0%", _happened(p.happened)] for p in points]
    table = _table(title, [_("Date"), _("Rung"), _("Likelihood before"),
                           _("Likelihood after"), _("Did it happen?")], rows)
    return Chart(key, title, summary, table, _svg(fig, key, title, summary))


def _runs(xs, points):
    """Consecutive practices on the same rung: [(rung, [(x, point), ...]), ...]."""
    groups: list = []
    for x, p in zip(xs, points, strict=True):
        if groups and groups[-1][0] == p.rung:
            groups[-1][1].append((x, p))
        else:
            groups.append((p.rung, [(x, p)]))
    return groups


def expectancy_summary(change, before=(), rung: str = "") -> str:
    """change: clinical.progress.expectancy_change over the likelihoods rated *after* each
    practice (the expectancy as it was updated); before: the likelihoods rated before."""
    parts = [_("Rung “%(rung)s”.") % {"rung": rung}] if rung else []
    if change.change is not None:
        parts.append(_("After practising, the feared outcome seemed %(first)s %% likely after "
                       "the first practice and %(latest)s %% after the latest (%(change)+d "
                       "points; %(slope)+.1f a practice on the trend).") % {
            "first": change.first, "latest": change.latest, "change": change.change,
            "slope": change.slope})
    elif change.first is not None:
        parts.append(_("After the one practice so far, the feared outcome seemed %(first)s %% "
                       "likely.") % {"first": change.first})
    if before:
        parts.append(_("Before practising it was rated %(first)s %% at first and "
                       "%(latest)s %% at the latest.") % {
            "first": before[0], "latest": before[-1]})
    answered = change.happened + change.partly + change.did_not
    if answered:
        parts.append(_("It happened in %(yes)s and partly in %(partly)s of %(n)s practices "
                       "with an answer.") % {"yes": change.happened, "partly": change.partly,
                                             "n": answered})
    return " ".join(parts)


@_drawn_once
def values_chart(domains: list[ValuesDomain], *, key: str = "values", width: float = WIDE,
                 columns: int = 2) -> Chart:
    """Per life domain: importance and consistency over assessments and check-ins, the gap
    between them shaded."""
    title = _("Values over time: importance and how fully they were lived")
    domains = [d for d in domains if d.points]
    if not domains:
        return _empty(key, title, _("Nothing to show yet. Values assessments and check-in "
                                    "ratings will appear here, domain by domain, with the gap "
                                    "between how much each matters and how fully it was lived."))
    columns = max(1, min(columns, len(domains)))
    rows_n = (len(domains) + columns - 1) // columns
    fig = _figure(width, 0.8 + 2.1 * rows_n)
    axes = fig.subplots(rows_n, columns, squeeze=False, sharey=True)
    for i, domain in enumerate(domains):
        ax = axes[i // columns][i % columns]
        pts = domain.points
        days = [p.when for p in pts]
        imp = [(p.when, p.importance) for p in pts if p.importance is not None]
        if imp:
            (line,) = ax.plot([d for d, _v in imp], [v for _d, v in imp], color=ACCENT,
                              marker="o", linewidth=1.6, label=_("importance"))
            line.set_gid(f"series-importance-{i}")
        (line,) = ax.plot(days, [p.consistency for p in pts], color=WARN, marker="s",
                          linestyle="--", linewidth=1.6, label=_("lived (consistency)"))
        line.set_gid(f"series-consistency-{i}")
        both = [p for p in pts if p.importance is not None]
        if len(both) >= 2:
            ax.fill_between([p.when for p in both], [p.importance for p in both],
                            [p.consistency for p in both], color=WARN_BG, hatch="///",
                            edgecolor=LINE, linewidth=0, zorder=0)
        ax.set_title(_wrap(domain.name, 30), fontsize=11, loc="left")
        ax.set_ylim(0, 10.8)
        ax.set_yticks([0, 5, 10])
        _date_axis(ax)
        if len(set(days)) == 1:
            ax.set_xlim(days[0] - timedelta(days=3), days[0] + timedelta(days=3))
    for j in range(len(domains), rows_n * columns):
        axes[j // columns][j % columns].set_visible(False)
    _legend(fig, width, axes[0][0])
    lines = []
    for domain in domains:
        latest = domain.points[-1]
        first = domain.points[0]
        if latest.gap is not None:
            lines.append(_("%(domain)s: importance %(imp)s, lived %(cons)s (gap %(gap)s)") % {
                "domain": domain.name, "imp": latest.importance,
                "cons": _num(latest.consistency), "gap": _num(latest.gap)}
                + ("" if first is latest or first.gap is None else
                   _(", gap %(first)s at first") % {"first": _num(first.gap)}))
        else:
            lines.append(_("%(domain)s: lived %(cons)s") % {
                "domain": domain.name, "cons": _num(latest.consistency)})
    summary = _("Latest ratings (0-10). %(lines)s.") % {"lines": "; ".join(lines)}
    rows = [[d.name, _d(p.when), _("assessment") if p.source == "assessment" else _("check-in"),
             "" if p.importance is None else str(p.importance), _num(p.consistency),
             "" if p.gap is None else _num(p.gap)] for d in domains for p in d.points]
    table = _table(title, [_("Domain"), _("Date"), _("From"), _("Importance"),
                           _("Lived (consistency)"), _("Gap")], rows)
    return Chart(key, title, summary, table, _svg(fig, key, title, summary))


def _num(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


@_drawn_once
def goals_chart(goals: list[GoalSeries], *, key: str = "goals", width: float = WIDE,
                columns: int = 2) -> Chart:
    """Each valued goal: what was done so far against a steady pace to its target."""
    title = _("Valued goals: done so far against the goal")
    if not goals:
        return _empty(key, title, _("Nothing to show yet. When valued goals are set, each one "
                                    "will appear here with what was done towards it."))
    columns = max(1, min(columns, len(goals)))
    rows_n = (len(goals) + columns - 1) // columns
    fig = _figure(width, 0.6 + 2.2 * rows_n)
    axes = fig.subplots(rows_n, columns, squeeze=False)
    for i, goal in enumerate(goals):
        ax = axes[i // columns][i % columns]
        (line,) = ax.plot([goal.start, goal.by_when], [0, goal.target], color=MUTED,
                          linestyle=(0, (4, 3)), linewidth=1.3, label=_("steady pace"))
        line.set_gid(f"pace-{i}")
        xs = [goal.start] + [d for d, _c in goal.cumulative]
        ys = [0] + [c for _d, c in goal.cumulative]
        (line,) = ax.step(xs, ys, where="post", color=ACCENT, marker="o", markersize=4,
                          linewidth=1.8, label=_("done"))
        line.set_gid(f"series-done-{i}")
        ax.axhline(goal.target, color=OK, linestyle=":", linewidth=1.2)
        ax.annotate(_("goal %(n)s") % {"n": goal.target}, (1, goal.target),
                    xycoords=("axes fraction", "data"), xytext=(-2, 3), ha="right",
                    textcoords="offset points", color=OK, fontsize=10)
        ax.set_ylim(0, max(goal.target, ys[-1]) * 1.2 + 0.5)
        ax.yaxis.set_major_locator(_mpl().MaxNLocator(nbins=4, integer=True))
        ax.set_title(_wrap(goal.label, 34), fontsize=11, loc="left")
        _date_axis(ax)
    for j in range(len(goals), rows_n * columns):
        axes[j // columns][j % columns].set_visible(False)
    _legend(fig, width, axes[0][0])
    summary = " ".join(
        _("%(goal)s: %(done)s of %(target)s done by %(date)s; %(pace)s by now on a steady "
          "pace.") % {"goal": g.label, "done": g.cumulative[-1][1] if g.cumulative else 0,
                      "target": g.target, "date": _d(g.by_when), "pace": g.expected_by_now}
        for g in goals)
    rows = [[g.label, g.status, _d(g.start), _d(g.by_when), str(g.target),
             str(g.cumulative[-1][1] if g.cumulative else 0), str(g.expected_by_now)]
            for g in goals]
    table = _table(title, [_("Goal"), _("Status"), _("From"), _("By"), _("Goal (times)"),
                           _("Done"), _("Steady pace by now")], rows)
    return Chart(key, title, summary, table, _svg(fig, key, title, summary))


@_drawn_once
def adherence_chart(weeks: list[AdherenceWeek], *, key: str = "adherence",
                    width: float = WIDE) -> Chart:
    """Practices assigned (outlined, hatched) and done (solid) in each week."""
    title = _("Practice: assigned and done each week")
    if not weeks or not any(w.assigned or w.done for w in weeks):
        return _empty(key, title, _("Nothing to show yet. Once homework is assigned, each "
                                    "week's assigned and completed practices will appear here."))
    fig = _figure(width, 3.2)
    ax = fig.add_subplot()
    xs = list(range(len(weeks)))
    bars = ax.bar([x - 0.2 for x in xs], [w.assigned for w in weeks], width=0.4,
                  color="white", edgecolor=MUTED, hatch="///", linewidth=1, label=_("assigned"))
    for i, bar in enumerate(bars):
        bar.set_gid(f"assigned-{i}")
    bars = ax.bar([x + 0.2 for x in xs], [w.done for w in weeks], width=0.4, color=ACCENT,
                  edgecolor=ACCENT, label=_("done"))
    for i, bar in enumerate(bars):
        bar.set_gid(f"done-{i}")
    step = max(1, len(weeks) // 8)
    ax.set_xticks(xs[::step], [dateformat.format(w.week, "j M") for w in weeks][::step])
    ax.yaxis.set_major_locator(_mpl().MaxNLocator(integer=True))
    ax.set_xlabel(_("week starting"))
    ax.set_ylabel(_("practices"))
    ax.grid(axis="x", visible=False)
    _legend(fig, width)
    assigned = sum(w.assigned for w in weeks)
    done = sum(w.done for w in weeks)
    summary = ngettext("Over %(n)s week, %(done)s practices done of %(assigned)s assigned.",
                       "Over %(n)s weeks, %(done)s practices done of %(assigned)s assigned.",
                       len(weeks)) % {"n": len(weeks), "done": done, "assigned": assigned}
    rows = [[_d(w.week), str(w.assigned), str(w.done)] for w in weeks]
    table = _table(title, [_("Week starting"), _("Assigned"), _("Done")], rows)
    return Chart(key, title, summary, table, _svg(fig, key, title, summary))


BAND_FILLS = (OK_BG, ACCENT_BG, WARN_BG, DANGER_BG, "#f3d0d0")


@_drawn_once
def outcome_measure_chart(series: MeasureSeries, *, key: str | None = None,
                          width: float = WIDE) -> Chart:
    """An outcome measure's totals over time, on its severity bands, with its clinical cut-off
    and each administration's change label (reliable change, recovered)."""
    key = key or f"measure-{re.sub(r'[^a-z0-9]+', '-', series.instrument_code.lower())}"
    title = _("%(name)s over time") % {"name": series.name}
    points = sorted(series.points, key=lambda p: p[0])
    if not points:
        return _empty(key, title, _("Nothing to show yet. Once this measure is completed, each "
                                    "score will appear here on its severity bands."))
    fig = _figure(width, 3.4)
    ax = fig.add_subplot()
    for i, (low, high, label) in enumerate(series.bands):
        band = ax.axhspan(low - 0.5 if low > 0 else 0, high + 0.5, zorder=0,
                          color=BAND_FILLS[min(i, len(BAND_FILLS) - 1)])
        band.set_gid(f"band-{i}")
        ax.annotate(label, (1, (low + high) / 2), xycoords=("axes fraction", "data"),
                    xytext=(-4, 0), textcoords="offset points", ha="right", va="center",
                    fontsize=9, color=MUTED)
    if series.cutoff is not None:
        ref = ax.axhline(series.cutoff, color=DANGER, linestyle=(0, (6, 3)), linewidth=1.4)
        ref.set_gid("ref-cutoff")
        ax.annotate(_("cut-off %(n)s") % {"n": series.cutoff}, (0, series.cutoff),
                    xycoords=("axes fraction", "data"), xytext=(2, 3),
                    textcoords="offset points", color=DANGER, fontsize=10)
    days = [p[0] for p in points]
    totals = [p[1] for p in points]
    (line,) = ax.plot(days, totals, color=ACCENT, marker="o", linewidth=1.8, markersize=6,
                      label=_("total"))
    line.set_gid("series-total")
    marked = [(d, t, c) for d, t, c in points if c]
    if marked:
        (line,) = ax.plot([d for d, _t, _c in marked], [t for _d, t, _c in marked],
                          linestyle="none", marker="o", markersize=12, markerfacecolor="none",
                          markeredgecolor=INK, markeredgewidth=1.5, label=_("change label"))
        line.set_gid("series-change")
        for d, t, c in marked:
            ax.annotate(_wrap(c, 18), (d, t), xytext=(0, -16), textcoords="offset points",
                        ha="center", va="top", fontsize=9, color=INK)
    ax.set_ylim(0, series.max_score + 0.5)
    ax.set_ylabel(_("total (0-%(max)s)") % {"max": series.max_score})
    _date_axis(ax)
    if len(set(days)) == 1:
        ax.set_xlim(days[0] - timedelta(days=7), days[0] + timedelta(days=7))
    first, last = points[0], points[-1]
    band = next((lbl for lo, hi, lbl in series.bands if lo <= last[1] <= hi), "")
    summary = ngettext(
        "%(n)s score: %(last)s on %(date)s%(band)s.",
        "%(n)s scores, from %(first)s on %(first_date)s to %(last)s on %(date)s%(band)s.",
        len(points)) % {"n": len(points), "first": first[1], "first_date": _d(first[0]),
                        "last": last[1], "date": _d(last[0]),
                        "band": f" ({band})" if band else ""}
    if last[2]:
        summary += " " + _("Latest change: %(label)s.") % {"label": last[2]}
    rows = [[_d(d), str(t),
             next((lbl for lo, hi, lbl in series.bands if lo <= t <= hi), ""), c]
            for d, t, c in points]
    table = _table(title, [_("Date"), _("Total"), _("Severity"), _("Change")], rows)
    return Chart(key, title, summary, table, _svg(fig, key, title, summary))


def as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value
