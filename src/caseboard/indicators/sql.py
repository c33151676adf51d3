"""SQL written once, in DuckDB's dialect, run on every engine through SQLGlot.

Indicator and schedule logic is SQL text over the canonical tables and the ``calendar`` table. It is written
in DuckDB's dialect (the embedded default) and transpiled for the store's engine
(``sqlglot.transpile(sql, read="duckdb", write="postgres")``), so a Spark or any other backend SQLGlot writes
is configuration, not a second implementation.

Values are inlined as typed literals (``DATE '2025-03-31'``) rather than bound as parameters: they come from
Python dates, integers and the settings, never from users' text, and inlined SQL is what ``--explain`` shows.
The helpers here are the only place where time arithmetic is spelt in SQL, mirroring ``caseboard.calendar``:
months with end-of-month clamping, working days as a subtraction of calendar ordinals.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import polars as pl
import sqlglot

from caseboard.store import Store


def lit(value: object) -> str:
    """A SQL literal for a Python value (dates, numbers, booleans, text)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if "?" in text:  # the PostgreSQL store reads ? as a placeholder
        raise ValueError(f"text literal {text!r} must not contain '?'")
    return "'" + text.replace("'", "''") + "'"


def in_list(values: Iterable[object]) -> str:
    """``(a, b, c)`` for ``IN``; an impossible list when empty, so ``x IN ()`` never has to be written."""
    items = [lit(v) for v in values]
    return "(" + ", ".join(items) + ")" if items else "(NULL)"


def add_months(expr: str, months: int) -> str:
    """``expr`` plus calendar months, clamped at month end (as :func:`caseboard.calendar.add_months`)."""
    sign = "+" if months >= 0 else "-"
    return f"CAST({expr} {sign} INTERVAL {abs(months)} MONTH AS DATE)"


def add_days(expr: str, days: int) -> str:
    return f"({expr} + {days})" if days >= 0 else f"({expr} - {-days})"


def _working_day_after(expr: str, n: int) -> str:
    # One correlated subquery with a join inside (not two nested ones): every engine decorrelates it into a
    # hash join on the calendar; nested scalar subqueries cost seconds on a county's worth of rows.
    return (f"(SELECT k2.date FROM calendar k1 JOIN calendar k2 ON k2.working_day_ordinal = k1.working_day_ordinal "
            f"+ {n} AND k2.is_working_day WHERE k1.date = {expr})")


def add_working_days(expr: str, n: int) -> str:
    """The ``n``-th working day after ``expr``: the working day whose ordinal is ``n`` more."""
    return _working_day_after(expr, n)


def last_day_within_working_days(expr: str, n: int) -> str:
    """The last date still within ``n`` working days of ``expr``: the deadline and the non-working days after it.

    Under the convention in ``caseboard.calendar`` an event on the Saturday after a Friday deadline is still
    within the count (no working day has passed), so lateness is judged against this date, not the deadline.
    It is the day before the (``n`` + 1)-th working day.
    """
    return f"({_working_day_after(expr, n + 1)} - 1)"


Unit = Literal["working_days", "days", "months"]


