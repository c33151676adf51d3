"""Time, in one place: working days, calendar months, birthdays, reporting years, quarters and school terms.

Every timescale in children's social care is counted in one of these units, and a timescale counted two ways
gives two answers, so each unit is defined here once and everything else (the schedules of due dates, the
indicators, the worklists) uses these definitions, in Python or through the ``calendar`` table in SQL.

**Working days** are Monday to Friday less the England and Wales bank holidays, taken from the maintained
``holidays`` package (``holidays.UnitedKingdom(subdiv="ENG")``: one-off days such as 19 September 2022 and
8 May 2023 included), less any local closure days a council configures (rulebook §0: Christmas Eve and council
closure days are *not* excluded unless local policy says so, hence empty by default).

**The counting convention, stated once** (rulebook §0 and §11; DfE tables C2 and C4):

* working days between ``start`` and ``end`` = the number of working days ``d`` with ``start < d <= end``;
  the same day is 0, and a weekend start counts from the next working day;
* "within N working days" means that count is at most N;
* the deadline is the N-th working day after ``start``:
  ``numpy.busday_offset(start, N, roll="backward", holidays=H)``.

The D2I validator counts the start day as day 1 (one day stricter); we follow the DfE tables instead.

**Calendar months** clamp to the end of the month (31 January + 1 month = 29 February in 2024) and
**N-th birthdays** of a child born on 29 February fall on 28 February in other years: the same choice as
``pandas.DateOffset`` in the DfE validators (rulebook §0), and what DuckDB and PostgreSQL do for
``date + INTERVAL``, so Python and SQL agree.

**Reporting years** run 1 April to 31 March and are named by the year they end in (2025 = April 2024 to
March 2025), as DfE collection years are. Quarters are quarters of the reporting year (Q1 = April to June).
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import holidays
import numpy as np
import polars as pl

if TYPE_CHECKING:
    from caseboard.store import Store

ONE_DAY = dt.timedelta(days=1)

#: (name, (start month, day), (end month, day)) of each school term in an academic year starting in September.
#: A sensible English default, not any council's published dates: set ``Calendar(terms=...)`` to your own.
DEFAULT_TERM_PATTERN: tuple[tuple[str, tuple[int, int], tuple[int, int]], ...] = (
    ("autumn", (9, 1), (12, 20)),
    ("spring", (1, 4), (3, 31)),
    ("summer", (4, 15), (7, 22)),
)

#: The span of the stored ``calendar`` table unless told otherwise: early enough for the care histories of
#: today's care leavers, late enough for every deadline a worklist can show.
DEFAULT_SPAN = (dt.date(1990, 1, 1), dt.date(2045, 12, 31))


@dataclass(frozen=True)
class Term:
    """A school term: the unit in which personal education plans are reviewed (rulebook §5.2.4)."""

    name: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        academic = self.start.year if self.start.month >= 8 else self.start.year - 1
        return f"{self.name} {academic}/{str(academic + 1)[-2:]}"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus a number of calendar months, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = _stdcal.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def nth_birthday(dob: dt.date, n: int) -> dt.date:
    """The date of the ``n``-th birthday; 29 February births have theirs on 28 February in common years."""
    return add_months(dob, 12 * n)


def age_on(dob: dt.date, day: dt.date) -> int:
    """Completed years of age on ``day`` (a 29 February child turns a year older on 28 February)."""
    years = day.year - dob.year
    return years if nth_birthday(dob, years) <= day else years - 1


def reporting_year(day: dt.date) -> int:
    """The reporting year (1 April to 31 March) containing ``day``, named by the year it ends in."""
    return day.year + 1 if day.month >= 4 else day.year


def reporting_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of reporting year ``year`` (2025 -> 1 April 2024, 31 March 2025)."""
    return dt.date(year - 1, 4, 1), dt.date(year, 3, 31)


def quarter(day: dt.date) -> tuple[int, int]:
    """(reporting year, quarter 1-4) of ``day``; Q1 is April to June."""
    return reporting_year(day), (day.month - 4) % 12 // 3 + 1


def quarter_bounds(year: int, q: int) -> tuple[dt.date, dt.date]:
    """First and last day of quarter ``q`` of reporting year ``year``."""
    first = add_months(reporting_year_bounds(year)[0], 3 * (q - 1))
    return first, add_months(first, 3) - ONE_DAY


