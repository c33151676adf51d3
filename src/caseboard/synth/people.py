"""Who the children are (without names) and what the workers are called.

Children carry only what the returns carry: sex, date of birth, ethnicity, disabilities, a UPN of the right
shape and a postcode of the right shape. None of it is real: ethnicity and disability mixes are assumptions
(roughly a rural East of England county), UPNs have a valid check letter but invented school numbers, inward
postcodes are random. Workers get a first and last name from a short built-in list.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from caseboard.synth import dates as D
from caseboard.synth.frames import canonical

#: Ethnicity mix (CIN/903 codes) for children in the county; unaccompanied asylum seekers have their own.
ETHNICITY = {
    "WBRI": 0.815, "WOTH": 0.055, "WIRI": 0.004, "WIRT": 0.003, "WROM": 0.006, "MWBC": 0.014, "MWBA": 0.008,
    "MWAS": 0.010, "MOTH": 0.016, "AIND": 0.006, "APKN": 0.002, "ABAN": 0.003, "AOTH": 0.008, "BCRB": 0.003,
    "BAFR": 0.013, "BOTH": 0.004, "CHNE": 0.003, "OOTH": 0.010, "REFU": 0.004, "NOBT": 0.014,
}
ETHNICITY_UASC = {"AOTH": 0.35, "BAFR": 0.30, "OOTH": 0.30, "BOTH": 0.05}
#: CIN census disability codes (N00099), given to about one child in nine known to social care.
DISABILITY = ("LD", "AUT", "COMM", "BEH", "MOB", "HAND", "PC", "INC", "HEAR", "VIS", "CON", "DDA")
DISABILITY_WEIGHTS = (0.25, 0.25, 0.12, 0.12, 0.05, 0.03, 0.04, 0.03, 0.03, 0.03, 0.01, 0.04)

FIRST_NAMES = (
    "Amelia", "Aisha", "Ben", "Chloe", "Daniel", "Eleanor", "Femi", "Grace", "Hannah", "Imran", "Jack", "Jade",
    "Kiran", "Laura", "Liam", "Maya", "Nathan", "Olivia", "Priya", "Rachel", "Sam", "Sophie", "Tom", "Zara",
    "Adam", "Bethany", "Callum", "Deborah", "Ewan", "Fiona", "Gareth", "Helen", "Isaac", "Joanne", "Kate", "Lewis",
)
LAST_NAMES = (
    "Allen", "Baker", "Brown", "Carter", "Clarke", "Davies", "Edwards", "Evans", "Fisher", "Green", "Hall",
    "Harris", "Hughes", "Jackson", "Khan", "King", "Lewis", "Martin", "Moore", "Patel", "Roberts", "Robinson",
    "Shaw", "Smith", "Taylor", "Thomas", "Turner", "Walker", "Ward", "White", "Williams", "Wright", "Young",
)

#: Letters allowed in the inward part of a postcode (never C, I, K, M, O, V).
_INWARD_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
#: The DfE UPN check letter alphabet (no I, O, S).
_UPN_CHECK = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))


def choice(rng: np.random.Generator, options: dict[str, float] | tuple[str, ...], n: int,
           weights: tuple[float, ...] | None = None) -> np.ndarray:
    """n draws from a weighted list of codes (a dict code -> weight, or codes with ``weights``)."""
    if isinstance(options, dict):
        codes, w = list(options), np.array(list(options.values()), dtype=float)
    else:
        codes, w = list(options), np.array(weights if weights is not None else [1.0] * len(options), dtype=float)
    idx = rng.choice(len(codes), size=n, p=w / w.sum())
    return np.array(codes, dtype=object)[idx]


def postcodes(rng: np.random.Generator, outward: np.ndarray) -> np.ndarray:
    """A postcode-shaped string for each outward code given (e.g. 'NR3 7QJ'): real districts, invented units."""
    n = outward.size
    digit = rng.integers(0, 10, n).astype(str)
    letters = _INWARD_LETTERS[rng.integers(0, _INWARD_LETTERS.size, (n, 2))]
    inward = np.char.add(np.char.add(digit, letters[:, 0]), letters[:, 1])
    return np.char.add(np.char.add(outward.astype(str), " "), inward).astype(object)


def upns(rng: np.random.Generator, la_code: str, dob: np.ndarray) -> np.ndarray:
    """Unique pupil numbers: check letter, LA code, school number, year of allocation, serial (DfE UPN guide).

    The check letter is the DfE's: the weighted sum of characters 2-13 (weights 2 to 13) modulo 23, indexed into
    the alphabet without I, O and S. School numbers and serials are random, so the numbers are well-formed but
    belong to no one.
    """
    n = dob.size
    la = np.array([int(c) for c in la_code.zfill(3)[:3]])
    school = rng.integers(0, 10, (n, 4))
    allocated = (D.collection_year(D.birthday(dob, 5)) % 100).astype(np.int64)
    year = np.stack([allocated // 10, allocated % 10], axis=1)
    serial = rng.integers(0, 10, (n, 3))
    digits = np.concatenate([np.broadcast_to(la, (n, 3)), school, year, serial], axis=1)
    check = _UPN_CHECK[(digits * np.arange(2, 14)).sum(axis=1) % 23]
    text = check.astype("<U13")
    for i in range(digits.shape[1]):
        text = np.char.add(text, digits[:, i].astype("<U1"))
    return text.astype(object)


def disabilities(rng: np.random.Generator, disabled: np.ndarray) -> np.ndarray:
    """Comma-joined disability codes for disabled children, 'NONE' for the others (multi-valued model codes)."""
    n = disabled.size
    first = choice(rng, DISABILITY, n, DISABILITY_WEIGHTS)
    second = choice(rng, DISABILITY, n, DISABILITY_WEIGHTS)
    two = disabled & (rng.random(n) < 0.3) & (first != second)
    out = np.where(disabled, first, "NONE").astype(object)
    out[two] = first[two] + "," + second[two]
    return out


def worker_names(rng: np.random.Generator, n: int) -> np.ndarray:
    first = np.array(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), n)]
    last = np.array(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), n)]
    return first + " " + last


def children_table(rng: np.random.Generator, people: pl.DataFrame, la_code: str, today: int) -> pl.DataFrame:
    """The children table for the given people (child_id, dob, sex, disabled, uasc, postcode, looked_after).

    UPNs for children of school age by today (the rest: UN1, under 6 and not yet allocated one); unaccompanied
    children's UASC status ends at 18 (903 DUC); a few girls aged 14 and over who were looked after are mothers.
    """
    people = people.sort("child_id")
    n = people.height
    dob = people["dob"].to_numpy()
    uasc = people["uasc"].to_numpy()
    ethnicity = np.where(uasc, choice(rng, ETHNICITY_UASC, n), choice(rng, ETHNICITY, n))
    disability = disabilities(rng, people["disabled"].to_numpy())
    school_age = D.birthday(dob, 5) <= today
    upn = np.where(school_age & ~uasc, upns(rng, la_code, dob), None)
    unknown = np.where(upn == None, np.where(uasc, "UN2", "UN1"), None)  # noqa: E711
    bday18 = D.birthday(dob, 18)
    girl_in_care = (people["sex"].to_numpy() == "F") & people["looked_after"].to_numpy()
    mother = girl_in_care & (D.birthday(dob, 15) <= today) & (rng.random(n) < 0.03)
    child_dob = np.minimum(D.birthday(dob, 15) + rng.integers(0, 900, n), today)
    frame = pl.DataFrame({
        "child_id": people["child_id"], "upn": upn, "upn_unknown": unknown, "sex": people["sex"], "dob": dob,
        "ethnicity": ethnicity, "disabilities": disability, "uasc": uasc,
        "uasc_ceased": np.where(uasc & (bday18 <= today), bday18, D.NA),
        "mother": np.where(girl_in_care, mother, None),
        "mother_child_dob": np.where(mother, child_dob, D.NA), "postcode": people["postcode"],
    }, strict=False)
    return canonical("children", frame)
