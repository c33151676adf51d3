"""Every worked example of every indicator, on every engine (DuckDB and PostgreSQL).

Each example's tiny tables go through ``canonicalise`` and ``commit_batch`` like a real return; the indicator
must then give exactly the example's numerator and denominator at the authority level; a percentage or ratio
example with no denominator must give "not applicable" (with its reason), as ``framework.compute`` says.
"""

from __future__ import annotations

import pytest

from caseboard.indicators.engine import evaluate
from caseboard.indicators.fixtures import load_tables
from caseboard.indicators.framework import Computed, NotApplicable
from caseboard.indicators.registry import registry
from caseboard.indicators.settings import DEFAULT_SETTINGS
from caseboard.store import Store

CASES = [pytest.param(ind.code, i, id=f"{ind.code}-{i + 1}") for ind in registry() for i in range(len(ind.examples))]


@pytest.mark.parametrize(("code", "index"), CASES)
def test_worked_example(engine_store: Store, code: str, index: int) -> None:
    ind = registry().get(code)
    ex = ind.examples[index]
    load_tables(engine_store, ex.tables)
    start, end = ex.period or (None, None)
    rows = evaluate(engine_store, ex.as_at, start=start, end=end, levels=["authority"], codes=[code],
                    settings=DEFAULT_SETTINGS.with_(**ex.settings), prepared=True)
    assert len(rows) == 1, rows
    result = rows[0].result
    if ind.unit in ("%", "ratio") and not ex.denominator:
        assert isinstance(result, NotApplicable) and result.reason, f"{ex.why}: {result}"
        return
    assert isinstance(result, Computed), f"{ex.why}: {result}"
    assert (result.numerator, result.denominator) == (pytest.approx(ex.numerator), pytest.approx(ex.denominator)), \
        ex.why
