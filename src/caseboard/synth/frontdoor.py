"""The front door and early help: contacts (AA List 1) and early help episodes (AA List 2).

Every referral arrives as a contact (outcome "referral"); most contacts do not become referrals (advice, early
help, no further action): ``Assumptions.contacts_per_referral`` of them per referral, for children new to the
service and for children already known. Decisions are due within one working day (Working Together 2023 ch.2).

Early help episodes are of three kinds: stepping *up* (an early help episode ending in a referral, whose source is
then early help — CIN code 5D from 2022-23), stepping *down* (after a CIN episode closed with "referred to early
help" RC9, or some other closures), and episodes that stay in early help throughout.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from caseboard.synth import dates as D
from caseboard.synth.casework import REFERRAL_SOURCES
from caseboard.synth.config import SynthConfig
from caseboard.synth.frames import canonical, stack, text
from caseboard.synth.journeys import decisions
from caseboard.synth.people import choice

NA = D.NA
YEAR = 365.25
ORGANISATIONS = {"Early Help Hub": 0.35, "School": 0.25, "Health visiting service": 0.12,
                 "Family support service": 0.15, "Children's centre": 0.05, "Voluntary sector": 0.08}
CONTACT_OUTCOMES = {"advice": 0.45, "early_help": 0.30, "nfa": 0.25}
STEP_UP_SHARE = 0.08


def contacts(rng: np.random.Generator, cfg: SynthConfig, eps: pl.DataFrame, extra: pl.DataFrame, window: int,
             today: int, sources: pl.DataFrame) -> pl.DataFrame:
    """Contacts leading to referrals, plus contacts with other outcomes (``extra``: child_id, contact day)."""
    ref = eps.filter(pl.col("referral") >= window).select("child_id", "contact", "decision", "referral").join(
        sources, left_on=["child_id", "referral"], right_on=["child_id", "referral_day"], how="left",
        maintain_order="left")
    n = extra.height
    when = extra["contact"].to_numpy()
    decision = decisions(rng, when, cfg.late("late_decisions"))
    others = pl.DataFrame({"child_id": extra["child_id"], "contact_date": when, "source": choice(
        rng, REFERRAL_SOURCES, n), "decision_date": np.where(decision > today, NA, decision),
        "outcome": choice(rng, CONTACT_OUTCOMES, n)})
    frame = stack([
        ref.select("child_id", contact_date="contact", source="source", decision_date="decision",
                   outcome=pl.lit("referral")),
        others,
    ]).filter(pl.col("contact_date") >= window)
    return canonical("contacts", frame.unique(["child_id", "contact_date"], keep="first", maintain_order=True))


def early_help(rng: np.random.Generator, cfg: SynthConfig, eps: pl.DataFrame, referrals: pl.DataFrame,
               standalone: pl.DataFrame, window: int, today: int) -> pl.DataFrame:
    """Early help episodes: step-up (ending at a referral), step-down (after closure) and standalone ones."""
    up = eps.filter(pl.col("step_up"))
    n = up.height
    r = up["referral"].to_numpy()
    up_frame = pl.DataFrame({"child_id": up["child_id"], "start_date": r - rng.integers(60, 300, n),
                             "end_date": r, "outcome": "step_up"})
    closed = referrals.filter(pl.col("closure_date").is_not_null())
    down_p = np.where(closed["closure_reason"].to_numpy() == "RC9", 0.9,
                      np.where(closed["closure_reason"].to_numpy() == "RC7", 0.2, 0.0))
    down = closed.filter(pl.Series(rng.random(closed.height) < down_p))
    m = down.height
    start = down["closure_date"].cast(pl.Int32).cast(pl.Int64).to_numpy() + rng.integers(0, 15, m)
    down_frame = pl.DataFrame({"child_id": down["child_id"], "start_date": start,
                               "end_date": start + _months(rng, 5, m), "outcome": "step_down_in"})
    k = standalone.height
    s = standalone["start"].to_numpy()
    alone = pl.DataFrame({"child_id": standalone["child_id"], "start_date": s, "end_date": s + _months(rng, 5, k),
                          "outcome": choice(rng, {"needs_met": 0.65, "disengaged": 0.17, "moved": 0.06,
                                                  "other": 0.12}, k)})
    frame = stack([up_frame, down_frame, alone]).filter(
        (pl.col("start_date") <= today) & (pl.col("end_date") >= window))
    total = frame.height
    start = frame["start_date"].to_numpy()
    end = frame["end_date"].to_numpy()
    done = start + rng.integers(10, 46, total)
    frame = frame.with_columns(
        end_date=pl.Series(np.where(end > today, NA, end)),
        outcome=pl.when(pl.Series(end > today)).then(None).otherwise(pl.col("outcome")),
        assessment_completed_date=pl.Series(np.where((done > today) | (done > end), NA, done)),
        organisation=text(choice(rng, ORGANISATIONS, total)),
    )
    # One episode per child and start date; a child's episodes never overlap.
    frame = frame.sort("child_id", "start_date").with_columns(prev_end=pl.col("end_date").shift(1).over("child_id"))
    frame = frame.filter(pl.col("prev_end").is_null() | ((pl.col("prev_end") != NA)
                                                         & (pl.col("start_date") > pl.col("prev_end"))))
    return canonical("early_help", frame.drop("prev_end"))


def _months(rng: np.random.Generator, median: float, n: int) -> np.ndarray:
    return np.maximum(median / 12 * YEAR * np.exp(0.5 * rng.standard_normal(n)), 14).astype(np.int64)
