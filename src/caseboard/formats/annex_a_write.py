"""Writing the Ofsted Annex A workbook (current layout, lists 1-11) from the canonical tables, as at a date.

One sheet per list, "List 1" to "List 11", headings in the published order (``annex_a_headers.yml``), one row
per record in the list's scope. Scopes (Ofsted ILACS Annex A guidance; statutory-rules-and-indicators.md s.10):
List 1 contacts, List 3 referrals and List 5 s47 enquiries in the 6 months before ``as_at``; List 2 early help
and List 4 assessments open at ``as_at`` or ended in those 6 months; List 6 the latest CIN episode of each child
open or closed in those 6 months (referrals ending in no further action excluded: "does not include children
who are only the subject of a referral"); List 7 the latest CP plan open at ``as_at`` or ended in the 6 months;
List 8 children looked after at ``as_at`` or who ceased in the 6 months; List 9 every care leaver; List 10 children
with an adoption decision not yet adopted or reversed, or adopted or reversed in the 12 months; List 11 (adopters)
headings only: the model holds no adopters.

"As at" means as the service stood that day: a date after ``as_at`` is not yet known and is left empty, and
"latest" means latest on or before ``as_at``. Age is whole years at ``as_at`` (-1 for an unborn child, as the
guidance asks). Allocated Team/Worker: the child's allocation covering the day the record ended, or ``as_at``
if it is open (guidance, List 6: "the team the case was last allocated to if ceased ... currently allocated to
if open"), by name when ``teams``/``workers`` name them. Counts "in the last 12 months" count earlier records in
the 12 months before the record's own date (Annex A FAQ, 2019: "one prior S47 to the current").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from caseboard.calendar import add_months, age_on
from caseboard.formats.annex_a_lists import labels, lists
from caseboard.model.tables import TABLES_BY_NAME

Row = dict[str, Any]
#: 903 RNE (SSDA903 guide): L = change of legal status only (same placement); P and T = change of placement only.
SAME_PLACEMENT = ("L",)
SAME_LEGAL_STATUS = ("P", "T")


def write(frames: Mapping[str, pl.DataFrame], out: Path, *, as_at: dt.date, **_: object) -> list[Path]:
    """Write the Annex A workbook for ``as_at`` to ``out`` (a .xlsx path, or a folder to write annex-a-<date>.xlsx in).

    xlsxwriter in constant-memory mode: a List 1 of tens of thousands of contacts is written in seconds. Every
    text is written as text (a worker's name starting with "=" must not become a formula).
    """
    import xlsxwriter

    path = out / f"annex-a-{as_at.isoformat()}.xlsx" if out.is_dir() else out
    path.parent.mkdir(parents=True, exist_ok=True)
    data = _Data(frames, as_at)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    bold, day = wb.add_format({"bold": True, "text_wrap": True}), wb.add_format({"num_format": "dd/mm/yyyy"})
    for number, spec in lists().items():
        ws = wb.add_worksheet(spec.sheet_name)
        ws.freeze_panes(1, 0)
        for c, f in enumerate(spec.fields):
            ws.write_string(0, c, f.header, bold)
        builder = BUILDERS.get(number)
        for r, row in enumerate(builder(data) if builder else [], start=1):
            for c, f in enumerate(spec.fields):
                value = row.get(f.name)
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
                elif isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, (int, float)):
                    ws.write_number(r, c, value)
                elif value is not None:
                    ws.write_string(r, c, str(value))
    wb.close()
    return [path]


class _Data:
    """The canonical tables as plain rows, grouped by child, with the as-at rules every list shares."""

    def __init__(self, frames: Mapping[str, pl.DataFrame], as_at: dt.date) -> None:
        self.as_at = as_at
        self.since6 = add_months(as_at, -6)
        self.since12 = add_months(as_at, -12)
        self.rows: dict[str, list[Row]] = {}
        for name, t in TABLES_BY_NAME.items():
            frame = frames.get(name)
            cols = [c for c in t.column_names if frame is not None and c in frame.columns]
            self.rows[name] = frame.select(cols).to_dicts() if frame is not None and frame.height else []
        self._by_child: dict[str, dict[str, list[Row]]] = {}
        self.children = {r["child_id"]: r for r in reversed(self.rows["children"])}
        self.team_names = {r["team_id"]: r["name"] for r in self.rows["teams"]}
        self.worker_names = {r["worker_id"]: r.get("name") or r["worker_id"] for r in self.rows["workers"]}

    def of(self, table: str, child: str) -> list[Row]:
        if table not in self._by_child:
            grouped: dict[str, list[Row]] = defaultdict(list)
            for r in self.rows[table]:
                grouped[r["child_id"]].append(r)
            self._by_child[table] = grouped
        return self._by_child[table].get(child, [])

    def known(self, day: dt.date | None) -> dt.date | None:
        """A date as known at ``as_at``: later dates have not happened yet."""
        return day if day is not None and day <= self.as_at else None

    def recent(self, day: dt.date | None, since: dt.date) -> bool:
        return day is not None and since <= day <= self.as_at

    def open_or_ended_since(self, start: dt.date | None, end: dt.date | None, since: dt.date) -> bool:
        return start is not None and start <= self.as_at and (end is None or end >= since)

    def latest(self, rows: list[Row], col: str, keep: Callable[[Row], bool] = lambda r: True) -> Row | None:
        found = [r for r in rows if self.known(r[col]) and keep(r)]
        return max(found, key=lambda r: r[col]) if found else None

    def child(self, child_id: str) -> Row:
        """The columns every list starts with (and UASC and disability where a list has them)."""
        c = self.children.get(child_id, {})
        dob, expected = c.get("dob"), c.get("expected_dob")
        unborn = (dob is None and expected is not None) or (dob is not None and dob > self.as_at)
        age = -1 if unborn else (None if dob is None else age_on(dob, self.as_at))
        disabilities = c.get("disabilities")
        return {
            "child_id": child_id, "gender": labels("gender").get(c.get("sex") or "", c.get("sex")),
            "ethnicity": c.get("ethnicity"), "dob": dob or expected, "age": age, "uasc": _yes_no(c.get("uasc")),
            "disability": None if not disabilities else _yes_no(disabilities.strip().upper() != "NONE"),
        }

    def allocated(self, child_id: str, ended: dt.date | None) -> Row:
        """Team and worker holding the case on the day the record ended, or at ``as_at`` if it is open."""
        day = self.known(ended) or self.as_at
        held = [a for a in self.of("allocations", child_id)
                if a["start_date"] <= day and (a.get("end_date") is None or a["end_date"] >= day)]
        if not held:
            return {}
        a = max(held, key=lambda r: r["start_date"])
        team, worker = a.get("team_id"), a.get("worker_id")
        return {"team": self.team_names.get(team, team), "worker": self.worker_names.get(worker, worker)}

    def prior(self, rows: list[Row], col: str, day: dt.date) -> int:
        """How many of ``rows`` have ``col`` in the 12 months before ``day`` (not counting ``day`` itself)."""
        return sum(1 for r in rows if r.get(col) is not None and add_months(day, -12) <= r[col] < day)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else labels("yes_no")["true" if value else "false"]


def _label(kind: str, value: str | None) -> str | None:
    return None if value is None else labels(kind).get(value, value)


def _rows(data: _Data, table: str, keep: Callable[[Row], bool], build: Callable[[Row], Row],
          order: str, latest_per_child: bool = False) -> list[Row]:
    """Select ``table``'s rows in scope, one per child if asked (the latest by ``order``), and build each."""
    chosen = [r for r in data.rows[table] if keep(r)]
    if latest_per_child:
        best: dict[str, Row] = {}
        for r in chosen:
            if r["child_id"] not in best or r[order] > best[r["child_id"]][order]:
                best[r["child_id"]] = r
        chosen = list(best.values())
    chosen.sort(key=lambda r: (r[order], r["child_id"]))
    return [{**data.child(r["child_id"]), **build(r)} for r in chosen]


def _list1(d: _Data) -> list[Row]:
    return _rows(d, "contacts", lambda r: d.recent(r["contact_date"], d.since6),
                 lambda r: {"contact_date": r["contact_date"], "contact_source": r.get("source")}, "contact_date")


def _list2(d: _Data) -> list[Row]:
    return _rows(d, "early_help", lambda r: d.open_or_ended_since(r["start_date"], r.get("end_date"), d.since6),
                 lambda r: {"eh_start": r["start_date"], "eh_completed": d.known(r.get("assessment_completed_date")),
                            "organisation": r.get("organisation")}, "start_date")


def _list3(d: _Data) -> list[Row]:
    def build(r: Row) -> Row:
        return {"referral_date": r["referral_date"], "referral_source": r.get("source"), "referral_nfa": _yes_no(r.get("nfa")),
                "referrals_12m": d.prior(d.of("referrals", r["child_id"]), "referral_date", r["referral_date"]),
                **d.allocated(r["child_id"], r.get("closure_date"))}
    return _rows(d, "referrals", lambda r: d.recent(r["referral_date"], d.since6), build, "referral_date")


def _list4(d: _Data) -> list[Row]:
    def build(r: Row) -> Row:
        seen = d.known(r.get("child_seen_date"))
        return {"assessment_start": r["start_date"], "child_seen": _yes_no(True) if seen else None,
                "assessment_authorised": d.known(r.get("authorised_date")),
                "csc_support": _yes_no(r.get("outcome_csc_support")), **d.allocated(r["child_id"], r.get("authorised_date"))}
    return _rows(d, "assessments", lambda r: d.open_or_ended_since(r["start_date"], r.get("authorised_date"), d.since6),
                 build, "start_date")


def _list5(d: _Data) -> list[Row]:
    def build(r: Row) -> Row:
        earlier = d.of("s47_enquiries", r["child_id"])
        return {"s47_start": r["start_date"], "icpc_not_required": _yes_no(r.get("icpc_not_required")),
                "icpc_date": d.known(r.get("icpc_date")), "icpc_plan": _yes_no(r.get("icpc_resulted_in_plan")),
                "s47_12m": d.prior(earlier, "start_date", r["start_date"]),
                "icpc_12m": d.prior(earlier, "icpc_date", r["start_date"]), **d.allocated(r["child_id"], None)}
    return _rows(d, "s47_enquiries", lambda r: d.recent(r["start_date"], d.since6), build, "start_date")


def _status(d: _Data, child_id: str, closed: bool) -> str:
    """List 6 Case Status: the first that applies (guidance: "Where a child is both CLA and CP, record as CLA")."""
    def open_(table: str, end: str) -> bool:
        return any(r["start_date"] <= d.as_at and d.known(r.get(end)) is None for r in d.of(table, child_id))
    kind = ("closed" if closed else "lac" if open_("lac_episodes", "end_date") else "cp" if open_("cp_plans", "end_date")
            else "cin" if open_("cin_plans", "end_date") else "assessment" if open_("assessments", "authorised_date")
            else None)
    return _label("case_status", kind) if kind else None  # type: ignore[return-value]


def _list6(d: _Data) -> list[Row]:
    def build(r: Row) -> Row:
        closed = d.known(r.get("closure_date"))
        seen = d.latest([v for k in ("cin", "cp", "lac") for v in d.of("visits", r["child_id"]) if v["kind"] == k],
                        "visit_date", lambda v: v.get("seen") is not False)
        return {"cin_start": r["referral_date"], "primary_need": r.get("primary_need"),
                "last_seen": seen["visit_date"] if seen else None, "cin_closure": closed,
                "closure_reason": r.get("closure_reason") if closed else None,
                "case_status": _status(d, r["child_id"], closed is not None), **d.allocated(r["child_id"], closed)}
    return _rows(d, "referrals", lambda r: not r.get("nfa") and d.open_or_ended_since(
        r["referral_date"], r.get("closure_date"), d.since6), build, "referral_date", latest_per_child=True)


def _list7(d: _Data) -> list[Row]:
    def build(r: Row) -> Row:
        child, start, end = r["child_id"], r["start_date"], d.known(r.get("end_date"))
        visit = d.latest(d.of("visits", child), "visit_date",
                         lambda v: v["kind"] == "cp" and start <= v["visit_date"] and (end is None or v["visit_date"] <= end))
        review = d.latest(d.of("cp_reviews", child), "review_date", lambda v: v["plan_start_date"] == start)
        previous = r.get("previous_plans")
        return {"cp_start": start, "initial_category": _label("abuse", r.get("initial_category")),
                "latest_category": _label("abuse", r.get("latest_category")),
                "last_visit": visit["visit_date"] if visit else None,
                "seen_alone": _yes_no(visit.get("seen_alone")) if visit else None,
                "latest_review": review["review_date"] if review else None, "cp_end": end,
                "previous_plans": previous if previous is not None else
                sum(1 for p in d.of("cp_plans", child) if p["start_date"] < start),
                **d.allocated(child, end)}
    return _rows(d, "cp_plans", lambda r: d.open_or_ended_since(r["start_date"], r.get("end_date"), d.since6),
                 build, "start_date", latest_per_child=True)


def _walk_back(eps: list[Row], i: int, carry_on: Callable[[Row], bool]) -> int:
    """Index of the first of the contiguous episodes (each starting the day the one before ended) ending at ``i``
    that ``carry_on`` lets the walk pass through."""
    while i > 0 and carry_on(eps[i]) and eps[i - 1].get("end_date") == eps[i]["start_date"]:
        i -= 1
    return i


def _episodes(d: _Data, child: str) -> list[Row]:
    return sorted((e for e in d.of("lac_episodes", child) if e["start_date"] <= d.as_at), key=lambda e: e["start_date"])


def _period_start(eps: list[Row], i: int) -> dt.date:
    """The start of the period of care that episode ``i`` belongs to (903: a period starts with RNE S)."""
    return eps[_walk_back(eps, i, lambda e: e.get("rne") != "S")]["start_date"]


def _placements(eps: list[Row]) -> list[tuple[dt.date, dt.date | None]]:
    """(start, end) of each placement: an episode starts a new one unless it only changed the legal status (RNE L)
    and follows on from the one before."""
    spans: list[list[Any]] = []
    for j, e in enumerate(eps):
        if spans and e.get("rne") in SAME_PLACEMENT and eps[j - 1].get("end_date") == e["start_date"]:
            spans[-1][1] = e.get("end_date")
        else:
            spans.append([e["start_date"], e.get("end_date")])
    return [(a, b) for a, b in spans]


def _list8(d: _Data) -> list[Row]:
    out: list[Row] = []
    for child in sorted({e["child_id"] for e in d.rows["lac_episodes"]}):
        eps = _episodes(d, child)
        if not eps:
            continue
        i = len(eps) - 1
        cur = eps[i]
        ceased = d.known(cur.get("end_date"))
        if ceased is not None and ceased < d.since6:
            continue
        first = _walk_back(eps, i, lambda e: e.get("rne") != "S")
        missing = [m for m in d.of("missing_episodes", child) if d.recent(m["start_date"], d.since12)]
        last_missing = d.latest(d.of("missing_episodes", child), "start_date", lambda m: m.get("kind") == "M")
        health = d.latest(d.of("health_assessments", child), "assessment_date", lambda h: h["kind"] in ("initial", "review"))
        dental = d.latest(d.of("health_assessments", child), "assessment_date", lambda h: h["kind"] == "dental")
        review = d.latest(d.of("lac_reviews", child), "review_date")
        visit = d.latest(d.of("visits", child), "visit_date", lambda v: v["kind"] == "lac")
        earlier_end = eps[first - 1].get("end_date") if first > 0 else None
        out.append({
            **d.child(child), "lac_start": eps[first]["start_date"], "category_of_need": cur.get("cin_category"),
            "second_period": _yes_no(earlier_end is not None and earlier_end >= d.since12),
            "legal_status_start": eps[_walk_back(eps, i, lambda e: e.get("rne") in SAME_LEGAL_STATUS)]["start_date"],
            "legal_status": cur.get("legal_status"), "latest_review": review["review_date"] if review else None,
            "last_sw_visit": visit["visit_date"] if visit else None,
            "last_health": health["assessment_date"] if health else None,
            "last_dental": dental["assessment_date"] if dental else None,
            "placements_12m": sum(1 for _, end in _placements(eps) if end is None or end >= d.since12),
            "lac_ceased": ceased,
            "reason_ceased": cur.get("reason_ceased") if ceased else None,
            "placement_start": eps[_walk_back(eps, i, lambda e: e.get("rne") in SAME_PLACEMENT)]["start_date"],
            "placement_type": cur.get("placement"), "provider": cur.get("provider"),
            "placement_postcode": cur.get("placement_postcode"), "urn": cur.get("urn"),
            "missing_12m": sum(1 for m in missing if m.get("kind") == "M"),
            "absent_12m": sum(1 for m in missing if m.get("kind") == "A"),
            "rhi_offered": _yes_no(last_missing.get("return_interview_offered")) if last_missing else None,
            "rhi_accepted": _yes_no(last_missing.get("return_interview_accepted")) if last_missing else None,
            **d.allocated(child, ceased),
        })
    return out


def _list9(d: _Data) -> list[Row]:
    def build(r: Row) -> Row:
        child = r["child_id"]
        status = d.latest(d.of("care_leaver_status", child), "status_date") or {}
        pathway = d.latest(d.of("pathway_plans", child), "plan_date", lambda p: p["kind"] == "review")
        accom = status.get("accommodation") or ""
        split = len(accom) == 2 and accom[0].isalpha() and accom[1] in "12"
        return {"personal_adviser": r.get("personal_adviser"), "eligibility": _label("eligibility", r.get("eligibility")),
                "pathway_review": pathway["plan_date"] if pathway else None,
                "in_touch": _label("in_touch", status.get("in_touch")),
                "latest_contact": d.known(status.get("latest_contact_date") or status.get("status_date")),
                "accommodation": (accom[0] if split else accom) or None,
                "suitability": _label("suitability", accom[1]) if split else None,
                "activity": status.get("activity"), **d.allocated(child, None)}
    return _rows(d, "care_leavers", lambda r: True, build, "child_id")


def _list10(d: _Data) -> list[Row]:
    def in_scope(r: Row) -> bool:
        decided, adopted, reversed_ = (d.known(r.get(c)) for c in ("decision_date", "adoption_order_date",
                                                                       "decision_reversed_date"))
        waiting = decided is not None and adopted is None and reversed_ is None
        return waiting or d.recent(adopted, d.since12) or d.recent(reversed_, d.since12)

    def build(r: Row) -> Row:
        eps = [e for e in _episodes(d, r["child_id"]) if e["start_date"] <= r["decision_date"]]
        return {"entered_care": _period_start(eps, len(eps) - 1) if eps else None, "adm_decision": r["decision_date"],
                **{f: d.known(r.get(c)) for f, c in (("placement_order", "placement_order_date"), ("matched", "match_date"),
                   ("placed", "placed_date"), ("adoption_order", "adoption_order_date"),
                   ("decision_reversed", "decision_reversed_date"))},
                "reversal_reason": r.get("placed_ceased_reason") if d.known(r.get("decision_reversed_date")) else None}
    return _rows(d, "adoptions", in_scope, build, "decision_date")


BUILDERS: dict[int, Callable[[_Data], list[Row]]] = {
    1: _list1, 2: _list2, 3: _list3, 4: _list4, 5: _list5, 6: _list6, 7: _list7, 8: _list8, 9: _list9, 10: _list10,
}
