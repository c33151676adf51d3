"""Published comparators: England, region and statistical neighbours (see ``benchmarks.published``)."""

from caseboard.benchmarks.published import MAPPINGS, child_population, comparison, neighbours, settings_for

__all__ = ["MAPPINGS", "child_population", "comparison", "neighbours", "settings_for"]
