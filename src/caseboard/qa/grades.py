"""The scales QA work is recorded on: Ofsted's four-point grades and the case risk rating (RAG).

Grades are stored as Ofsted numbers them (1 Outstanding ... 4 Inadequate: Ofsted, *Inspecting local authority
children's services* (ILACS) framework, judgement scale), so "within one grade" is a difference of at most 1
and a lower average is better. "Requires improvement" replaced "Adequate" in 2013 (seed 004, Case File Audit
report, 2.2). "Critically inadequate — immediate follow-up" is not a fifth grade but a flag on an Inadequate
grade: the case is so concerning that the team manager and head of service must act at once (seed 004: "No
cases audited were so concerning that they required immediate follow up").
"""

from __future__ import annotations

GRADES: dict[int, str] = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}
INADEQUATE = 4
CRITICAL_LABEL = "Critically inadequate — immediate follow-up"

#: Case risk ratings with the definitions team managers rate open cases by (seed 004, item 9).
RAG: dict[str, str] = {
    "R": "Red: high risk unaddressed, no clear plan, or no clarity about risk.",
    "A": "Amber: risk identified but intervention delayed or not working.",
    "G": "Green: risk identified and actively managed.",
}
#: Worked first: red, then amber, then green.
RAG_ORDER = {"R": 0, "A": 1, "G": 2}


def grade(value: int | str) -> int:
    """A grade from its number or its label (case-insensitive); anything else is refused with the scale."""
    if isinstance(value, str) and not value.strip().isdigit():
        wanted = value.strip().lower()
        for number, label in GRADES.items():
            if label.lower() == wanted:
                return number
        raise ValueError(f"{value!r} is not a grade: use one of {', '.join(GRADES.values())} (or 1-4)")
    number = int(value)
    if number not in GRADES:
        raise ValueError(f"{value!r} is not a grade: 1 Outstanding, 2 Good, 3 Requires improvement, 4 Inadequate")
    return number


def check_critical(overall: int | None, critical: bool) -> None:
    """Refuse the critical flag on anything but an Inadequate overall grade."""
    if critical and overall != INADEQUATE:
        raise ValueError(f"'{CRITICAL_LABEL}' can only be given with an overall grade of Inadequate")


def rag(value: str) -> str:
    """A rating from R/A/G or Red/Amber/Green (case-insensitive)."""
    letter = value.strip()[:1].upper()
    if letter not in RAG or value.strip().lower() not in {letter.lower(), {"R": "red", "A": "amber",
                                                                           "G": "green"}[letter]}:
        raise ValueError(f"{value!r} is not a case risk rating: use R (red), A (amber) or G (green)")
    return letter
