"""The children in need (CIN) census XML: one declaration of its structure, read and written from it.

The DfE CIN census is a ``<Message>`` with a ``<Header>`` and ``<Children>``; each ``<Child>`` holds
``ChildIdentifiers``, ``ChildCharacteristics`` and one ``CINdetails`` per CIN episode, and each episode nests its
assessments, CIN plans, section 47 enquiries, child protection plans (with review conferences) and, from
2025-26, pre-proceedings. The nesting and element order below follow the DfE schema (XSDs 2017-2026 in
reference-data/schemas/cin-census, ``cindetailstype`` and friends); the reader (:mod:`cin_census_read`) and the
writer (:mod:`cin_census_write`) both walk this one tree, so they cannot disagree about a field.

Years are collection years named by their end: 2024 = 1 April 2023 to 31 March 2024 (the census'
ReferenceDate). The XSDs agree: ``CINPlanDates`` first appears in the 2022 XSD (CIN plans collected "from
2022 onwards", DfE CIN methodology) and ``Sex`` replaces ``GenderCurrent`` in the 2025 XSD (CIN census
2024-25 specification: item N00783 Sex replaces N00007 Gender).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
import re

import polars as pl

from caseboard.formats.base import Batch

FORMAT = "cin-census-xml"

#: GenderCurrent (CIN XSD ``gendertype``, to 2024): 1 male, 2 female, 0 not recorded or unborn, 9 indeterminate.
#: The model holds sex as M/F/U, so 0 and 9 both become U (the model does not keep them apart).
GENDER_CURRENT_TO_SEX: dict[str, str] = {"1": "M", "2": "F", "0": "U", "9": "U"}

#: First collection year whose XSD uses ``Sex`` (M/F/U) rather than ``GenderCurrent``.
SEX_FROM_YEAR = 2025


@dataclass(frozen=True)
class Field:
    """One XML element holding one canonical value.

    ``column`` None: a schema element the model does not hold (read, reported once, not kept).
    ``item``: the element is a container of repeated ``item`` elements whose values are comma-joined
    (Disabilities/Disability, FactorsIdentifiedAtAssessment/AssessmentFactors: model convention).
    ``codes``: file code -> model code where the model's representation differs; other values pass through.
    ``since``/``until``: the collection years whose XSD has this element (the writer obeys; the reader accepts all).
    """

    element: str
    column: str | None
    item: str | None = None
    codes: Mapping[str, str] | None = None
    since: int = 0
    until: int = 9999


@dataclass(frozen=True)
class Node:
    """An XML element with element content.

    ``table`` None: a wrapper whose fields belong to the enclosing record (ChildIdentifiers). Otherwise each
    occurrence is one record of ``table`` (or, with ``each_item``, each child element is one record: a single
    ``<Reviews>`` holds every ``CPPreviewDate``). ``links`` copy values from the enclosing record into this one:
    (enclosing column, own column), e.g. the CINreferralDate of the episode an assessment belongs to.
    """

    element: str
    parts: tuple["Field | Node", ...]
    table: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    each_item: bool = False
    since: int = 0


_EPISODE = (("referral_date", "referral_date"),)

ASSESSMENTS = Node("Assessments", table="assessments", links=_EPISODE, parts=(
    Field("AssessmentActualStartDate", "start_date"),
    Field("AssessmentInternalReviewDate", None),
    Field("AssessmentAuthorisationDate", "authorised_date"),
    Field("FactorsIdentifiedAtAssessment", "factors", item="AssessmentFactors"),
))
CIN_PLANS = Node("CINPlanDates", table="cin_plans", links=_EPISODE, since=2022, parts=(
    Field("CINPlanStartDate", "start_date"),
    Field("CINPlanEndDate", "end_date"),
))
SECTION_47 = Node("Section47", table="s47_enquiries", links=_EPISODE, parts=(
    Field("S47ActualStartDate", "start_date"),
    Field("InitialCPCtarget", "icpc_target"),
    Field("DateOfInitialCPC", "icpc_date"),
    Field("ICPCnotRequired", "icpc_not_required"),
))
CP_REVIEWS = Node("Reviews", table="cp_reviews", each_item=True, links=(("start_date", "plan_start_date"),), parts=(
    Field("CPPreviewDate", "review_date"),
))
CP_PLANS = Node("ChildProtectionPlans", table="cp_plans", links=_EPISODE, parts=(
    Field("CPPstartDate", "start_date"),
    Field("CPPendDate", "end_date"),
    Field("InitialCategoryOfAbuse", "initial_category"),
    Field("LatestCategoryOfAbuse", "latest_category"),
    Field("NumberOfPreviousCPP", "previous_plans"),
    CP_REVIEWS,
))
#: Pre-proceedings and family group decision making, CIN census 2025-26. The element order is the one in the
#: 2026 example return; the shared 2026 XSD predates this module and does not declare it. The canonical table
#: has no referral_date, so no link: the writer places each record in the episode open at its start date.
PRE_PROCEEDINGS = Node("PreProceedingsandFGDM", table="pre_proceedings", since=2026, parts=(
    Field("PPStartDate", "start_date"),
    Field("LBPSentDate", "letter_before_proceedings_date"),
    Field("FGDMMeetingOffer", "fgdm_offered"),
    Field("FGDMMeetingFac", "fgdm_facilitated"),
    Field("InitialPPMeetingDate", "initial_meeting_date"),
    Field("ReviewMeetingsCount", "review_meetings"),
    Field("StepDecisionDate", "step_decision_date"),
    Field("PPOutcome", "outcome"),
    Field("CourtAppDate", "court_application_date"),
    Field("LetterInitCPDate", None),
))
CIN_DETAILS = Node("CINdetails", table="referrals", parts=(
    Field("CINreferralDate", "referral_date"),
    Field("ReferralSource", "source"),
    Field("PrimaryNeedCode", "primary_need"),
    Field("CINclosureDate", "closure_date"),
    Field("ReasonForClosure", "closure_reason"),
    Field("DateOfInitialCPC", "icpc_date"),
    ASSESSMENTS,
    CIN_PLANS,
    SECTION_47,
    Field("ReferralNFA", "nfa"),
    CP_PLANS,
    PRE_PROCEEDINGS,
))
CHILD = Node("Child", table="children", parts=(
    Node("ChildIdentifiers", parts=(
        Field("LAchildID", "child_id"),
        Field("UPN", "upn"),
        Field("FormerUPN", "former_upn"),
        Field("UPNunknown", "upn_unknown"),
        Field("PersonBirthDate", "dob"),
        Field("ExpectedPersonBirthDate", "expected_dob"),
        Field("GenderCurrent", "sex", codes=GENDER_CURRENT_TO_SEX, until=SEX_FROM_YEAR - 1),
        Field("Sex", "sex", since=SEX_FROM_YEAR),
        Field("PersonDeathDate", "death_date"),
    )),
    Node("ChildCharacteristics", parts=(
        Field("Ethnicity", "ethnicity"),
        Field("Disabilities", "disabilities", item="Disability"),
    )),
    CIN_DETAILS,
))


def table_nodes(node: Node = CHILD) -> list[Node]:
    """Every record-holding node under (and including) ``node``, parents before children."""
    out = [node] if node.table else []
    for part in node.parts:
        if isinstance(part, Node):
            out.extend(table_nodes(part))
    return out


def fields(node: Node) -> list[Field]:
    """The fields of one record: the node's own and those of its wrappers (not of nested records)."""
    out: list[Field] = []
    for part in node.parts:
        if isinstance(part, Field):
            out.append(part)
        elif part.table is None:
            out.extend(fields(part))
    return out


