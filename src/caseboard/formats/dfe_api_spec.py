"""The DfE children's social care API payload, declared once: where each canonical table sits in it, and its schema.

The reader (``dfe_api.read_payload``) and the writer (``dfe_api.write``) both work from :data:`CHILD_DETAILS`,
:data:`SDQ`, :data:`EPISODE` and :data:`IN_EPISODE`, so that a field carried one way is carried the other.
Source: OpenAPI definition of the DfE CSC data API, version 1.0.1 (DFE-Digital/children-in-social-care-schemas),
component ``CSC``; its structure (without prose) is packaged as ``dfe_api_schema.json``.
"""

from __future__ import annotations

from collections.abc import Callable

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import fastjsonschema
import jsonschema

MAX_RECORDS_PER_REQUEST = 100  # OpenAPI CSC maxItems
SCHEMA_NAME = "DfE CSC API schema"


@dataclass(frozen=True)
class Section:
    """Where a canonical table sits in the payload, and which API field fills which canonical column.

    ``linked`` sections belong to a social care episode (CIN episode) whose referral date they carry in the
    model. One declaration serves the reader and the writer.
    """

    api: str
    table: str
    fields: tuple[tuple[str, str], ...]
    many: bool = True
    id_field: str | None = None
    id_prefix: str = ""
    linked: bool = False


#: API fields holding arrays of codes; the model holds them comma-joined (project convention).
LIST_FIELDS = frozenset({"disabilities", "factors"})
#: The API says whether an ICPC was required; the model (after CIN ICPCnotRequired) says whether it was not.
NEGATED_FIELDS = frozenset({"icpc_required_flag"})

CHILD_DETAILS = Section("child_details", "children", (
    ("unique_pupil_number", "upn"), ("former_unique_pupil_number", "former_upn"),
    ("unique_pupil_number_unknown_reason", "upn_unknown"), ("date_of_birth", "dob"),
    ("expected_date_of_birth", "expected_dob"), ("sex", "sex"), ("ethnicity", "ethnicity"),
    ("disabilities", "disabilities"), ("postcode", "postcode"), ("uasc_flag", "uasc"),
    ("uasc_end_date", "uasc_ceased"),
), many=False)
SDQ = Section("sdq_assessments", "sdq_assessments", (("date", "assessment_date"), ("score", "score")))
EPISODE = Section("social_care_episodes", "referrals", (
    ("referral_date", "referral_date"), ("referral_source", "source"), ("referral_no_further_action_flag", "nfa"),
    ("closure_date", "closure_date"), ("closure_reason", "closure_reason"),
), id_field="social_care_episode_id", id_prefix="E")
IN_EPISODE: tuple[Section, ...] = (
    Section("care_worker_details", "allocations",
            (("worker_id", "worker_id"), ("start_date", "start_date"), ("end_date", "end_date"))),
    Section("child_and_family_assessments", "assessments",
            (("start_date", "start_date"), ("authorisation_date", "authorised_date"), ("factors", "factors")),
            id_field="child_and_family_assessment_id", id_prefix="A", linked=True),
    Section("child_in_need_plans", "cin_plans", (("start_date", "start_date"), ("end_date", "end_date")),
            id_field="child_in_need_plan_id", id_prefix="N", linked=True),
    Section("section_47_assessments", "s47_enquiries",
            (("start_date", "start_date"), ("icpc_required_flag", "icpc_not_required"), ("icpc_date", "icpc_date")),
            id_field="section_47_assessment_id", id_prefix="S", linked=True),
    Section("child_protection_plans", "cp_plans", (("start_date", "start_date"), ("end_date", "end_date")),
            id_field="child_protection_plan_id", id_prefix="C", linked=True),
    Section("child_looked_after_placements", "lac_episodes", (
        ("start_date", "start_date"), ("start_reason", "rne"), ("placement_type", "placement"),
        ("postcode", "placement_postcode"), ("end_date", "end_date"), ("end_reason", "reason_ceased"),
        ("change_reason", "reason_place_change"),
    ), id_field="child_looked_after_placement_id", id_prefix="L"),
    Section("adoption", "adoptions", (
        ("initial_decision_date", "decision_date"), ("matched_date", "match_date"), ("placed_date", "placed_date"),
    ), many=False),
    # One contact date is both the date the status applies and the latest contact (AA List 9).
    Section("care_leavers", "care_leaver_status", (
        ("contact_date", "status_date"), ("contact_date", "latest_contact_date"), ("activity", "activity"),
        ("accommodation", "accommodation"),
    ), many=False),
)
CARE_LEAVER_VISIT = "care_leaver"  # a care leaver's contact is also a visit of kind care_leaver (visits table)