@dataclass(frozen=True)
class Interval:
    """A statutory interval: so many working days, days or calendar months."""

    n: int
    unit: Unit

    def due(self, expr: str) -> str:
        """SQL for the due date ``expr`` plus this interval."""
        if self.unit == "working_days":
            return add_working_days(expr, self.n)
        return add_days(expr, self.n) if self.unit == "days" else add_months(expr, self.n)

    def on_time_until(self, expr: str) -> str:
        """SQL for the last date that is still on time (the due date, or the days after a working-day deadline)."""
        return last_day_within_working_days(expr, self.n) if self.unit == "working_days" else self.due(expr)

    @property
    def max_days(self) -> int:
        """The most calendar days this interval can span (bank holidays included for working days)."""
        return {"months": self.n * 31, "days": self.n, "working_days": self.n * 7 // 5 + 14}[self.unit]

    @property
    def text(self) -> str:
        unit = {"working_days": "working day", "days": "day", "months": "month"}[self.unit]
        return f"{self.n} {unit}{'s' if self.n != 1 else ''}"


@dataclass(frozen=True)
class Choice:
    """An interval that depends on the record (``CASE WHEN cond THEN interval ... ELSE default``)."""

    cases: tuple[tuple[str, Interval], ...]
    default: Interval

    def _case(self, expr: str, part: str) -> str:
        whens = " ".join(f"WHEN {cond} THEN {getattr(iv, part)(expr)}" for cond, iv in self.cases)
        return f"CASE {whens} ELSE {getattr(self.default, part)(expr)} END"

    def due(self, expr: str) -> str:
        return self._case(expr, "due")

    def on_time_until(self, expr: str) -> str:
        return self._case(expr, "on_time_until")

    @property
    def max_days(self) -> int:
        return max([iv.max_days for _, iv in self.cases] + [self.default.max_days])


Rule = Interval | Choice


@lru_cache(maxsize=1024)
def for_dialect(sql: str, dialect: str) -> str:
    """``sql`` (DuckDB dialect) in the engine's dialect."""
    if dialect == "duckdb":
        return sql
    return sqlglot.transpile(sql, read="duckdb", write=dialect)[0]


def run(store: Store, sql: str) -> pl.DataFrame:
    """Run DuckDB-dialect SQL on any store."""
    return store.query(for_dialect(sql, store.dialect))


#: How :func:`lit` writes a date: what :func:`over_dates` looks for.
_DATE_LITERAL = re.compile(r"DATE '(\d{4}-\d{2}-\d{2})'")
#: The alias of the dates relation in :func:`over_dates`' query and the name of its key column.
DATES, KEY = "cb_dates", "cb_key"


def over_dates(sqls: Sequence[str]) -> list[tuple[list[int], str]]:
    """One query for many as-at dates: ``sqls[k]`` is the same query written for date ``k``.

    Planning, not running, is most of the cost of an indicator's query on a county (DuckDB spends more time
    optimising the schedules' window functions and calendar look-ups than executing them), so a monthly series
    should plan each query once. The date-written queries differ only in their :func:`lit` date literals (the
    as-at date, the period, dates computed from them), so each literal position becomes a column of a ``VALUES``
    relation with one row per date, and the query runs once ``LATERAL`` to it: row ``k``'s columns put back
    exactly the literals of ``sqls[k]``, so each date's rows are by construction those of its own query. The
    engines turn the lateral query into one plan: DuckDB decorrelates it (every table meets every date at
    once), PostgreSQL plans it once and runs it per date.

    Returns ``(indices, sql)`` pairs: dates whose queries share a text share a query, which returns the
    columns of the original plus ``cb_key`` (the index into ``sqls``) first.
    """
    groups: dict[tuple[str, ...], list[int]] = {}
    literals: list[list[str]] = []
    for k, sql in enumerate(sqls):
        parts = _DATE_LITERAL.split(sql)
        groups.setdefault(tuple(parts[0::2]), []).append(k)
        literals.append(parts[1::2])
    out = []
    for template, indices in groups.items():
        # One column per distinct run of values: the as-at date written ten times is one column, not ten (the
        # engine correlates on every column the query names, and joins and partitions by all of them).
        distinct: dict[tuple[str, ...], int] = {}
        position = [distinct.setdefault(tuple(literals[k][i] for k in indices), len(distinct))
                    for i in range(len(template) - 1)]
        body = template[0] + "".join(f"{DATES}.p{position[i]}{part}" for i, part in enumerate(template[1:]))
        rows = ", ".join("(" + ", ".join([str(k)] + [f"DATE '{d}'" for d in values]) + ")"
                         for k, values in zip(indices, zip(*distinct) if distinct else [()] * len(indices)))
        columns = ", ".join([KEY] + [f"p{i}" for i in range(len(distinct))])
        out.append((indices, f"SELECT {DATES}.{KEY}, u.* FROM (VALUES {rows}) AS {DATES}({columns}) "
                             f"CROSS JOIN LATERAL ({body}) AS u"))
    return out