#: The canonical tables this format fills, in nesting order.
TABLES: tuple[str, ...] = tuple(dict.fromkeys(n.table for n in table_nodes() if n.table))


def sniff(path: Path) -> bool:
    """True for an XML file whose start shows a CIN census ``<Message>`` (cheap: reads the first 8 KB)."""
    if path.suffix.lower() != ".xml":
        return False
    try:
        with path.open("rb") as f:
            head = f.read(8192).decode("latin-1")
    except OSError:
        return False
    if not re.search(r"<(\w+:)?Message[\s>]", head):
        return False
    collection = re.search(r"<(?:\w+:)?Collection>\s*([^<\s]*)\s*<", head)
    if collection:
        return collection.group(1) == "CIN"
    return bool(re.search(r"<(\w+:)?(LAchildID|CINdetails|ChildIdentifiers)[\s>]", head))


def read(paths: list[Path], batch: Batch) -> None:
    """Read CIN census XML files into ``batch`` (see :func:`cin_census_read.read_file`)."""
    from caseboard.formats.cin_census_read import read_file

    for path in paths:
        read_file(Path(path), batch)


def write(frames: Mapping[str, pl.DataFrame], out: Path, **options: object) -> list[Path]:
    """Write canonical frames as a CIN census for ``year=`` (see :func:`cin_census_write.write`)."""
    from caseboard.formats.cin_census_write import write as write_census

    return write_census(frames, Path(out), **options)  # type: ignore[arg-type]
