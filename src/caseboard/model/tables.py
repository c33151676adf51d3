"""The canonical case model: one declaration of each entity that Caseboard holds.

Every source (SSDA903, CIN census, Annex A, the DfE API feed, a council's own extract) is translated into these
tables, and everything downstream (indicators, worklists, QA, forecasts, reports) reads only these tables.
Field meanings follow the DfE returns they come from; the item in brackets is the return's own name
(903 = SSDA903 guide, CIN = CIN census guide, AA = Ofsted Annex A list). See docs/model.md.

Looked-after *periods* and *placements* are not stored: they are derived from episodes (an SSDA903 episode is a
change of legal status or placement; a period starts with RNE = S and ends with a REC other than X1), so that
they cannot disagree with the episodes they come from (``indicators/derived.py``).
"""

from __future__ import annotations

from caseboard.model.schema import Table, col

CHILD = col("child_id", "str", "The council's child identifier (903 CHILD, CIN LAchildID, AA Child Unique ID)", required=True)

TABLES: tuple[Table, ...] = (
    Table(
        "children",
        "One row per child: identity and characteristics. The latest load's values win.",
        (
            CHILD,
            col("upn", "str", "Unique pupil number (903 UPN, CIN UPN)"),
            col("former_upn", "str", "Former UPN (CIN FormerUPN)"),
            col("upn_unknown", "str", "Reason UPN unknown (CIN UPNunknown)", codelist="upn_unknown"),
            col("sex", "str", "Sex: M, F or U (903 SEX 1/2 before 2025, CIN GenderCurrent/Sex)", codelist="sex"),
            col("dob", "date", "Date of birth (903 DOB, CIN PersonBirthDate)"),
            col("expected_dob", "date", "Expected date of birth for an unborn child (CIN ExpectedPersonBirthDate)"),
            col("death_date", "date", "Date of death (CIN PersonDeathDate)"),
            col("ethnicity", "str", "Ethnicity (903 ETHNIC, CIN Ethnicity)", codelist="ethnicity"),
            col("disabilities", "str", "Disability codes, comma separated (CIN Disability)"),
            col("uasc", "bool", "Unaccompanied asylum-seeking child (903 UASC table, API uasc_flag)"),
            col("uasc_ceased", "date", "Date UASC status ceased (903 DUC)"),
            col("mother", "bool", "Child is a mother (903 MOTHER)"),
            col("mother_child_dob", "date", "Date of birth of the child's own first child (903 MC_DOB)"),
            col("postcode", "str", "Home postcode where known (API postcode)"),
        ),
        key=("child_id",),
    ),
    Table(
        "contacts",
        "Contacts with the front door (AA List 1); decision within one working day (Working Together 2023 ch.2).",
        (
            CHILD,
            col("contact_date", "date", "Date of contact (AA List 1)", required=True),
            col("source", "str", "Contact source (AA List 1, CIN referral source codes)"),
            col("decision_date", "date", "Date the next-step decision was recorded"),
            col("outcome", "str", "Outcome of the contact (referral, advice, early help, NFA)"),
        ),
        key=("child_id", "contact_date"),
        date_columns_in_order=(("contact_date", "decision_date"),),
    ),
    Table(
        "referrals",
        "CIN episodes: a referral opens one, closure ends it (CIN CINdetails; AA List 3 and 6).",
        (
            CHILD,
            col("referral_date", "date", "CIN referral date (CIN CINreferralDate)", required=True),
            col("source", "str", "Referral source (CIN ReferralSource)", codelist="referral_source"),
            col("primary_need", "str", "Primary need code N0-N9 (CIN PrimaryNeedCode)", codelist="primary_need"),
            col("nfa", "bool", "Referral resulted in no further action (CIN ReferralNFA)"),
            col("closure_date", "date", "CIN closure date (CIN CINclosureDate)"),
            col("closure_reason", "str", "Reason for closure RC1-RC8 (CIN ReasonForClosure)", codelist="closure_reason"),
            col("icpc_date", "date", "Initial conference recorded on the CIN episode, not an s47 (CIN DateOfInitialCPC)"),
        ),
        key=("child_id", "referral_date"),
        date_columns_in_order=(("referral_date", "closure_date"),),
    ),
    Table(
        "assessments",
        "Child and family assessments (CIN Assessments; AA List 4); 45 working days (Working Together 2023 ch.2).",
        (
            CHILD,
            col("start_date", "date", "Assessment actual start date (CIN N00159)", required=True),
            col("child_seen_date", "date", "Date the child was seen during the assessment, where recorded"),
            col("child_seen", "bool", "Child seen during the assessment (AA List 4 asks yes/no)"),
            col("authorised_date", "date", "Assessment authorisation date (CIN N00160)"),
            col("factors", "str", "Factors identified, comma separated (CIN AssessmentFactors)"),
            col("outcome_csc_support", "bool", "Child assessed as requiring CSC support (AA List 4)"),
            col("referral_date", "date", "The CIN episode the assessment belongs to"),
        ),
        key=("child_id", "start_date"),
        date_columns_in_order=(("start_date", "authorised_date"),),
    ),
    Table(
        "s47_enquiries",
        "Section 47 enquiries, started at the strategy discussion that initiated them (CIN Section47; AA List 5).",
        (
            CHILD,
            col("start_date", "date", "Strategy discussion initiating the s47 (CIN S47ActualStartDate N00148)", required=True),
            col("icpc_target", "date", "Target date for the initial conference (CIN InitialCPCtarget)"),
            col("icpc_date", "date", "Date of initial child protection conference (CIN DateOfInitialCPC)"),
            col("icpc_not_required", "bool", "ICPC deemed unnecessary (CIN ICPCnotRequired)"),
            col("icpc_resulted_in_plan", "bool", "ICPC resulted in a child protection plan (AA List 5)"),
            col("referral_date", "date", "The CIN episode the enquiry belongs to"),
        ),
        key=("child_id", "start_date"),
        date_columns_in_order=(("start_date", "icpc_date"),),
    ),
    Table(
        "cp_plans",
        "Child protection plans (CIN ChildProtectionPlans; AA List 7).",
        (
            CHILD,
            col("start_date", "date", "CPP start date (CIN CPPstartDate)", required=True),
            col("end_date", "date", "CPP end date (CIN CPPendDate N00115)"),
            col("initial_category", "str", "Initial category of abuse (CIN)", codelist="abuse_category"),
            col("latest_category", "str", "Latest category of abuse (CIN)", codelist="abuse_category"),
            col("previous_plans", "int", "Number of previous CP plans (CIN NumberOfPreviousCPP)"),
            col("referral_date", "date", "The CIN episode the plan belongs to"),
        ),
        key=("child_id", "start_date"),
        date_columns_in_order=(("start_date", "end_date"),),
    ),
    Table(
        "cp_reviews",
        "Child protection review conferences (CIN Reviews/CPPreviewDate).",
        (
            CHILD,
            col("plan_start_date", "date", "Start of the plan reviewed", required=True),
            col("review_date", "date", "Date of the review conference (CIN CPPreviewDate)", required=True),
        ),
        key=("child_id", "plan_start_date", "review_date"),
    ),
    Table(
        "core_groups",
        "Core group meetings of a child protection plan (local extract).",
        (
            CHILD,
            col("plan_start_date", "date", "Start of the plan", required=True),
            col("meeting_date", "date", "Date of the core group meeting", required=True),
        ),
        key=("child_id", "plan_start_date", "meeting_date"),
    ),
    Table(
        "visits",
        "Statutory visits and contacts: CP visits, LAC visits (CPPCR 2010 reg 28), CIN visits, care-leaver contacts.",
        (
            CHILD,
            col("visit_date", "date", "Date of the visit or contact", required=True),
            col("kind", "str", "cp, lac, cin or care_leaver", required=True, codelist="visit_kind"),
            col("seen", "bool", "Child seen"),
            col("seen_alone", "bool", "Child seen alone"),
            col("worker_id", "str", "Worker who visited"),
        ),
        key=("child_id", "visit_date", "kind"),
    ),
    Table(
        "cin_plans",
        "Child in need plans (CIN CINPlanDates).",
        (
            CHILD,
            col("start_date", "date", "CIN plan start date (CIN N00689)", required=True),
            col("end_date", "date", "CIN plan end date (CIN N00690)"),
            col("referral_date", "date", "The CIN episode the plan belongs to"),
        ),
        key=("child_id", "start_date"),
        date_columns_in_order=(("start_date", "end_date"),),
    ),
    Table(
        "cin_plan_reviews",
        "Reviews of child in need plans (local extract).",
        (
            CHILD,
            col("plan_start_date", "date", "Start of the plan reviewed", required=True),
            col("review_date", "date", "Date of the review", required=True),
        ),
        key=("child_id", "plan_start_date", "review_date"),
    ),
    Table(
        "pre_proceedings",
        "Pre-proceedings under the PLO and family group decision making (CIN PreProceedingsandFGDM, 2026+).",
        (
            CHILD,
            col("start_date", "date", "Pre-proceedings start (CIN PPStartDate)", required=True),
            col("letter_before_proceedings_date", "date", "Letter before proceedings sent (CIN LBPSentDate)"),
            col("fgdm_offered", "bool", "FGDM meeting offered (CIN FGDMMeetingOffer)"),
            col("fgdm_facilitated", "bool", "FGDM meeting facilitated (CIN FGDMMeetingFac)"),
            col("initial_meeting_date", "date", "Initial pre-proceedings meeting (CIN InitialPPMeetingDate)"),
            col("review_meetings", "int", "Review meetings held (CIN ReviewMeetingsCount)"),
            col("step_decision_date", "date", "Step decision date (CIN StepDecisionDate)"),
            col("outcome", "str", "Pre-proceedings outcome (CIN PPOutcome)"),
            col("court_application_date", "date", "Court application date (CIN CourtAppDate)"),
        ),
        key=("child_id", "start_date"),
    ),
    Table(
        "lac_episodes",
        "SSDA903 episodes: each change of legal status or placement while looked after (903 Episodes; AA List 8).",
        (
            CHILD,
            col("start_date", "date", "Episode start (903 DECOM)", required=True),
            col("rne", "str", "Reason for new episode (903 RNE)", codelist="rne"),
            col("legal_status", "str", "Legal status (903 LS)", codelist="ls"),
            col("cin_category", "str", "Category of need N1-N8 (903 CIN)", codelist="cin"),
            col("placement", "str", "Placement type (903 PLACE)", codelist="place"),
            col("provider", "str", "Placement provider (903 PLACE_PROVIDER)", codelist="place_provider"),
            col("end_date", "date", "Episode end (903 DEC)"),
            col("reason_ceased", "str", "Reason episode ceased (903 REC); X1 = continues in care", codelist="rec"),
            col("reason_place_change", "str", "Reason for placement change (903 REASON_PLACE_CHANGE)", codelist="reason_place_change"),
            col("home_postcode", "str", "Home postcode (903 HOME_POST)"),
            col("placement_postcode", "str", "Placement postcode (903 PL_POST)"),
            col("urn", "str", "Ofsted URN of the placement (903 URN)"),
        ),
        key=("child_id", "start_date"),
        date_columns_in_order=(("start_date", "end_date"),),
    ),
    Table(
        "lac_reviews",
        "Looked-after reviews and participation (903 Reviews; CPPCR 2010 reg 33).",
        (
            CHILD,
            col("review_date", "date", "Review date (903 REVIEW)", required=True),
            col("participation", "str", "Participation code PN0-PN7 (903 REVIEW_CODE)", codelist="review_code"),
        ),
        key=("child_id", "review_date"),
    ),
    Table(
        "health_assessments",
        "Health assessments and dental checks (CPPCR 2010 regs 7-8; AA List 8 last health assessment / dental).",
        (
            CHILD,
            col("assessment_date", "date", "Date of the assessment or check", required=True),
            col("kind", "str", "initial, review or dental", required=True, codelist="health_kind"),
        ),
        key=("child_id", "assessment_date", "kind"),
    ),
    Table(
        "annual_outcomes",
        "Outcomes for children looked after continuously for 12 months at 31 March (903 OC2).",
        (
            CHILD,
            col("year", "int", "Collection year ending 31 March", required=True),
            col("sdq_score", "int", "SDQ total difficulties score 0-40 (903 SDQ_SCORE)"),
            col("sdq_reason", "str", "Reason SDQ not completed (903 SDQ_REASON)", codelist="sdq_reason"),
            col("convicted", "bool", "Convicted during the year (903 CONVICTED)"),
            col("health_check", "bool", "Health check up to date (903 HEALTH_CHECK)"),
            col("immunisations", "bool", "Immunisations up to date (903 IMMUNISATIONS)"),
            col("teeth_check", "bool", "Dental check up to date (903 TEETH_CHECK)"),
            col("health_assessment", "bool", "Health assessment up to date (903 HEALTH_ASSESSMENT)"),
            col("substance_misuse", "bool", "Substance misuse problem (903 SUBSTANCE_MISUSE)"),
            col("intervention_received", "bool", "Intervention received (903 INTERVENTION_RECEIVED)"),
            col("intervention_offered", "bool", "Intervention offered (903 INTERVENTION_OFFERED)"),
        ),
        key=("child_id", "year"),
    ),
    Table(
        "sdq_assessments",
        "Strengths and difficulties questionnaires with their dates (DfE API health_and_wellbeing).",
        (
            CHILD,
            col("assessment_date", "date", "Date of the SDQ", required=True),
            col("score", "int", "Total difficulties score 0-40"),
        ),
        key=("child_id", "assessment_date"),
    ),
    Table(
        "peps",
        "Personal education plans (CPPCR 2010 Sch 1 para 1; reviewed with the care plan, termly in practice).",
        (
            CHILD,
            col("pep_date", "date", "Date the PEP was completed or reviewed", required=True),
        ),
        key=("child_id", "pep_date"),
    ),
    Table(
        "missing_episodes",
        "Missing and away-from-placement episodes with return interviews (903 Missing; AA List 8).",
        (
            CHILD,
            col("start_date", "date", "Start of the episode (903 MIS_START)", required=True),
            col("kind", "str", "M missing or A away from placement (903 MISSING)", codelist="missing_kind"),
            col("end_date", "date", "End of the episode (903 MIS_END)"),
            col("return_interview_offered", "bool", "Return home interview offered (AA List 8)"),
            col("return_interview_accepted", "bool", "Return home interview accepted (AA List 8)"),
        ),
        key=("child_id", "start_date"),
        date_columns_in_order=(("start_date", "end_date"),),
    ),
    Table(
        "care_leaver_status",
        "Care leavers around their birthdays: in touch, activity, accommodation (903 OC3; AA List 9).",
        (
            CHILD,
            col("status_date", "date", "Date the status applies (birthday or latest contact)", required=True),
            col("in_touch", "str", "In touch (903 IN_TOUCH: YES, NO, DIED, REFU, NREQ, RHOM)", codelist="in_touch"),
            col("activity", "str", "Main activity (903 ACTIV)", codelist="activ"),
            col("accommodation", "str", "Accommodation and suitability (903 ACCOM)", codelist="accom"),
            col("latest_contact_date", "date", "Latest date of contact (AA List 9)"),
        ),
        key=("child_id", "status_date"),
    ),
    Table(
        "care_leavers",
        "Care leavers' entitlement and support (Children (Leaving Care) Act 2000; Care Leavers Regs 2010; AA List 9).",
        (
            CHILD,
            col("eligibility", "str", "eligible, relevant, former_relevant or qualifying", codelist="care_leaver_category"),
            col("personal_adviser", "str", "Allocated personal adviser"),
            col("needs_assessment_date", "date", "Needs assessment completed (Care Leavers Regs 2010 reg 5)"),
        ),
        key=("child_id",),
    ),
    Table(
        "pathway_plans",
        "Pathway plans authorised and reviewed (Care Leavers Regs 2010 regs 6-7; CPPCR 2010 reg 43).",
        (
            CHILD,
            col("plan_date", "date", "Date of the plan event", required=True),
            col("kind", "str", "authorised or review", required=True, codelist="pathway_kind"),
        ),
        key=("child_id", "plan_date", "kind"),
    ),
    Table(
        "adoptions",
        "Adoption milestones (903 AD1, PlacedAdoption; AA List 10).",
        (
            CHILD,
            col("decision_date", "date", "Decision that the child should be placed for adoption (903 DATE_INT)", required=True),
            col("placement_order_date", "date", "Placement order granted (AA List 10)"),
            col("match_date", "date", "Matched with adopters (903 DATE_MATCH)"),
            col("placed_date", "date", "Placed for adoption (903 DATE_PLACED)"),
            col("placed_ceased_date", "date", "Date placed for adoption ceased (903 DATE_PLACED_CEASED)"),
            col("placed_ceased_reason", "str", "Reason placed for adoption ceased (903 REASON_PLACED_CEASED)"),
            col("adoption_order_date", "date", "Adoption order (AA List 10)"),
            col("decision_reversed_date", "date", "Decision no longer to place (AA List 10)"),
            col("foster_carer_adoption", "bool", "Adopted by foster carer (903 FOSTER_CARE)"),
            col("number_of_adopters", "int", "Number of adopters (903 NB_ADOPTR)"),
            col("sex_of_adopters", "str", "Sex of adopters (903 SEX_ADOPTR)"),
            col("adopters_legal_status", "str", "Legal status of adopters (903 LS_ADOPTR)"),
        ),
        key=("child_id", "decision_date"),
    ),
    Table(
        "previous_permanence",
        "Permanence before this period of care (903 PrevPerm).",
        (
            CHILD,
            col("prev_perm", "str", "Previous permanence option (903 PREV_PERM)", codelist="prev_perm"),
            col("la_perm", "str", "LA that made the previous order (903 LA_PERM)"),
            col("date_perm", "str", "Date of the previous order, as given (903 DATE_PERM may be partial)"),
        ),
        key=("child_id",),
    ),
    Table(
        "deprivation_of_liberty",
        "Deprivation of liberty orders (903 DoLo, 2026-27 onward).",
        (
            CHILD,
            col("start_date", "date", "Order start (903 DOLO_START)", required=True),
            col("end_date", "date", "Order end (903 DOLO_END)"),
        ),
        key=("child_id", "start_date"),
        date_columns_in_order=(("start_date", "end_date"),),
    ),
    Table(
        "early_help",
        "Early help episodes and assessments (AA List 2; local extract).",
        (
            CHILD,
            col("start_date", "date", "Episode or assessment start", required=True),
            col("assessment_completed_date", "date", "Assessment completion date (AA List 2)"),
            col("organisation", "str", "Organisation completing the assessment (AA List 2)"),
            col("end_date", "date", "Episode end"),
            col("outcome", "str", "needs_met, step_up, step_down_in, disengaged, moved, other", codelist="early_help_outcome"),
        ),
        key=("child_id", "start_date"),
        date_columns_in_order=(("start_date", "end_date"),),
    ),
    Table(
        "areas",
        "The council's geographical divisions (localities).",
        (
            col("area_id", "str", "Area code", required=True),
            col("name", "str", "Area name", required=True),
        ),
        key=("area_id",),
        child_column=None,
    ),
    Table(
        "teams",
        "Teams and their type (front door/MASH, duty and assessment, CIN, CP, looked after, leaving care, ...).",
        (
            col("team_id", "str", "Team code", required=True),
            col("name", "str", "Team name", required=True),
            col("team_type", "str", "Kind of team", codelist="team_type"),
            col("area_id", "str", "Area the team belongs to"),
            col("establishment_fte", "float", "Funded social worker posts (FTE), for vacancy rates"),
        ),
        key=("team_id",),
        child_column=None,
    ),
    Table(
        "workers",
        "Workers: role, qualification, FTE and employment (DfE children's social work workforce census).",
        (
            col("worker_id", "str", "Worker identifier (903 SW_ID where used)", required=True),
            col("name", "str", "Display name"),
            col("role", "str", "social_worker, senior_practitioner, team_manager, personal_adviser, ...", codelist="worker_role"),
            col("qualified", "bool", "Registered social worker"),
            col("fte", "float", "Full-time equivalent"),
            col("agency", "bool", "Agency worker, not paid directly by the council (workforce census)"),
            col("team_id", "str", "Current team"),
            col("start_date", "date", "Start in post"),
            col("end_date", "date", "Left post"),
        ),
        key=("worker_id",),
        child_column=None,
        date_columns_in_order=(("start_date", "end_date"),),
    ),
    Table(
        "allocations",
        "Who holds a child's case over time: worker and team (AA Lists 3-9 Allocated Team/Worker; 903 SWEpisodes).",
        (
            CHILD,
            col("start_date", "date", "Allocation start", required=True),
            col("worker_id", "str", "Allocated worker (blank = allocated to a team only)"),
            col("team_id", "str", "Allocated team"),
            col("end_date", "date", "Allocation end"),
            col("reason", "str", "Reason the allocation ended (903 SW_REASON)"),
        ),
        key=("child_id", "start_date", "worker_id"),
        date_columns_in_order=(("start_date", "end_date"),),
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def table(name: str) -> Table:
    """The declaration of a canonical table by name."""
    try:
        return TABLES_BY_NAME[name]
    except KeyError:
        raise KeyError(f"no canonical table {name!r}; known: {', '.join(TABLES_BY_NAME)}") from None
