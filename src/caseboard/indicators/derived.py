"""Derived records, as SQL: looked-after periods and placements, care leavers, open cases, as at a date.

"As at" means as the service stood on that date (DESIGN.md): records that start later are not there yet, and
an end date after the as-at date is not yet known, so the record is still open. Every derivation below applies
that rule once, through :class:`Q`, so no indicator can see the future by accident.

Periods of care and placements are not stored (``model/tables.py``): they are derived from SSDA903 episodes
(903 guide; rulebook §5, §12):

* a *period of care* starts with an episode whose RNE is ``S``, or the first episode known for the child, or the
  first episode after one that ended with a reason other than ``X1``; it ends with the end date of its last
  episode when that episode ceased with a reason other than ``X1`` (``X1`` = the episode ends, care continues);
* a *placement* starts with every episode except those whose RNE is a change of legal status only
  (``Settings.same_placement_rne``, default ``L``), and at every new period;
* a period made only of short-break episodes (``Settings.short_break_legal_statuses``, V3/V4; CPPCR 2010
  reg 48) is flagged ``short_break``: the looked-after measures leave those out (rulebook §0).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from caseboard.indicators.settings import DEFAULT_SETTINGS, Settings
from caseboard.indicators.sql import for_dialect, in_list, lit
from caseboard.store import Store

#: Materialised derivations are temporary tables named with this prefix.
TABLE_PREFIX = "cb_"


@dataclass(frozen=True)
class Q:
    """What a query is built for: the as-at date, the period (for period measures) and the settings."""

    as_at: dt.date
    start: dt.date | None = None
    end: dt.date | None = None
    settings: Settings = DEFAULT_SETTINGS
    #: Derivations already materialised for this as-at date and settings (see :func:`materialise`).
    tables: tuple[str, ...] = ()

    @property
    def at(self) -> str:
        """The as-at date as a SQL literal."""
        return lit(self.as_at)

    @property
    def first(self) -> str:
        """The period's first day as a SQL literal."""
        return lit(self.start if self.start is not None else self.as_at)

    @property
    def last(self) -> str:
        """The period's last day as a SQL literal."""
        return lit(self.end if self.end is not None else self.as_at)

    def visible_end(self, column: str) -> str:
        """``column`` if it is on or before the as-at date, else NULL (not yet known)."""
        return f"CASE WHEN {column} <= {self.at} THEN {column} END"

    def derived(self, name: str, build: Callable[[], str]) -> str:
        """The derivation ``name``: its materialised table if there is one, else its SQL."""
        return f"SELECT * FROM {TABLE_PREFIX}{name}" if name in self.tables else build()


