"""Code lists as data: one YAML file per collection and year, each year a diff on the one before.

Layout: ``model/codelists/<collection>/<year>.yml``. The earliest year of a collection lists every code list in
full; each later year holds only what changed::

    # model/codelists/ssda903/2017.yml
    lists:
      rne: {S: "Started to be looked after", L: "Change of legal status and placement", ...}
    # model/codelists/ssda903/2025.yml
    changes:
      sex: {replace: {M: Male, F: Female, U: Unknown}}
      place: {add: {K3: "..."}, remove: [P2]}

``year`` is the collection year named by its end (2025 = the year to 31 March 2025). A code is valid for a year
when the file for the latest year at or before it lists it. Sources are cited in each file's ``source`` key.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

Codes = dict[str, str]


def _files(collection: str) -> dict[int, dict]:
    folder = resources.files("caseboard.model") / "codelists" / collection
    out: dict[int, dict] = {}
    if not folder.is_dir():
        return out
    for entry in folder.iterdir():
        if entry.name.endswith(".yml") and entry.name[:4].isdigit():
            out[int(entry.name[:4])] = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
    return out


@lru_cache(maxsize=None)
def _years(collection: str) -> dict[int, dict[str, Codes]]:
    """Every year's complete lists, built by applying each year's changes to the year before."""
    files = _files(collection)
    built: dict[int, dict[str, Codes]] = {}
    current: dict[str, Codes] = {}
    for year in sorted(files):
        doc = files[year]
        current = {name: dict(codes) for name, codes in current.items()}
        for name, codes in (doc.get("lists") or {}).items():
            current[name] = {str(k): str(v) for k, v in (codes or {}).items()}
        for name, change in (doc.get("changes") or {}).items():
            if "replace" in change:
                current[name] = {str(k): str(v) for k, v in change["replace"].items()}
            for code, label in (change.get("add") or {}).items():
                current.setdefault(name, {})[str(code)] = str(label)
            for code in change.get("remove") or []:
                current.get(name, {}).pop(str(code), None)
        built[year] = current
    return built


def collections() -> list[str]:
    folder = resources.files("caseboard.model") / "codelists"
    return sorted(e.name for e in folder.iterdir() if e.is_dir() and not e.name.startswith("_"))


def codes(collection: str, list_name: str, year: int) -> Codes | None:
    """The codes valid for ``list_name`` in ``collection`` for collection year ``year``.

    ``None`` when the collection has no such list (the caller then cannot check the field, and says so).
    Years before the first file use the first file; years after the last use the last.
    """
    years = _years(collection)
    if not years:
        return None
    eligible = [y for y in years if y <= year] or [min(years)]
    return years[max(eligible)].get(list_name)


def list_names(collection: str, year: int) -> list[str]:
    years = _years(collection)
    if not years:
        return []
    eligible = [y for y in years if y <= year] or [min(years)]
    return sorted(years[max(eligible)])