def json_schema_from_openapi(openapi: Mapping[str, object]) -> dict[str, object]:
    """The JSON Schema (draft 7) of the request body, from the DfE's OpenAPI document.

    OpenAPI 3.0 schema objects are JSON Schema with extra keywords; the CSC schema uses none that need
    rewriting, so conversion drops only the prose (description, title, example). Regenerate the packaged
    ``dfe_api_schema.json`` with this when the DfE publishes a new version.
    """
    def strip(node: object) -> object:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in ("description", "title", "example")}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    body = openapi["paths"]["/children_social_care_data/{la_code}/children"]["post"]["requestBody"]  # type: ignore[index]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    component = openapi["components"]["schemas"][ref.rsplit("/", 1)[1]]  # type: ignore[index]
    return {"$schema": "http://json-schema.org/draft-07/schema#", **strip(component)}  # type: ignore[dict-item]


@lru_cache(maxsize=1)
def schema() -> dict[str, object]:
    """The packaged request-body schema."""
    text = (resources.files("caseboard.formats") / "dfe_api_schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def record_validator() -> jsonschema.Draft7Validator:
    items = {"$schema": schema()["$schema"], **schema()["items"]}  # type: ignore[dict-item]
    return jsonschema.Draft7Validator(items, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


@lru_cache(maxsize=1)
def record_is_valid() -> Callable[[object], bool]:
    """A fast yes/no check of one record against the same schema (fastjsonschema compiles it to Python).

    Almost every pushed record is valid; only the ones that are not need jsonschema's slower, detailed
    walk to say precisely what is wrong. Both check the same schema, so the answer is the same.
    """
    items = {"$schema": schema()["$schema"], **schema()["items"]}  # type: ignore[dict-item]
    check = fastjsonschema.compile(items, formats={"date": _is_iso_date})

    def valid(record: object) -> bool:
        try:
            check(record)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return valid


def _is_iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def explain(error: jsonschema.ValidationError) -> list[tuple[str | None, str | None, str]]:
    """(extra pointer segment, value shown, what was expected) for one schema error, in an analyst's words."""
    kind, rule, instance = error.validator, error.validator_value, error.instance
    if kind == "required":
        return [(name, None, f"a value: the {SCHEMA_NAME} requires {name}") for name in rule if name not in instance]
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        return [(name, _shown(instance[name]), f"no field {name!r}: the {SCHEMA_NAME} does not define it here")
                for name in instance if name not in known]
    shown = _shown(instance)
    expected = {
        "type": f"a JSON {rule}",
        "format": "a date written yyyy-mm-dd" if rule == "date" else f"a value in format {rule}",
        "maxLength": f"at most {rule} characters",
        "minLength": f"at least {rule} characters",
        "pattern": f"only the characters allowed by {rule}",
        "maxItems": f"at most {rule} items",
        "uniqueItems": "no repeated items",
    }.get(str(kind), error.message)
    return [(None, shown, f"{expected} ({SCHEMA_NAME})")]


def _shown(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)[:80]


def escape(segment: object) -> str:
    """A JSON pointer segment (RFC 6901)."""
    return str(segment).replace("~", "~0").replace("/", "~1")


def from_api(api: str, value: object) -> object:
    """An API field's value as the model holds it (before typing by ``canonicalise``)."""
    if api in LIST_FIELDS and isinstance(value, list):
        return ",".join(str(v) for v in value if v is not None) or None
    if api in NEGATED_FIELDS and isinstance(value, bool):
        return not value
    return value


#: API fields that carry only the letter of an SSDA903 code: a care leaver's ``accommodation`` is the 903 ACCOM
#: type (D, U, ...) without its suitability digit (schema: maxLength 1), so "D1" is sent as "D".
LETTER_ONLY_FIELDS = frozenset({"accommodation"})


def to_api(api: str, value: object) -> object:
    """The inverse of :func:`from_api`, for a typed canonical value: what the API field carries."""
    if api in LIST_FIELDS:
        return [code.strip() for code in str(value).split(",") if code.strip()]
    if api in NEGATED_FIELDS:
        return not value
    if isinstance(value, dt.date):
        return value.isoformat()
    if api in LETTER_ONLY_FIELDS:
        return str(value)[:1]
    return value


