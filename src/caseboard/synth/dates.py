"""Vectorised date arithmetic for the generator: days as integers, working days, months, birthdays, repeats.

Dates inside the generator are ``int64`` day numbers (days since 1970-01-01, numpy's ``datetime64[D]`` epoch) so
that a whole county's journeys are computed with array arithmetic; ``frames.canonical`` turns them into dates at
the end. ``NA`` marks "no date" (an open end, an event that has not happened).

Working days are the project calendar's (``caseboard.calendar``: Monday to Friday less England and Wales bank
holidays and any closure days; "N working days after a start" is ``busday_offset(start, N, roll="backward")``),
turned into a sorted array of working days so that whole columns move by working days at once. ``add_months``
and ``birthday`` are the vectorised equivalents of ``calendar.add_months`` and ``calendar.nth_birthday`` (day
clamped to the month's end; a 29 February birthday falls on 28 February), tested against them.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from caseboard.calendar import DEFAULT_CALENDAR

#: "No date": far enough in the past that no comparison with a real date can be mistaken for one.
NA = np.int64(-(10**8))
EPOCH = dt.date(1970, 1, 1)
#: The most a date moves when rolled back to the previous working day (Easter Monday to Maundy Thursday).
ROLL_BACK_MAX = 4


def day(d: dt.date) -> int:
    """The day number of a date."""
    return (d - EPOCH).days


def date_of(n: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(n))


def holiday_array() -> np.ndarray:
    """Non-working weekdays (bank holidays, closure days) of the project calendar (caseboard.calendar)."""
    return np.array(DEFAULT_CALENDAR.non_working_weekdays(), dtype="datetime64[D]")


@lru_cache(maxsize=1)
def _working_days() -> np.ndarray:
    """Every working day of the calendar's years as day numbers: working-day arithmetic becomes indexing."""
    first, last = DEFAULT_CALENDAR.years
    every = np.arange(day(dt.date(first, 1, 1)), day(dt.date(last, 12, 31)) + 1, dtype=np.int64)
    ok = np.is_busday(every.astype("datetime64[D]"), holidays=holiday_array())
    return every[ok]


def working_ordinal(d: np.ndarray) -> np.ndarray:
    """The index of d's working day (d itself, or the working day before it) in the working-day calendar."""
    return np.searchsorted(_working_days(), np.asarray(d, dtype=np.int64), side="right") - 1


def from_working_ordinal(o: np.ndarray) -> np.ndarray:
    """The working day with the given ordinal (inverse of :func:`working_ordinal` on working days)."""
    return _working_days()[np.asarray(o, dtype=np.int64)]


def add_working_days(start: np.ndarray, n: np.ndarray | int) -> np.ndarray:
    """The n-th working day after each start (a weekend or holiday start counts from the working day before,
    numpy's ``busday_offset(start, n, roll="backward")``: so Saturday + 1 is Monday)."""
    return from_working_ordinal(working_ordinal(start) + np.asarray(n, dtype=np.int64))


def roll_to_working_day(d: np.ndarray, forward: bool = True) -> np.ndarray:
    """Move weekend and bank-holiday dates to the next (or previous) working day: offices record on working days."""
    wd = _working_days()
    d = np.asarray(d, dtype=np.int64)
    if forward:
        return wd[np.searchsorted(wd, d, side="left")]
    return wd[np.searchsorted(wd, d, side="right") - 1]