def episodes(q: Q) -> str:
    """903 episodes known at the as-at date, numbered into periods of care and placements."""
    s = q.settings
    by_child = "PARTITION BY child_id ORDER BY start_date"
    new_period = (f"LAG(start_date) OVER ({by_child}) IS NULL OR rne = 'S' OR "
                  f"(LAG(end_date) OVER ({by_child}) IS NOT NULL AND COALESCE(LAG(reason_ceased) OVER ({by_child}), '') <> 'X1')")
    running = f"OVER ({by_child} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    return q.derived('episodes', lambda: f"""
    SELECT m.*, CAST(SUM(new_period) {running} AS BIGINT) AS period_no,
           CAST(SUM(new_placement) {running} AS BIGINT) AS placement_no
    FROM (
      SELECT e.*,
        CASE WHEN {new_period} THEN 1 ELSE 0 END AS new_period,
        CASE WHEN {new_period} OR COALESCE(rne, '') NOT IN {in_list(s.same_placement_rne)} THEN 1 ELSE 0 END AS new_placement,
        COALESCE(legal_status IN {in_list(s.short_break_legal_statuses)}, FALSE) AS is_short_break,
        CASE WHEN end_date IS NOT NULL AND COALESCE(reason_ceased, '') <> 'X1' THEN end_date END AS care_end
      FROM (
        SELECT child_id, start_date, rne, legal_status, placement, {q.visible_end('end_date')} AS end_date,
               CASE WHEN end_date <= {q.at} THEN reason_ceased END AS reason_ceased
        FROM lac_episodes WHERE start_date <= {q.at}
      ) e
    ) m""")


def periods(q: Q) -> str:
    """Periods of care: child_id, period_no, period_start, period_end (NULL if open), short_break, dob.

    Only a period's last episode can carry a care end (an episode that ends care starts a new period after it),
    so the period's end is the latest care end among its episodes.
    """
    return q.derived('periods', lambda: f"""
    SELECT p.*, c.dob FROM (
      SELECT child_id, period_no, MIN(start_date) AS period_start, MAX(care_end) AS period_end,
             BOOL_AND(is_short_break) AS short_break
      FROM ({episodes(q)}) ep GROUP BY child_id, period_no
    ) p LEFT JOIN children c ON c.child_id = p.child_id""")


def placements(q: Q) -> str:
    """Placements: child_id, period_no, placement_start, placement_end, placement (code), short_break, period_end."""
    return q.derived('placements', lambda: f"""
    SELECT pl.*, pe.short_break, pe.period_start, pe.period_end FROM (
      SELECT child_id, period_no, placement_no, MIN(start_date) AS placement_start,
             CASE WHEN COUNT(*) = COUNT(end_date) THEN MAX(end_date) END AS placement_end,
             MAX(CASE WHEN new_placement = 1 THEN placement END) AS placement
      FROM ({episodes(q)}) ep GROUP BY child_id, period_no, placement_no
    ) pl JOIN (
      SELECT child_id, period_no, MIN(start_date) AS period_start, MAX(care_end) AS period_end,
             BOOL_AND(is_short_break) AS short_break
      FROM ({episodes(q)}) ep2 GROUP BY child_id, period_no
    ) pe ON pe.child_id = pl.child_id AND pe.period_no = pl.period_no""")


def looked_after(q: Q) -> str:
    """Periods of care open at the as-at date, short breaks left out (CLA "at 31 March", rulebook §0, §5)."""
    return q.derived('looked_after',
                     lambda: f"SELECT * FROM ({periods(q)}) lp WHERE period_end IS NULL AND NOT short_break")


def care_leavers(q: Q) -> str:
    """Care leavers the pathway-plan and keeping-in-touch duties apply to at the as-at date.

    Categories from ``Settings.pathway_plan_categories`` (relevant, former relevant: CA 1989 ss23A, 23C), under
    ``Settings.care_leaver_max_age`` on the as-at date, and not looked after then. Their duties start at 16
    (``record_start``); a date of birth is needed to place them.
    """
    s = q.settings
    return q.derived('care_leavers', lambda: f"""
    SELECT l.child_id, l.eligibility, c.dob, CAST(c.dob + INTERVAL 16 YEAR AS DATE) AS record_start
    FROM care_leavers l JOIN children c ON c.child_id = l.child_id
    WHERE l.eligibility IN {in_list(s.pathway_plan_categories)} AND c.dob IS NOT NULL
      AND CAST(c.dob + INTERVAL {s.care_leaver_max_age} YEAR AS DATE) > {q.at}
      AND l.child_id NOT IN (SELECT child_id FROM ({looked_after(q)}) la)""")


def open_cases(q: Q) -> str:
    """Children with an open case at the as-at date: CIN episode, child protection plan, period of care or
    care leaver (rulebook §8.5-8.6), one row per child with the kinds of case held."""
    return q.derived('open_cases', lambda: f"""
    SELECT child_id, STRING_AGG(DISTINCT kind, ',' ORDER BY kind) AS cases FROM (
      SELECT child_id, 'cin' AS kind FROM referrals
      WHERE referral_date <= {q.at} AND ({q.visible_end('closure_date')}) IS NULL AND NOT COALESCE(nfa, FALSE)
      UNION ALL
      SELECT child_id, 'cp' FROM cp_plans WHERE start_date <= {q.at} AND ({q.visible_end('end_date')}) IS NULL
      UNION ALL
      SELECT child_id, 'lac' FROM ({looked_after(q)}) la
      UNION ALL
      SELECT child_id, 'care_leaver' FROM ({care_leavers(q)}) cl
    ) k GROUP BY child_id""")


def holders(q: Q) -> str:
    """Who holds each child's case at the as-at date: the allocation open then (start on or before, end empty
    or on or after), a worker before a team-only allocation, then the latest start (``indicators.attribution``)."""
    return q.derived("holders", lambda: f"""
    SELECT child_id, worker_id AS by_worker, team_id AS by_team FROM (
      SELECT child_id, worker_id, team_id,
             ROW_NUMBER() OVER (PARTITION BY child_id ORDER BY worker_id IS NULL, start_date DESC, worker_id) AS rn
      FROM allocations WHERE start_date <= {q.at} AND (end_date IS NULL OR end_date >= {q.at})
    ) a WHERE rn = 1""")


#: The derivations worth computing once per as-at date when many indicators use them, in dependency order.
DERIVATIONS: tuple[tuple[str, Callable[[Q], str]], ...] = (
    ("episodes", episodes), ("periods", periods), ("placements", placements), ("looked_after", looked_after),
    ("care_leavers", care_leavers), ("open_cases", open_cases), ("holders", holders),
)


def materialise(store: Store, q: Q, *, skip: tuple[str, ...] = ()) -> Q:
    """Compute the shared derivations for ``q``'s as-at date into temporary tables; returns the ``Q`` that uses
    them. Many indicators read the same periods of care and allocations: computed once, the whole catalogue at a
    date costs a fraction of computing them in every query. ``skip`` names derivations not wanted. Call
    :func:`release` when done."""
    done = replace(q, tables=())
    for name, build in DERIVATIONS:
        if name in skip:
            continue
        table = TABLE_PREFIX + name
        store.execute(f"DROP TABLE IF EXISTS {table}")
        store.execute(for_dialect(f"CREATE TEMPORARY TABLE {table} AS {build(done)}", store.dialect))
        if store.dialect == "postgres":
            store.execute(f"ANALYZE {table}")  # temporary tables get no statistics unless asked; plans need them
        done = replace(done, tables=done.tables + (name,))
    return done


def release(store: Store, q: Q) -> None:
    """Drop the temporary tables :func:`materialise` made."""
    for name in q.tables:
        store.execute(f"DROP TABLE IF EXISTS {TABLE_PREFIX}{name}")
