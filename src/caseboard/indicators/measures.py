"""The shapes indicators share, written once: "on time among items due in the period", "not overdue now",
"records open at the date", "events in the period".

Each returns units SQL (one row per unit, ``child_id`` and ``in_numerator`` first) over a schedule or a table,
so two indicators with the same shape cannot drift apart.
"""

from __future__ import annotations

from caseboard.indicators.derived import Q


def due_in_period(schedule: str, q: Q, where: str = "TRUE") -> str:
    """Items of ``schedule`` that fell due in the period; on time if done by their last on-time date.

    The event measure of the rulebook (3.5(a), 5.1.2): an item missed altogether counts against, and each item
    is judged from the event before it, so one late event does not make the next one late."""
    return f"""
    SELECT child_id, COALESCE(done_date <= on_time_until, FALSE) AS in_numerator, item, record_start, due_date,
           done_date, due_date AS event_date
    FROM ({schedule}) s
    WHERE due_date >= {q.first} AND due_date <= {q.last} AND ({where})"""


def done_in_period(schedule: str, q: Q, where: str = "TRUE") -> str:
    """Items of ``schedule`` done in the period; on time if done by their last on-time date (the DfE's measure
    of assessments and conferences: counted when they happen, rulebook 2.1, 3.3)."""
    return f"""
    SELECT child_id, done_date <= on_time_until AS in_numerator, record_start, due_date, done_date,
           done_date AS event_date
    FROM ({schedule}) s
    WHERE done_date >= {q.first} AND done_date <= {q.last} AND ({where})"""


def not_overdue(schedule: str, q: Q) -> str:
    """Open records whose next item is not overdue at the as-at date (its last on-time date not yet passed)."""
    return f"""
    SELECT child_id, on_time_until >= {q.at} AS in_numerator, item, record_start, clock_start AS last_done,
           due_date
    FROM ({schedule}) s
    WHERE done_date IS NULL AND record_end IS NULL"""


def children_open(table: str, q: Q, start: str, end: str, where: str = "TRUE") -> str:
    """Children with a record of ``table`` open at the as-at date (start on or before; end empty or after):
    one unit per child however many records overlap (rulebook §0 "as at")."""
    return f"""
    SELECT child_id, TRUE AS in_numerator, MIN({start}) AS start_date
    FROM {table}
    WHERE {start} <= {q.at} AND ({end} IS NULL OR {end} > {q.at}) AND ({where})
    GROUP BY child_id"""


def events_in_period(table: str, q: Q, date: str, where: str = "TRUE") -> str:
    """One unit per record of ``table`` dated in the period (counts of events)."""
    return f"""
    SELECT child_id, TRUE AS in_numerator, {date} AS event_date
    FROM {table}
    WHERE {date} >= {q.first} AND {date} <= {q.last} AND ({where})"""
