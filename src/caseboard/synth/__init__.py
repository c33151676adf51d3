"""A seeded synthetic county: realistic children's social care data with nothing real in it.

``generate(SynthConfig())`` gives every canonical table of a Norfolk-sized county (about 172,000 children aged
0-17, about 1,070 looked after at 31 March) over ten years to 31 March 2026, calibrated on the authority's
published DfE figures (``config.py`` cites each); ``write_all`` writes it through the real formats (SSDA903 CSV
and CIN census XML per year, Annex A, DfE API JSON, the council extract); ``synthesize`` does both for the
``caseboard synth`` command; ``england.generate_england`` makes many authorities at once.

The same config and seed give identical frames. ``SynthConfig.imperfection`` plants late visits, overdue
reviews, missing PEPs, unallocated children and a handful of data-entry errors, recorded in the config.
"""

from caseboard.synth.config import SynthConfig
from caseboard.synth.county import generate
from caseboard.synth.output import frames_for_year, synthesize, write_all

__all__ = ["SynthConfig", "frames_for_year", "generate", "synthesize", "write_all"]
