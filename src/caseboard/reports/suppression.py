"""Public versions: DfE-style suppression of small numbers, so no child can be picked out of a published table.

The DfE's statistical releases (Children looked after in England, Children in need: "Methodology — Suppression")
suppress counts of 1 to 5, and figures derived from them, and mark them ``c`` (the Government Statistical
Service symbol for "confidential"). Zero is shown: it identifies nobody. Here a count of 1 to 5, and a
percentage or rate whose numerator or denominator is 1 to 5, is replaced by the marker. Secondary suppression
(hiding a second cell so the first cannot be worked out from a total) is not done: a scorecard publishes no
totals that sum its cells.
"""

from __future__ import annotations

MARKER = "c"
KEY = f"{MARKER} = suppressed to protect confidentiality: a count of 1 to 5, or a figure derived from one"
SMALL = range(1, 6)


def is_small(x: float | None) -> bool:
    return x is not None and float(x).is_integer() and int(x) in SMALL


def suppressed(unit: str, value: float | None, numerator: float | None, denominator: float | None) -> bool:
    """Whether a figure must be hidden in a public version (rule in the module docstring)."""
    if unit == "count":
        return is_small(value)
    if unit == "ratio":  # a caseload per worker: the workers are not children
        return False
    return is_small(numerator) or is_small(denominator)
