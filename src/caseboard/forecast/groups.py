"""The forecast's categories: age bands, placement groups and reasons for leaving care, from SSDA903 codes.

Placement groups (what finance budgets for) come from the 903 placement type (PLACE) and, for foster care with
unrelated carers, the placement provider (PLACE_PROVIDER). Codes as in the SSDA903 guide's PLACE list (the
code lists in ``model/codelists/ssda903``); the grouping is ours and follows the DfE's own headline groups
("Children looked after in England", placement tables) except where finance needs a split the DfE does not make:

=======================  ======================================================================================
group                    903 codes
=======================  ======================================================================================
in_house_fostering       U4, U5, U6 (foster care, carer not a relative or friend) with PLACE_PROVIDER PR1 (own
                         provision), PR2 (another council) or PR3 (other public provision); also when the
                         provider is blank (the commonest provider; counted in :class:`~.history.History` notes)
independent_fostering    U4, U5, U6 with PR4 (private) or PR5 (voluntary/third sector): fostering agencies
kinship                  U1, U2, U3: foster care with a relative or friend (connected persons), any provider
residential              K2 (children's homes), R1 (residential care home), S1 (residential schools)
semi_independent         H5 (semi-independent living, to 2023-24), P2 (independent living, to 2023-24),
                         K3 (supported accommodation, from 2024-25)
placed_with_parents      P1 (placed with parents or others with parental responsibility)
secure                   K1 (secure children's homes)
adoption_placement       A1-A6 (placed for adoption)
other                    P3 (residential employment), R2 (NHS/health), R3 (family centre or mother and baby
                         unit), R5 (young offender institution), T0-T4 (temporary placements), Z1 and Z11-Z14
                         (other placements), and any code not listed (a mis-keyed code must still be counted)
=======================  ======================================================================================

K3 and the Z11-Z14 split are read from the code-list diffs for 2024-25 and 2025-26; their exact meanings are
marked K (not verified against the guide's text) and only matter for which group they fall in.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

#: Age bands used by the DfE's looked-after tables (under 1, 1-4, 5-9, 10-15, 16-17): (label, first age, last age).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0", 0, 0), ("1-4", 1, 4), ("5-9", 5, 9), ("10-15", 10, 15), ("16-17", 16, 17))
MAX_AGE = 17

GROUPS: tuple[str, ...] = (
    "in_house_fostering", "independent_fostering", "kinship", "residential", "semi_independent",
    "placed_with_parents", "secure", "adoption_placement", "other")

#: PLACE codes whose group does not depend on the provider.
PLACE_GROUP: dict[str, str] = {
    **{c: "kinship" for c in ("U1", "U2", "U3")},
    **{c: "residential" for c in ("K2", "R1", "S1")},
    **{c: "semi_independent" for c in ("H5", "P2", "K3")},
    "P1": "placed_with_parents",
    "K1": "secure",
    **{f"A{n}": "adoption_placement" for n in range(1, 7)},
}
#: Foster care with unrelated carers: split by PLACE_PROVIDER.
UNRELATED_FOSTER = ("U4", "U5", "U6")
INDEPENDENT_PROVIDERS = ("PR4", "PR5")

#: Reasons a period of care ends (903 REC), grouped by what a scenario can change.
EXIT_REASONS: tuple[str, ...] = ("reunification", "sgo_cao", "adoption", "adulthood", "other")
REC_EXIT: dict[str, str] = {
    # Returned home, with or without care planning; left care to live with parents/relatives without PR.
    "E4A": "reunification", "E4B": "reunification", "E13": "reunification",
    # Child arrangements / residence order; special guardianship (E43-E44 to 2017-18, E45-E48 from 2018-19).
    **{c: "sgo_cao" for c in ("E41", "E43", "E44", "E45", "E46", "E47", "E48")},
    "E11": "adoption", "E12": "adoption",
    # Independent living, adult social care, staying put at 18, age assessment found 18 or over.
    **{c: "adulthood" for c in ("E5", "E6", "E7", "E15", "E17")},
}

N_BANDS, N_GROUPS, N_EXITS = len(AGE_BANDS), len(GROUPS), len(EXIT_REASONS)
N_STATES = N_BANDS * N_GROUPS
N_AGES = MAX_AGE + 1


def group_of(place: str | None, provider: str | None) -> str:
    """The placement group of a 903 PLACE and PLACE_PROVIDER (table in the module docstring)."""
    code = (place or "").strip().upper()
    if code in UNRELATED_FOSTER:
        independent = (provider or "").strip().upper() in INDEPENDENT_PROVIDERS
        return "independent_fostering" if independent else "in_house_fostering"
    return PLACE_GROUP.get(code, "other")


def exit_of(rec: str | None) -> str:
    """The exit reason group of a 903 REC (anything unlisted, including a missing reason, is ``other``)."""
    return REC_EXIT.get((rec or "").strip().upper(), "other")


def band_of_age(age: np.ndarray) -> np.ndarray:
    """Band index of completed ages (clamped to 0-17: a record past 18 still counts in the oldest band)."""
    edges = np.array([first for _, first, _ in AGE_BANDS[1:]])
    return np.searchsorted(edges, np.clip(age, 0, MAX_AGE), side="right")


#: Band index of each single year of age 0-17.
BAND_OF_AGE = band_of_age(np.arange(N_AGES))


def state(band: np.ndarray | int, group: np.ndarray | int) -> np.ndarray | int:
    """The state index of (band, group): band-major, so a band's groups are contiguous."""
    return band * N_GROUPS + group  # type: ignore[operator,return-value]


def group_index(name: str) -> int:
    """Index of a placement group by name, with a message naming the choices."""
    if name not in GROUPS:
        raise ValueError(f"unknown placement group {name!r}: one of {', '.join(GROUPS)}")
    return GROUPS.index(name)


def band_index(label: str) -> int:
    labels = [b[0] for b in AGE_BANDS]
    if label not in labels:
        raise ValueError(f"unknown age band {label!r}: one of {', '.join(labels)}")
    return labels.index(label)


def month_index(day: dt.date) -> int:
    """Months since year 0: consecutive month-ends have consecutive indexes."""
    return day.year * 12 + day.month - 1


def month_end(index: int) -> dt.date:
    """The last day of the month with this index."""
    year, month = divmod(index + 1, 12)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)
