"""Audit templates and feedback forms: YAML documents of sections and questions, kept in versions.

One loader serves both (``kind: audit`` or ``kind: feedback``): a document has ``template_id``, ``title``,
``sources`` and ``sections`` of ``questions`` (``id``, ``text``, optional ``guidance``, ``answer`` type). Saving
a document whose content differs from the latest version of the same id makes a new version; saving the same
content again changes nothing. Audits and responses name the version they were made on, so an old audit is
always read against the questions its auditor actually saw.

Shipped documents are in ``qa/templates/*.yml``; :func:`install_shipped` saves them all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from caseboard.qa.grades import GRADES, grade
from caseboard.qa.schema import ensure_qa_schema, insert, now
from caseboard.store import Store

#: Answer types and what each accepts. ``faces`` is the age-appropriate three-face scale for young children.
ANSWER_TYPES = ("grade", "yes_no", "yes_no_na", "text", "number", "date", "choice", "scale_5", "faces")
FACES = ("happy", "okay", "sad")
RESPONDENTS = ("child", "young_person", "parent_carer", "professional")
TABLE = {"audit": ("qa_audit_templates", "template_id"), "feedback": ("qa_feedback_forms", "form_id")}


@dataclass(frozen=True)
class Template:
    """One version of an audit template or feedback form."""

    template_id: str
    version: int
    definition: Mapping[str, Any]

    @property
    def kind(self) -> str:
        return str(self.definition["kind"])

    @property
    def title(self) -> str:
        return str(self.definition["title"])

    def questions(self) -> dict[str, Mapping[str, Any]]:
        """Every question by id, in order, with its section id added."""
        return {q["id"]: {**q, "section": s["id"]} for s in self.definition["sections"] for q in s["questions"]}


def validate(doc: Mapping[str, Any], where: str = "template") -> dict[str, Any]:
    """Check a template document's shape; the message names the place and the problem."""
    def need(cond: bool, message: str) -> None:
        if not cond:
            raise ValueError(f"{where}: {message}")

    need(isinstance(doc, Mapping), "is not a mapping of template fields")
    for key in ("template_id", "kind", "title", "sections"):
        need(key in doc, f"has no {key!r}")
    need(doc["kind"] in TABLE, f"kind must be audit or feedback, not {doc['kind']!r}")
    if doc["kind"] == "feedback":
        need(doc.get("respondent") in RESPONDENTS, f"respondent must be one of {', '.join(RESPONDENTS)}")
    seen: set[str] = set()
    need(bool(doc["sections"]), "has no sections")
    for s in doc["sections"]:
        need(bool(s.get("id")) and bool(s.get("questions")), f"section {s.get('id')!r} needs an id and questions")
        for q in s["questions"]:
            qid = q.get("id")
            need(bool(qid) and bool(q.get("text")), f"a question in section {s['id']!r} has no id or text")
            need(qid not in seen, f"question id {qid!r} is used twice")
            seen.add(qid)
            need(q.get("answer") in ANSWER_TYPES,
                 f"question {qid!r}: answer must be one of {', '.join(ANSWER_TYPES)}, not {q.get('answer')!r}")
            if q["answer"] == "choice":
                need(bool(q.get("choices")), f"question {qid!r}: a choice question needs choices")
    return json.loads(json.dumps(doc))  # plain data only (dates and the like would not round-trip)


def load_yaml(path: Path | str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return validate(yaml.safe_load(fh), str(path))


def shipped_paths() -> list[Path]:
    folder = resources.files("caseboard.qa") / "templates"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yml"))


def _canonical(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, sort_keys=True, ensure_ascii=False)


def save(store: Store, doc: Mapping[str, Any], *, by: str = "system") -> Template:
    """Save ``doc`` as a new version if it differs from the latest one; return the version now current."""
    ensure_qa_schema(store)
    doc = validate(doc)
    table, id_col = TABLE[doc["kind"]]
    text = _canonical(doc)
    digest = hashlib.sha256(text.encode()).hexdigest()
    latest = latest_version(store, doc["template_id"], doc["kind"])
    if latest is not None:
        current = template(store, doc["template_id"], latest, kind=doc["kind"])
        if _canonical(current.definition) == text:
            return current
    version = (latest or 0) + 1
    row: dict[str, Any] = {id_col: doc["template_id"], "version": version, "title": doc["title"],
                           "definition_json": text, "sha256": digest, "created_at": now(), "created_by": by}
    if doc["kind"] == "audit":
        row["kind"] = "audit"
    else:
        row["respondent"] = doc["respondent"]
    insert(store, table, row)
    return Template(doc["template_id"], version, doc)


def install_shipped(store: Store, *, by: str = "system") -> list[Template]:
    """Save every shipped template and form (new versions only where they changed)."""
    return [save(store, load_yaml(p), by=by) for p in shipped_paths()]


def latest_version(store: Store, template_id: str, kind: str = "audit") -> int | None:
    ensure_qa_schema(store)
    table, id_col = TABLE[kind]
    value = store.scalar(f"SELECT MAX(version) FROM {table} WHERE {id_col} = ?", (template_id,))
    return None if value is None else int(value)


def template(store: Store, template_id: str, version: int | None = None, *, kind: str = "audit") -> Template:
    """A saved version (the latest if ``version`` is None); unknown ids or versions are refused by name."""
    ensure_qa_schema(store)
    table, id_col = TABLE[kind]
    version = latest_version(store, template_id, kind) if version is None else version
    text = None if version is None else store.scalar(
        f"SELECT definition_json FROM {table} WHERE {id_col} = ? AND version = ?", (template_id, version))
    if text is None:
        raise KeyError(f"no {kind} template {template_id!r}" + (f" version {version}" if version else ""))
    return Template(template_id, int(version), json.loads(text))  # type: ignore[arg-type]


def check_answer(question: Mapping[str, Any], value: Any) -> tuple[int | None, str | None]:
    """Validate one answer against its question's type: returns (grade, answer text) as stored."""
    kind, qid = question["answer"], question["id"]
    if value is None or value == "":
        return None, None
    if kind == "grade":
        return grade(value), GRADES[grade(value)]
    allowed: tuple[str, ...] | None = {
        "yes_no": ("yes", "no"), "yes_no_na": ("yes", "no", "n/a"), "faces": FACES,
        "choice": tuple(question.get("choices", ())), "scale_5": ("1", "2", "3", "4", "5"),
    }.get(kind)
    text = str(value).strip()
    if isinstance(value, bool):
        text = "yes" if value else "no"
    if allowed is not None:
        if text.lower() not in [a.lower() for a in allowed]:
            raise ValueError(f"question {qid!r}: {value!r} is not one of {', '.join(allowed)}")
        return None, text.lower() if kind != "choice" else text
    if kind == "number":
        try:
            float(text)
        except ValueError:
            raise ValueError(f"question {qid!r}: {value!r} is not a number") from None
    if kind == "date":
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"question {qid!r}: {value!r} is not a date (yyyy-mm-dd)") from None
    return None, text