def add_months(d: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Calendar months later, the day clamped to the end of the month (31 Jan + 1 month = 28/29 Feb)."""
    dd = np.asarray(d, dtype=np.int64).astype("datetime64[D]")
    m = dd.astype("datetime64[M]")
    dom = (dd - m.astype("datetime64[D]")).astype(np.int64)
    m2 = m + np.asarray(months, dtype=np.int64)
    last = ((m2 + 1).astype("datetime64[D]") - np.timedelta64(1, "D")).astype(np.int64)
    return np.minimum(m2.astype("datetime64[D]").astype(np.int64) + dom, last)


def birthday(dob: np.ndarray, years: int | np.ndarray) -> np.ndarray:
    """The given birthday (29 February rolls to 28 February, the pandas DateOffset convention)."""
    return add_months(dob, np.asarray(years, dtype=np.int64) * 12)


def age_years(dob: np.ndarray, on: np.ndarray | int) -> np.ndarray:
    """Whole years of age on a date (birthday convention as :func:`birthday`)."""
    d = np.asarray(dob, dtype=np.int64).astype("datetime64[D]")
    o = np.broadcast_to(np.asarray(on, dtype=np.int64), d.shape).astype("datetime64[D]")
    dy, dm = d.astype("datetime64[Y]").astype(np.int64), d.astype("datetime64[M]").astype(np.int64) % 12
    oy, om = o.astype("datetime64[Y]").astype(np.int64), o.astype("datetime64[M]").astype(np.int64) % 12
    dday = (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    oday = (o - o.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    before = (om < dm) | ((om == dm) & (oday < dday))
    age = oy - dy - before.astype(np.int64)
    # A 29 February birthday is reached on 28 February in a non-leap year (matches :func:`birthday`).
    leap_case = (dm == 1) & (dday == 28) & (om == 1) & (oday == 27) & ~_is_leap(oy)
    return age + leap_case.astype(np.int64)


def _is_leap(y: np.ndarray) -> np.ndarray:
    y = y + 1970
    return (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))


def collection_year(d: np.ndarray) -> np.ndarray:
    """The DfE collection year a date falls in: the year ending 31 March (1 April 2024 -> 2025)."""
    dd = np.asarray(d, dtype=np.int64).astype("datetime64[D]")
    y = dd.astype("datetime64[Y]").astype(np.int64) + 1970
    m = dd.astype("datetime64[M]").astype(np.int64) % 12
    return y + (m >= 3).astype(np.int64)


def year_start(year: int) -> int:
    """1 April opening collection year ``year``."""
    return day(dt.date(year - 1, 4, 1))


def year_end(year: int) -> int:
    """31 March closing collection year ``year``."""
    return day(dt.date(year, 3, 31))


def explode_index(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row i repeated counts[i] times: the row index and the repeat number (0, 1, ...)."""
    counts = np.asarray(counts, dtype=np.int64)
    rows = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    k = np.arange(rows.size) - np.repeat(starts, counts)
    return rows, k


def recurring(
    rng: np.random.Generator,
    start: np.ndarray,
    end: np.ndarray,
    gaps: tuple[np.ndarray | int, ...],
    p_late: float,
    *,
    low: float = 0.6,
    late: tuple[float, float] = (1.1, 1.6),
    working_days: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Events repeating through each segment [start, end] at intervals no longer than the given maxima.

    ``gaps`` is the schedule of maximum intervals: the first from the start, the second from the first event,
    and the last one repeated (e.g. LAC reviews: 20 working days, three months, then six months — CPPCR 2010
    reg 33). On time, an interval is drawn between ``low`` and 1.0 of its maximum (practitioners visit before the
    due date); with probability ``p_late`` it overruns to ``late`` times the maximum (what the imperfection
    setting asks for). With ``working_days`` the intervals count working days (and events fall on working days);
    otherwise calendar days, events rolled back to the previous working day (never before the segment start).

    Returns (segment index, event day) for every event falling inside its segment.
    """
    start = np.asarray(start, dtype=np.int64)
    end = np.asarray(end, dtype=np.int64)
    n = start.size
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    sched = [np.broadcast_to(np.asarray(g, dtype=np.float64), (n,)) for g in gaps]
    s_axis = working_ordinal(start) if working_days else start
    e_axis = working_ordinal(end) if working_days else end
    span = np.maximum(e_axis - s_axis, 0)
    # Rows to draw per segment: the scheduled first intervals, then as many of the repeated one as can fit at
    # its shortest (the shortest on-time step, see below), and one more that falls past the end.
    slack = 0 if working_days else ROLL_BACK_MAX
    rest = sched[-1]
    shortest = np.maximum(np.minimum(np.floor(rest * low), np.maximum(rest - slack, 1)), 1.0)
    counts = (span / shortest).astype(np.int64) + len(sched) + 1
    rows, k = explode_index(counts)
    g = np.empty(rows.size)
    for i, col in enumerate(sched):
        sel = k == i if i < len(sched) - 1 else k >= i
        g[sel] = col[rows[sel]]
    u = rng.random(rows.size)
    is_late = rng.random(rows.size) < p_late
    factor = np.where(is_late, late[0] + (late[1] - late[0]) * u, low + (1.0 - low) * u)
    step = np.maximum(np.floor(g * factor), 1.0).astype(np.int64)
    # On time must stay on time, late must stay late, after rounding and after rolling a date back to a working
    # day (at most 4 days: Easter Monday back to Thursday), which lengthens the next interval by as much.
    limit = np.maximum(g.astype(np.int64) - slack, 1)
    step = np.where(is_late, np.maximum(step, np.ceil(g).astype(np.int64) + 1 + slack), np.minimum(step, limit))
    csum = np.cumsum(step)
    offsets = np.repeat(csum[np.cumsum(counts) - counts] - step[np.cumsum(counts) - counts], counts)
    t = s_axis[rows] + (csum - offsets)
    keep = t <= e_axis[rows]
    rows, t = rows[keep], t[keep]
    if working_days:
        t = from_working_ordinal(t)
    else:
        t = np.maximum(roll_to_working_day(t, forward=False), start[rows])
    return rows, t
