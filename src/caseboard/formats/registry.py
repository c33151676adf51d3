"""Which reader reads which file: each format module says, by looking at the file, whether it is its own."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

#: Reader modules, most specific first (a council extract with a mapping file must win over a plain CSV guess).
READER_MODULES: tuple[str, ...] = (
    "caseboard.formats.extract",
    "caseboard.formats.ssda903_csv",
    "caseboard.formats.ssda903_xml",
    "caseboard.formats.cin_census",
    "caseboard.formats.annex_a",
    "caseboard.formats.dfe_api",
)

#: Files that sit beside data but are not data (mapping files are read by the extract reader itself).
IGNORED_SUFFIXES = (".mapping.yml", ".mapping.yaml", "caseboard-mapping.yml", ".md", ".txt", ".log")


def readers() -> list[ModuleType]:
    return [importlib.import_module(name) for name in READER_MODULES]


def discover(paths: list[Path]) -> list[Path]:
    """Files named, and files inside folders named (recursively, in a stable order), less non-data files."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(sorted(q for q in p.rglob("*") if q.is_file()))
        else:
            found.append(p)
    return [f for f in found if not f.name.startswith(".") and not f.name.endswith(IGNORED_SUFFIXES)]


def reader_for(path: Path) -> ModuleType | None:
    for module in readers():
        if module.sniff(path):
            return module
    return None


def known_formats() -> list[str]:
    return [m.FORMAT for m in readers()]