@lru_cache(maxsize=8)
def _bank_holidays(first_year: int, last_year: int) -> tuple[dt.date, ...]:
    return tuple(sorted(holidays.UnitedKingdom(subdiv="ENG", years=range(first_year, last_year + 1))))


@dataclass(frozen=True)
class Calendar:
    """Working days and school terms for one council.

    ``closure_days`` are extra non-working days (local policy); ``terms`` replaces the default term pattern
    with a council's actual term dates. Bank holidays cover ``years``; dates outside them raise, rather than
    silently counting a bank holiday as a working day.
    """

    closure_days: tuple[dt.date, ...] = ()
    terms: tuple[Term, ...] | None = None
    years: tuple[int, int] = (DEFAULT_SPAN[0].year - 1, DEFAULT_SPAN[1].year + 1)
    _holidays: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        days = set(_bank_holidays(*self.years)) | set(self.closure_days)
        object.__setattr__(self, "_holidays", np.array(sorted(days), dtype="datetime64[D]"))

    # --- working days ---------------------------------------------------------------------------------------
    def _check(self, *days: dt.date) -> None:
        for d in days:
            if not self.years[0] <= d.year <= self.years[1]:
                raise ValueError(f"{d} is outside the years {self.years} whose bank holidays are known")

    def non_working_weekdays(self) -> list[dt.date]:
        """Bank holidays and closure days falling Monday to Friday (the days that make this calendar local)."""
        return [d for d in self._holidays.astype(dt.date).tolist() if d.weekday() < 5]

    def is_working_day(self, day: dt.date) -> bool:
        self._check(day)
        return bool(np.is_busday(np.datetime64(day, "D"), holidays=self._holidays))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days ``d`` with ``start < d <= end`` (negative when ``end`` is before ``start``)."""
        self._check(start, end)
        one = np.timedelta64(1, "D")
        return int(np.busday_count(np.datetime64(start, "D") + one, np.datetime64(end, "D") + one,
                                   holidays=self._holidays))

    def within_working_days(self, start: dt.date, end: dt.date, n: int) -> bool:
        """Whether ``end`` is within ``n`` working days of ``start`` (the count is at most ``n``)."""
        return self.working_days_between(start, end) <= n

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start`` (``n`` >= 1): the deadline of an ``n`` working-day rule."""
        if n < 1:
            raise ValueError("a working-day deadline needs n >= 1")
        self._check(start)
        out = np.busday_offset(np.datetime64(start, "D"), n, roll="backward", holidays=self._holidays)
        return out.astype(dt.date)

    # --- school terms --------------------------------------------------------------------------------------
    def terms_between(self, start: dt.date, end: dt.date) -> list[Term]:
        """Terms overlapping ``start``..``end``: the configured ones, or the default pattern's."""
        if self.terms is not None:
            return [t for t in self.terms if t.start <= end and t.end >= start]
        out = []
        for academic in range(start.year - 1, end.year + 1):
            for name, (sm, sd), (em, ed) in DEFAULT_TERM_PATTERN:
                year = academic if sm >= 8 else academic + 1
                term = Term(name, dt.date(year, sm, sd), dt.date(academic if em >= 8 else academic + 1, em, ed))
                if term.start <= end and term.end >= start:
                    out.append(term)
        return sorted(out, key=lambda t: t.start)

    def term_on(self, day: dt.date) -> Term | None:
        """The term containing ``day``, or None in a holiday."""
        found = self.terms_between(day, day)
        return found[0] if found else None

    # --- the table ------------------------------------------------------------------------------------------
    def table(self, start: dt.date = DEFAULT_SPAN[0], end: dt.date = DEFAULT_SPAN[1]) -> pl.DataFrame:
        """One row per date: the calendar as data, so SQL on any engine can count working days.

        ``working_day_ordinal`` is the number of working days on or before the date (counted from ``start``),
        so working days between two dates is a subtraction of ordinals, and the N-th working day after a date
        is the working day whose ordinal is N more. ``term_start``/``term_end`` give the school term containing
        the date (empty in holidays).
        """
        self._check(start, end)
        days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + np.timedelta64(1, "D"))
        working = np.is_busday(days, holidays=self._holidays)
        dates = days.astype(dt.date).tolist()
        frame = pl.DataFrame({
            "date": pl.Series(dates, dtype=pl.Date),
            "is_working_day": working,
            "working_day_ordinal": np.cumsum(working, dtype=np.int64),
        }).with_columns(
            reporting_year=pl.when(pl.col("date").dt.month() >= 4).then(pl.col("date").dt.year() + 1)
            .otherwise(pl.col("date").dt.year()).cast(pl.Int64),
        )
        terms = self.terms_between(start, end)
        starts, ends = [None] * len(dates), [None] * len(dates)
        for t in terms:
            lo, hi = max((t.start - start).days, 0), min((t.end - start).days, len(dates) - 1)
            for i in range(lo, hi + 1):
                starts[i], ends[i] = t.start, t.end
        return frame.with_columns(term_start=pl.Series(starts, dtype=pl.Date), term_end=pl.Series(ends, dtype=pl.Date))

    def fingerprint(self, start: dt.date, end: dt.date) -> str:
        """What identifies the table this calendar builds for a span (so a stored copy can be checked)."""
        parts = [str(start), str(end)] + [str(d) for d in self.non_working_weekdays()]
        parts += [f"{t.start}/{t.end}" for t in self.terms_between(start, end)]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


