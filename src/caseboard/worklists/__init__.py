"""Worklists: statutory items overdue or falling due, read from the same schedules as the indicators."""

from caseboard.worklists.worklist import COLUMNS, worklist

__all__ = ["COLUMNS", "worklist"]
