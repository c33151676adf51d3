"""Ofsted ILACS Annex A workbooks (child-level lists 1-11): the reader and writer of one format.

The reader (:mod:`annex_a_read`) finds each list's sheet and heading row however the council laid them out and
maps lists 1-10 to the canonical tables; the writer (:mod:`annex_a_write`) produces the current published
layout from the canonical tables as at a date, selecting records by the Ofsted list scopes. Both take the
lists, headings and code labels from ``annex_a_headers.yml`` (via :mod:`annex_a_lists`), so what one writes the
other reads. Source: Ofsted, "Inspecting local authority children's services" (ILACS) framework, Annex A.
"""

from __future__ import annotations

from caseboard.formats.annex_a_read import FORMAT, read, read_file, sniff
from caseboard.formats.annex_a_write import write

__all__ = ["FORMAT", "read", "read_file", "sniff", "write"]
