"""The statutory schedules: THE one implementation of each due-date rule.

Each schedule turns the canonical tables, as at a date, into *due items*: one row per thing that fell due or
is falling due, with the rule behind it. Indicators ("% of reviews on time") and worklists ("review due
Tuesday") both read these rows, so a rule cannot be computed two ways (DESIGN.md, "A rule lives in one place").

Every schedule returns the same columns:

``child_id``, ``item`` (what is due), ``rule`` (the citation), ``record_start``/``record_end`` (the plan,
period, placement or case the item belongs to; ``record_end`` NULL while it is open at the as-at date),
``seq`` (1 for the first item of the record), ``clock_start`` (the date the item's clock started: the record's
start, the previous event, the term's start), ``due_date``, ``on_time_until`` (the last date still on time:
the due date, or for a working-day rule also the non-working days after it, see ``caseboard.calendar``) and
``done_date`` (the event that met it, NULL if none by the as-at date).

Rolling rules ("then at intervals of not more than six months") are chains: each event is due a fixed interval
after the one before, so one late event does not make every later one late. A record also has one *pending*
item, due after its last event; for a record that has ended it is kept only if it fell due while the record was
open (a review missed before the plan ended), so nothing is due on a closed case. An item never done stays the
pending one: later items are not invented on top of it (the rules time each event from the one before, which
never happened), so a plan with no review at all owes one overdue review, not one per six months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from caseboard.indicators.derived import Q, care_leavers, looked_after, periods, placements
from caseboard.indicators.sql import Choice, Interval, Rule, add_months, in_list, lit

COLUMNS = ("child_id", "item", "rule", "record_start", "record_end", "seq", "clock_start", "due_date",
           "on_time_until", "done_date")


def _select(item: str, rule: str) -> str:
    return (f"SELECT child_id, {item} AS item, {lit(rule)} AS rule, record_start, record_end, seq, clock_start, "
            "due_date, on_time_until, done_date")


def chain(q: Q, *, item: str, rule: str, records: str, events: str, first: Rule, then: Rule,
          window_start: str = "r.record_start", current: bool = False,
          due_from: dt.date | None = None) -> str:
    """Due items of a rolling rule.

    ``records`` yields ``child_id, record_start, record_end`` (plus any columns the rules' conditions use);
    ``events`` yields ``child_id, event_date``; an event belongs to a record when it falls between
    ``window_start`` and the record's end (or the as-at date). Item 1 is due ``first`` after the record's start;
    each later item ``then`` after the event before it. In ``then``'s conditions ``prev_date`` and ``prev_seq``
    name that previous event and its number. ``current`` keeps only each record's pending item (what "not
    overdue now" and worklists read), skipping the timing of every past event; ``due_from`` skips items that
    cannot fall due on or after that date (their clock started longer before it than the longest interval),
    for measures of items due in a period.
    """
    longest = dt.timedelta(days=max(first.max_days, then.max_days))
    since = "TRUE" if due_from is None else f"COALESCE(prev_date, record_start) >= {lit(due_from - longest)}"
    ev = f"""
      SELECT r.*, e.event_date,
             ROW_NUMBER() OVER (PARTITION BY r.child_id, r.record_start ORDER BY e.event_date) AS seq
      FROM rec r JOIN (SELECT DISTINCT child_id, event_date FROM ({events}) e0 WHERE event_date <= {q.at}) e
        ON e.child_id = r.child_id AND e.event_date >= {window_start}
       AND e.event_date <= COALESCE(r.record_end, {q.at})"""
    past = """
      SELECT ev.*, LAG(event_date) OVER (PARTITION BY child_id, record_start ORDER BY event_date) AS prev_date,
             seq - 1 AS prev_seq
      FROM ev
      UNION ALL"""
    return f"""
    WITH rec AS ({records}),
    ev AS ({ev}),
    steps AS ({"" if current else past}
      SELECT r.*, CAST(NULL AS DATE) AS event_date, COALESCE(a.n, 0) + 1 AS seq, a.last_date AS prev_date,
             COALESCE(a.n, 0) AS prev_seq
      FROM rec r LEFT JOIN (
        SELECT child_id, record_start, COUNT(*) AS n, MAX(event_date) AS last_date FROM ev GROUP BY child_id, record_start
      ) a ON a.child_id = r.child_id AND a.record_start = r.record_start
    ),
    timed AS (
      SELECT s.*, COALESCE(prev_date, record_start) AS clock_start, event_date AS done_date,
        CASE WHEN prev_date IS NULL THEN {first.due('record_start')} ELSE {then.due('prev_date')} END AS due_date,
        CASE WHEN prev_date IS NULL THEN {first.on_time_until('record_start')}
             ELSE {then.on_time_until('prev_date')} END AS on_time_until
      FROM steps s WHERE {since}
    )
    {_select(item, rule)} FROM timed
    WHERE done_date IS NOT NULL OR record_end IS NULL OR due_date < record_end"""


def _single(q: Q, *, item: str, rule: str, table: str, done: str, interval: Interval, where: str = "TRUE") -> str:
    """One item per record of a CIN-census table, due ``interval`` after its start, ended by its CIN episode's
    closure (nothing is due on a closed case)."""
    done_visible = f"CASE WHEN {done} <= {q.at} THEN {done} END"
    closed = f"CASE WHEN r.closure_date <= {q.at} THEN r.closure_date END"
    return f"""
    {_select(item, rule)} FROM (
      SELECT t.child_id, t.start_date AS record_start, COALESCE({done_visible}, {closed}) AS record_end, 1 AS seq,
             t.start_date AS clock_start, {interval.due('t.start_date')} AS due_date,
             {interval.on_time_until('t.start_date')} AS on_time_until, {done_visible} AS done_date
      FROM {table} t LEFT JOIN referrals r ON r.child_id = t.child_id AND r.referral_date = t.referral_date
      WHERE t.start_date <= {q.at} AND ({where})
    ) x"""


#: The rule behind each schedule, as shown with every due item (worklists) and in the catalogue.
RULES: dict[str, str] = {
    "assessment": "Working Together 2023 ch.3: assessment concluded within 45 working days (rulebook 2.1)",
    "initial_conference": "Working Together 2023 ch.3: ICPC within 15 working days of the strategy discussion "
                          "that started the s47 enquiry (rulebook 3.2-3.3)",
    "cp_review": "Working Together 2023 ch.3: first CP review within 3 months of the ICPC, then at most "
                 "6-monthly (rulebook 3.5)",
    "cp_visit": "Local standard (no statutory frequency): CP visit, child seen, every 10 working days by default "
                "(setting cp_visit_interval_working_days; rulebook 3.6)",
    "lac_review": "CPPCR 2010 reg 33: first review within 20 working days of becoming looked after, second within "
                  "3 months, then at most 6-monthly",
    "lac_visit": "CPPCR 2010 reg 28(2): visit within 1 week of a placement starting, then at most 6-weekly in its "
                 "first year, then 3-monthly if long-term, else 6-weekly",
    "health": "CPPCR 2010 reg 7: initial health assessment before the first review (20 working days), then "
              "reviews 6-monthly under 5 and yearly from 5",
    "pep": "Promoting the education of looked-after children (2018): PEP in place for the first review, reviewed "
           "every school term (rulebook 5.2.4; settings pep_min_age, pep_max_age)",
    "contact_decision": "Working Together 2023 ch.3: decision on next steps within one working day of a contact "
                        "(setting contact_decision_working_days; rulebook 1.1)",
    "cin_plan_review": "Local standard (no statutory timescale): child in need plan reviewed every 12 weeks by "
                       "default (setting cin_plan_review_weeks; rulebook 4.1)",
    "dental": "CPPCR 2010 Sch 1 para 1 (health plan covers dental care) and DfE OC2 TEETH_CHECK: dental check "
              "every 12 months by default (setting dental_check_months; rulebook 5.2.3)",
    "pathway_plan": "CPPCR 2010 regs 42-43 and Care Leavers (England) Regs 2010 reg 7: pathway plan by 16y3m, "
                    "reviewed at least every 6 months by default (setting pathway_plan_review_months; "
                    "rulebook 6.2.2-6.2.3)",
}


# --- the rules ----------------------------------------------------------------------------------------------
ASSESSMENT = Interval(45, "working_days")
ICPC = Interval(15, "working_days")
CP_FIRST_REVIEW, CP_LATER_REVIEWS = Interval(3, "months"), Interval(6, "months")
LAC_FIRST_REVIEW, LAC_SECOND_REVIEW, LAC_LATER_REVIEWS = (
    Interval(20, "working_days"), Interval(3, "months"), Interval(6, "months"))
LAC_FIRST_VISIT, LAC_VISITS, LAC_LONG_TERM_VISITS = Interval(7, "days"), Interval(42, "days"), Interval(3, "months")
IHA = Interval(20, "working_days")
PATHWAY_PLAN_BY = Interval(3, "months")  # after the 16th birthday: the needs assessment, then the plan
HEALTH_UNDER_5, HEALTH_5_PLUS = Interval(6, "months"), Interval(12, "months")


def assessments(q: Q, current: bool = False) -> str:
    return _single(q, item="'assessment'", table="assessments", done="t.authorised_date", interval=ASSESSMENT,
                   rule=RULES["assessment"])


def icpc(q: Q, current: bool = False) -> str:
    """Initial conferences, due 15 working days after the strategy discussion that started the s47 enquiry;
    enquiries where the conference was found unnecessary have none (CIN ICPCnotRequired)."""
    return _single(q, item="'initial_conference'", table="s47_enquiries", done="t.icpc_date", interval=ICPC,
                   where="NOT COALESCE(t.icpc_not_required, FALSE)",
                   rule=RULES["initial_conference"])


def _plans(q: Q) -> str:
    return (f"SELECT child_id, start_date AS record_start, {q.visible_end('end_date')} AS record_end "
            f"FROM cp_plans WHERE start_date <= {q.at}")


def _visits(q: Q, kind: str) -> str:
    seen = " AND seen IS DISTINCT FROM FALSE" if q.settings.visits_need_child_seen else ""
    return f"SELECT child_id, visit_date AS event_date FROM visits WHERE kind = {lit(kind)}{seen}"


def cp_reviews(q: Q, current: bool = False, due_from: dt.date | None = None) -> str:
    return chain(q, item="'cp_review'", records=_plans(q),
                 events="SELECT child_id, review_date AS event_date FROM cp_reviews",
                 first=CP_FIRST_REVIEW, then=CP_LATER_REVIEWS,
                 rule=RULES["cp_review"], current=current, due_from=due_from)


def cp_visits(q: Q, current: bool = False) -> str:
    every = Interval(q.settings.cp_visit_interval_working_days, "working_days")
    return chain(q, item="'cp_visit'", records=_plans(q), events=_visits(q, "cp"), first=every, then=every,
                 rule=RULES["cp_visit"], current=current)


def _periods(q: Q) -> str:
    return (f"SELECT child_id, period_start AS record_start, period_end AS record_end, dob "
            f"FROM ({periods(q)}) p WHERE NOT short_break")


def lac_reviews(q: Q, current: bool = False, due_from: dt.date | None = None) -> str:
    then = Choice((("prev_seq = 1", LAC_SECOND_REVIEW),), LAC_LATER_REVIEWS)
    return chain(q, item="'lac_review'", records=_periods(q),
                 events="SELECT child_id, review_date AS event_date FROM lac_reviews",
                 first=LAC_FIRST_REVIEW, then=then,
                 rule=RULES["lac_review"], current=current, due_from=due_from)


def lac_visits(q: Q, current: bool = False) -> str:
    """Placement by placement (CPPCR 2010 reg 28(2)): within a week of the placement starting, then at most every
    six weeks in its first year, then 3-monthly where the placement is long-term (``Settings.
    long_term_placement_codes``) and six-weekly otherwise. The special cases of reg 28(3)-(6) (placed with parents
    before assessment, temporary kinship approval, interim care orders) need data the model does not hold."""
    records = (f"SELECT child_id, placement_start AS record_start, placement_end AS record_end, placement "
               f"FROM ({placements(q)}) p WHERE NOT short_break")
    long_term = f"prev_date >= {add_months('record_start', 12)} AND placement IN {in_list(q.settings.long_term_placement_codes)}"
    return chain(q, item="'lac_visit'", records=records, events=_visits(q, "lac"), first=LAC_FIRST_VISIT,
                 then=Choice(((long_term, LAC_LONG_TERM_VISITS),), LAC_VISITS),
                 rule=RULES["lac_visit"], current=current)


def health(q: Q, current: bool = False, due_from: dt.date | None = None) -> str:
    """Item 1 is the initial health assessment, due before the first review (20 working days; an assessment in
    the 3 months before the period counts: CPPCR 2010 reg 7); later items are reviews, 6-monthly before the fifth
    birthday and yearly after (reg 7, rulebook 5.2.2). A review falls to the yearly rule when the child would be
    five before six months ran out; without a date of birth the yearly rule applies."""
    fifth = "CAST(dob + INTERVAL 5 YEAR AS DATE)"
    then = Choice(((f"{HEALTH_UNDER_5.due('prev_date')} < {fifth}", HEALTH_UNDER_5),), HEALTH_5_PLUS)
    return chain(q, item="CASE WHEN seq = 1 THEN 'initial_health_assessment' ELSE 'health_review' END",
                 records=_periods(q), first=IHA, then=then, window_start=add_months("r.record_start", -3),
                 events="SELECT child_id, assessment_date AS event_date FROM health_assessments "
                        "WHERE kind IN ('initial', 'review')",
                 rule=RULES["health"], current=current, due_from=due_from)


def peps(q: Q, current: bool = False) -> str:
    """One PEP per school term for each looked-after child of PEP age at the term's start (rulebook 5.2.4,
    termly: K). The term's PEP is due at the term's end, or for a child who has just come into care in time for
    the first review (20 working days), whichever is later. Terms come from the ``calendar`` table; ``current``
    keeps only the current term (the latest to have started by the as-at date)."""
    s = q.settings
    latest = f"(SELECT MAX(term_start) FROM calendar WHERE term_start <= {q.at})"
    terms = f"t.term_start = {latest}" if current else f"t.term_start <= {q.at}"
    due = f"GREATEST(t.term_end, {IHA.due('p.record_start')})"
    age_at_term = "t.term_start >= CAST(p.dob + INTERVAL {n} YEAR AS DATE)"
    return f"""
    {_select("'pep'", RULES["pep"])}
    FROM (
      SELECT x.child_id, x.record_start, x.record_end, 1 AS seq, x.term_start AS clock_start, x.due_date,
             x.due_date AS on_time_until, MIN(e.pep_date) AS done_date
      FROM (
        SELECT p.child_id, p.record_start, p.record_end, t.term_start, {due} AS due_date
        FROM ({_periods(q)}) p
        JOIN (SELECT DISTINCT term_start, term_end FROM calendar WHERE term_start IS NOT NULL) t
          ON t.term_start <= COALESCE(p.record_end, {q.at}) AND t.term_end >= p.record_start AND {terms}
        WHERE p.dob IS NOT NULL AND {age_at_term.format(n=s.pep_min_age)}
          AND NOT ({age_at_term.format(n=s.pep_max_age)})
      ) x
      LEFT JOIN peps e ON e.child_id = x.child_id AND e.pep_date >= x.term_start AND e.pep_date <= x.due_date
       AND e.pep_date <= {q.at}
      GROUP BY x.child_id, x.record_start, x.record_end, x.term_start, x.due_date
    ) y
    WHERE done_date IS NOT NULL OR record_end IS NULL OR due_date < record_end"""


def pathway_plans(q: Q, current: bool = False) -> str:
    """Pathway plans of relevant and former relevant care leavers: in place by 16 years 3 months (CPPCR 2010
    regs 42-43), then reviewed at least every ``Settings.pathway_plan_review_months`` (Care Leavers (England)
    Regs 2010 reg 7; rulebook 6.2.2-6.2.3). An authorisation or a review both count."""
    every = Interval(q.settings.pathway_plan_review_months, "months")
    records = f"SELECT child_id, record_start, CAST(NULL AS DATE) AS record_end FROM ({care_leavers(q)}) c"
    return chain(q, item="'pathway_plan'", records=records, first=PATHWAY_PLAN_BY, then=every,
                 window_start=add_months("r.record_start", -12),
                 events="SELECT child_id, plan_date AS event_date FROM pathway_plans",
                 rule=RULES["pathway_plan"], current=current)


def contact_decisions(q: Q, current: bool = False) -> str:
    """One decision per contact, due ``Settings.contact_decision_working_days`` working days after it (Working
    Together 2023 ch.3; rulebook 1.1). A contact with an outcome but no decision date was decided on a day nobody
    recorded: it is closed (nothing is owed) but has no ``done_date``, so it is not timed either."""
    within = Interval(q.settings.contact_decision_working_days, "working_days")
    done = f"CASE WHEN decision_date <= {q.at} THEN decision_date END"
    return f"""
    {_select("'contact_decision'", RULES["contact_decision"])} FROM (
      SELECT child_id, contact_date AS record_start,
             COALESCE({done}, CASE WHEN outcome IS NOT NULL THEN contact_date END) AS record_end, 1 AS seq,
             contact_date AS clock_start, {within.due('contact_date')} AS due_date,
             {within.on_time_until('contact_date')} AS on_time_until, {done} AS done_date
      FROM contacts WHERE contact_date <= {q.at}
    ) x"""


def cin_plan_reviews(q: Q, current: bool = False, due_from: dt.date | None = None) -> str:
    """Child in need plans reviewed every ``Settings.cin_plan_review_weeks`` weeks, the first that long after the
    plan started, each later one after the review before it (rulebook 4.1, a local standard)."""
    every = Interval(7 * q.settings.cin_plan_review_weeks, "days")
    records = (f"SELECT child_id, start_date AS record_start, {q.visible_end('end_date')} AS record_end "
               f"FROM cin_plans WHERE start_date <= {q.at}")
    return chain(q, item="'cin_plan_review'", records=records,
                 events="SELECT child_id, review_date AS event_date FROM cin_plan_reviews",
                 first=every, then=every, rule=RULES["cin_plan_review"], current=current, due_from=due_from)


def dental(q: Q, current: bool = False) -> str:
    """Dental checks of looked-after children, one every ``Settings.dental_check_months`` (rulebook 5.2.3): the
    first that long after care began, a check in the same span before care began counting for it."""
    every = Interval(q.settings.dental_check_months, "months")
    return chain(q, item="'dental_check'", records=_periods(q), first=every, then=every,
                 window_start=add_months("r.record_start", -q.settings.dental_check_months),
                 events="SELECT child_id, assessment_date AS event_date FROM health_assessments WHERE kind = 'dental'",
                 rule=RULES["dental"], current=current)


def eligible_pathway_plans(q: Q, current: bool = False) -> str:
    """Eligible children (looked after at 16 or 17, with a recorded leaving-care entitlement): one item, the first
    pathway plan, due at 16 years 3 months (CPPCR 2010 regs 42-43; rulebook 6.2.2); a plan from 15 counts. It is
    then reviewed with the care plan (reg 43), so nothing further is due here; once they leave care their plans
    are in :func:`pathway_plans`."""
    start = "CAST(c.dob + INTERVAL 16 YEAR AS DATE)"
    return f"""
    {_select("'pathway_plan'", RULES["pathway_plan"])} FROM (
      SELECT x.child_id, x.record_start, CAST(NULL AS DATE) AS record_end, 1 AS seq, x.record_start AS clock_start,
             x.due_date, x.due_date AS on_time_until, MIN(p.plan_date) AS done_date
      FROM (
        SELECT l.child_id, {start} AS record_start, {PATHWAY_PLAN_BY.due(start)} AS due_date
        FROM care_leavers l JOIN children c ON c.child_id = l.child_id
        WHERE l.eligibility IN ('eligible', 'relevant', 'former_relevant') AND c.dob IS NOT NULL
          AND {start} <= {q.at} AND CAST(c.dob + INTERVAL 18 YEAR AS DATE) > {q.at}
          AND l.child_id IN (SELECT child_id FROM ({looked_after(q)}) la)
      ) x LEFT JOIN pathway_plans p ON p.child_id = x.child_id AND p.plan_date <= {q.at}
       AND p.plan_date >= {add_months("x.record_start", -12)}
      GROUP BY x.child_id, x.record_start, x.due_date
    ) y"""


@dataclass(frozen=True)
class Schedule:
    """A named schedule and the family of work it belongs to."""

    name: str
    sql: Callable[..., str]  # (q, current=False) -> SQL
    family: str


SCHEDULES: dict[str, Schedule] = {s.name: s for s in (
    Schedule("contact_decision", contact_decisions, "front door"),
    Schedule("assessment", assessments, "front door"),
    Schedule("cin_plan_review", cin_plan_reviews, "children in need"),
    Schedule("initial_conference", icpc, "child protection"),
    Schedule("cp_review", cp_reviews, "child protection"),
    Schedule("cp_visit", cp_visits, "child protection"),
    Schedule("lac_review", lac_reviews, "looked after"),
    Schedule("lac_visit", lac_visits, "looked after"),
    Schedule("health", health, "looked after"),
    Schedule("dental", dental, "looked after"),
    Schedule("pep", peps, "looked after"),
    Schedule("pathway_plan_eligible", eligible_pathway_plans, "looked after"),
    Schedule("pathway_plan", pathway_plans, "care leavers"),
)}


def due_items(q: Q, names: list[str] | None = None, *, current: bool = False) -> str:
    """SQL for the due items of the named schedules (all when ``names`` is None), unioned; ``current`` keeps
    only what can be pending at the as-at date (see :func:`chain`)."""
    chosen = [SCHEDULES[n] for n in (names or list(SCHEDULES))]
    return "\nUNION ALL\n".join(f"SELECT * FROM ({s.sql(q, current=current)}) {s.name}_items" for s in chosen)


__all__ = ["COLUMNS", "SCHEDULES", "Schedule", "due_items"]
