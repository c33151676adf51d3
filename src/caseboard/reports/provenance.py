"""What a report was built from: the loads in service, the settings, the scorecard file — and its one timestamp.

DESIGN.md "Loads and time": reports say which load they were built from and can be rebuilt identically. So a
report carries no clock time of its own: every date written into it (footer, document properties, PDF
metadata) is the finish time of the latest committed load, and building twice from the same data gives the
same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, fields
from importlib.metadata import version
from typing import Any

from caseboard.indicators.settings import Settings
from caseboard.store import Store

#: The timestamp of a report built from an empty store (no committed load): fixed, so it is still reproducible.
EPOCH = dt.datetime(2000, 1, 1)
VERSION = version("caseboard")


@dataclass(frozen=True)
class Provenance:
    """Load ids, their time, and the settings a report was built with."""

    load_ids: tuple[int, ...]
    built_at: dt.datetime
    settings: dict[str, Any] = field(default_factory=dict)
    settings_digest: str = ""  # sha256 of every indicator setting (thresholds, windows...): any change shows

    @property
    def loads_text(self) -> str:
        if not self.load_ids:
            return "no committed load"
        ids = ", ".join(str(i) for i in self.load_ids)
        return f"load{'s' if len(self.load_ids) > 1 else ''} {ids} (latest finished {self.built_at:%Y-%m-%d %H:%M})"

    def footer(self) -> str:
        """One line for a page footer."""
        shown = ", ".join(f"{k} {v}" for k, v in self.settings.items() if k in ("as_at", "scorecard", "public"))
        return (f"Built by Caseboard {VERSION} from {self.loads_text}; {shown}; "
                f"settings {self.settings_digest}")

    def as_rows(self) -> list[tuple[str, str]]:
        """(name, value) pairs for an 'About' sheet or table."""
        rows = [("Loads", ", ".join(str(i) for i in self.load_ids) or "none"),
                ("Latest load finished", f"{self.built_at:%Y-%m-%d %H:%M:%S}"),
                ("Caseboard version", VERSION), ("Settings digest", self.settings_digest)]
        return rows + [(k, str(v)) for k, v in self.settings.items()]


def provenance(store: Store, settings: Settings, **extra: Any) -> Provenance:
    """The committed loads in ``store`` and the settings that change a figure (plus ``extra``: date, scorecard)."""
    loads = store.query("SELECT load_id, finished_at FROM loads WHERE status = 'committed' ORDER BY load_id")
    ids = tuple(int(i) for i in loads["load_id"].to_list())
    finished = [t for t in loads["finished_at"].to_list() if t is not None]
    built_at = max(finished).replace(microsecond=0) if finished else EPOCH
    every = {f.name: getattr(settings, f.name) for f in fields(settings) if f.name != "calendar"}
    digest = hashlib.sha256(json.dumps(every, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return Provenance(ids, built_at, {**extra, "authority": settings.authority_name}, digest)
