"""Case risk ratings: team managers rate every open case Red, Amber or Green, and every rating is kept.

Seed 004 (item 9) asks team managers to RAG-rate every open case so that movement is monitored and red cases
are worked first; the definitions are in :data:`caseboard.qa.grades.RAG`. A new rating never overwrites an
old one: the current rating is the latest by date (then by the order recorded), the rest is its history.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from caseboard.qa.grades import RAG, RAG_ORDER, rag
from caseboard.qa.schema import ensure_qa_schema, insert, next_id, now, read
from caseboard.store import Store


def rate(store: Store, child_id: str, rating: str, *, rater: str, on: dt.date, rationale: str | None = None,
         team_id: str | None = None) -> int:
    """Record a rating (R/A/G or Red/Amber/Green); returns its id."""
    letter = rag(rating)
    ensure_qa_schema(store)
    with store.transaction():
        rid = next_id(store, "qa_case_risk_ratings")
        insert(store, "qa_case_risk_ratings", {
            "rating_id": rid, "child_id": child_id, "rating": letter, "rater_id": rater, "rated_on": on,
            "rationale": rationale, "team_id": team_id, "created_at": now()})
    return rid


def history(store: Store, child_id: str) -> pl.DataFrame:
    """Every rating of one child, oldest first, with the movement from the one before (up = riskier)."""
    ensure_qa_schema(store)
    frame = read(store, "SELECT rating_id, rating, rater_id, rated_on, rationale FROM qa_case_risk_ratings "
                        "WHERE child_id = ? ORDER BY rated_on, rating_id", (child_id,))
    return frame.with_columns(
        pl.col("rating").shift(1).alias("previous"),
        pl.col("rating").replace_strict(RAG, return_dtype=pl.Utf8).alias("definition"),
    ).with_columns(_movement(pl.col("previous"), pl.col("rating")).alias("movement"))


def _movement(before: pl.Expr, after: pl.Expr) -> pl.Expr:
    b = before.replace_strict(RAG_ORDER, default=None, return_dtype=pl.Int64)
    a = after.replace_strict(RAG_ORDER, default=None, return_dtype=pl.Int64)
    return (pl.when(b.is_null()).then(pl.lit("first"))
            .when(a < b).then(pl.lit("worse")).when(a > b).then(pl.lit("better")).otherwise(pl.lit("same")))


def current(store: Store, as_at: dt.date | None = None) -> pl.DataFrame:
    """Each child's latest rating on or before ``as_at`` (default: all), red first, then amber, then green,
    the oldest rating first within each (the longest unreviewed red case at the top)."""
    ensure_qa_schema(store)
    where, params = ("WHERE rated_on <= ?", (as_at,)) if as_at else ("", ())
    frame = read(store, f"""
        SELECT child_id, rating, rater_id, rated_on, team_id, previous FROM (
          SELECT child_id, rating, rater_id, rated_on, team_id,
                 LAG(rating) OVER (PARTITION BY child_id ORDER BY rated_on, rating_id) AS previous,
                 ROW_NUMBER() OVER (PARTITION BY child_id ORDER BY rated_on DESC, rating_id DESC) AS rn
          FROM qa_case_risk_ratings {where}) r WHERE rn = 1""", params)
    frame = frame.with_columns(pl.col("previous").cast(pl.Utf8))  # NULL throughout when nobody was re-rated
    return (frame.with_columns(_movement(pl.col("previous"), pl.col("rating")).alias("movement"),
                               pl.col("rating").replace_strict(RAG_ORDER, return_dtype=pl.Int64).alias("_o"))
            .sort("_o", "rated_on", "child_id").drop("_o"))
