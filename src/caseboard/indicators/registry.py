"""The registry: every indicator declared once, checked on the way in.

A declaration without a statutory (or local-standard) citation, with fewer than three worked examples, or with
a code already taken is refused at import, so the catalogue cannot hold an indicator nobody can check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from caseboard.indicators.framework import Indicator

MIN_EXAMPLES = 3
_CODE = re.compile(r"[a-z][a-z0-9_]*")


class RegistryError(ValueError):
    """A declaration the registry refuses."""


class Registry:
    def __init__(self) -> None:
        self._by_code: dict[str, Indicator] = {}

    def register(self, ind: Indicator) -> Indicator:
        problems = []
        if not _CODE.fullmatch(ind.code):
            problems.append("a code of lower-case letters, digits and underscores")
        if ind.code in self._by_code:
            problems.append("a code not already registered")
        if not ind.source.strip():
            problems.append("a statutory source (document and paragraph or regulation)")
        if len(ind.examples) < MIN_EXAMPLES:
            problems.append(f"at least {MIN_EXAMPLES} worked examples (has {len(ind.examples)})")
        for i, ex in enumerate(ind.examples, 1):
            if not ex.why.strip():
                problems.append(f"a reason in example {i}")
            if (ex.period is not None) != (ind.kind == "period"):
                problems.append(f"example {i} with {'a' if ind.kind == 'period' else 'no'} period")
        if (ind.green is None) != (ind.amber is None):
            problems.append("both RAG thresholds or neither")
        if not ind.requires:
            problems.append("the tables it needs (requires)")
        if problems:
            raise RegistryError(f"indicator {ind.code!r} needs " + "; ".join(problems))
        self._by_code[ind.code] = ind
        return ind

    def get(self, code: str) -> Indicator:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"no indicator {code!r}; known: {', '.join(self._by_code)}") from None

    def codes(self) -> list[str]:
        return list(self._by_code)

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)


@lru_cache(maxsize=1)
def registry() -> Registry:
    """Every indicator of every family, in catalogue order."""
    from caseboard.indicators import (
        adoption, care_leaver_outcomes, care_leavers, child_protection, cin, cin_plans, cp_activity, data_quality,
        early_help, front_door, lac_cohorts, lac_health, lac_placements, lac_stability, lac_wellbeing, looked_after,
        workforce, workforce_rates,
    )

    reg = Registry()
    for family in (front_door, cin, cin_plans, child_protection, cp_activity, looked_after, lac_stability,
                   lac_placements, lac_health, lac_wellbeing, lac_cohorts, care_leavers, care_leaver_outcomes,
                   adoption, workforce, workforce_rates, early_help, data_quality):
        for ind in family.INDICATORS:
            reg.register(ind)
    return reg
