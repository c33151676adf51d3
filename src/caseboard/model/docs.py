"""docs/model.md, generated from the table declarations so that it cannot drift from the code.

Regenerate with ``python -m caseboard.model.docs > docs/model.md``; a test fails when the file is stale.
"""

from __future__ import annotations

from caseboard.model.schema import PROVENANCE_COLUMNS
from caseboard.model.tables import TABLES


def render() -> str:
    lines = [
        "# The canonical model",
        "",
        "Generated from `src/caseboard/model/tables.py` by `python -m caseboard.model.docs`; do not edit by hand.",
        "",
        "Every table also carries " + ", ".join(f"`{n}`" for n, _ in PROVENANCE_COLUMNS)
        + ": which load brought the row, and the file and row it came from.",
        "",
    ]
    for t in TABLES:
        lines += [f"## `{t.name}`", "", t.doc, "", f"Natural key: {', '.join(f'`{k}`' for k in t.key)}.", "",
                  "| column | type | required | code list | meaning |", "|---|---|---|---|---|"]
        for c in t.columns:
            lines.append(f"| `{c.name}` | {c.type} | {'yes' if c.required else ''} | {c.codelist or ''} | {c.doc} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