DEFAULT_CALENDAR = Calendar()


def calendar_table(start: dt.date, end: dt.date, cal: Calendar = DEFAULT_CALENDAR) -> pl.DataFrame:
    """The ``calendar`` table for ``start``..``end`` (see :meth:`Calendar.table`)."""
    return cal.table(start, end)


def term_dates(pattern: Sequence[tuple[str, str, str]]) -> tuple[Term, ...]:
    """Terms from ``(name, "yyyy-mm-dd", "yyyy-mm-dd")`` triples (a council's published term dates)."""
    return tuple(Term(n, dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for n, a, b in pattern)


def closure_days(days: Iterable[str | dt.date]) -> tuple[dt.date, ...]:
    """Local closure days from ISO strings or dates."""
    return tuple(sorted(d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for d in days))


# --- the calendar in the store ---------------------------------------------------------------------------------
CALENDAR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("date", "date"), ("is_working_day", "bool"), ("working_day_ordinal", "int"), ("reporting_year", "int"),
    ("term_start", "date"), ("term_end", "date"),
)


def ensure_calendar(store: "Store", start: dt.date = DEFAULT_SPAN[0], end: dt.date = DEFAULT_SPAN[1],
                    cal: Calendar = DEFAULT_CALENDAR) -> bool:
    """Make the store's ``calendar`` table the one ``cal`` builds for ``start``..``end``; True if (re)built.

    Reference data, not a load: it is derived from the bank-holiday list and local settings, so it is rebuilt
    whole whenever its fingerprint (span, non-working weekdays, terms) differs from the stored one, and left
    alone otherwise (calling this on every run costs one small query).
    """
    types = store.SQL_TYPES
    fingerprint = cal.fingerprint(start, end)
    store.execute(f"CREATE TABLE IF NOT EXISTS calendar_info (fingerprint {types['str']})")
    if store.scalar("SELECT MAX(fingerprint) FROM calendar_info") == fingerprint:
        return False
    frame = cal.table(start, end)
    names = [n for n, _ in CALENDAR_COLUMNS]
    with store.transaction():
        store.execute("DROP TABLE IF EXISTS calendar")
        store.execute("CREATE TABLE calendar (" + ", ".join(f"{n} {types[t]}" for n, t in CALENDAR_COLUMNS) + ")")
        # One statement with one array per column: fast on both engines, through the store's public execute.
        array_types = {"date": "DATE[]", "bool": "BOOLEAN[]", "int": "BIGINT[]"}
        select = ", ".join(f"UNNEST(CAST(? AS {array_types[t]})) AS {n}" for n, t in CALENDAR_COLUMNS)
        store.execute(f"INSERT INTO calendar ({', '.join(names)}) SELECT {select}",
                      [frame[n].to_list() for n in names])
        store.execute("CREATE INDEX calendar_by_date ON calendar (date)")
        store.execute("CREATE INDEX calendar_by_ordinal ON calendar (working_day_ordinal)")
        store.execute("DELETE FROM calendar_info")
        store.execute("INSERT INTO calendar_info (fingerprint) VALUES (?)", (fingerprint,))
    if store.dialect == "postgres":
        store.execute("ANALYZE calendar")  # a fresh table has no statistics; the planner needs them
    return True
