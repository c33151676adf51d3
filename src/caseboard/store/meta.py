"""Tables about the data rather than of it: loads, the files in them, findings and quarantined records.

Every load is recorded whether it was committed or rejected, so "which data is in service, from which files,
checked how" always has an answer, and a report can say which load it was built from.
"""

from __future__ import annotations

META_TABLES: dict[str, list[tuple[str, str]]] = {
    "schema_version": [("version", "int"), ("applied_at", "timestamp"), ("description", "str")],
    "loads": [
        ("load_id", "int"),
        ("started_at", "timestamp"),
        ("finished_at", "timestamp"),
        ("status", "str"),  # committed | rejected
        ("user_name", "str"),
        ("command", "str"),
        ("message", "str"),
        ("counts_json", "str"),  # per table: received, new, updated, unchanged
        ("findings_errors", "int"),
        ("findings_warnings", "int"),
        ("quarantined", "int"),
    ],
    "load_files": [
        ("load_id", "int"),
        ("path", "str"),
        ("format", "str"),
        ("sha256", "str"),
        ("size", "int"),
        ("collection_year", "int"),
        ("records", "int"),
    ],
    "findings": [
        ("load_id", "int"),
        ("file", "str"),
        ("row", "int"),
        ("field", "str"),
        ("value", "str"),
        ("expected", "str"),
        ("severity", "str"),
        ("rule", "str"),
        ("table_name", "str"),
        ("child_id", "str"),
        ("source", "str"),
    ],
    "quarantine": [
        ("load_id", "int"),
        ("file", "str"),
        ("row", "int"),
        ("table_name", "str"),
        ("raw_json", "str"),
    ],
}
