"""Making one consistent set of records from everything a load read, before it is checked and stored.

Three steps, in order: allocations that name teams and workers get their identifiers (:func:`resolve_names`);
summaries give way to detailed returns of the same facts (:func:`prefer_detail`); and records are made one per
natural key across files and collection years (:func:`stitch`). Each reports what it set aside; none drops
anything unseen.
"""

from __future__ import annotations

import polars as pl

from caseboard.formats.base import Batch, Finding
from caseboard.model.tables import TABLES_BY_NAME
from caseboard.store.base import Store


def resolve_names(batch: Batch, store: Store) -> None:
    """Allocations that name a team or worker (Annex A lists 3-9 carry names, not codes) get their identifiers.

    A name is translated only where exactly one team (or worker) has it and it is not itself an identifier;
    anything else is left as given, and the reference check then reports it.
    """
    allocations = batch.frames.get("allocations")
    if allocations is None or allocations.height == 0:
        return
    for column, table, id_column in (("team_id", "teams", "team_id"), ("worker_id", "workers", "worker_id")):
        known = store.query(f"SELECT {id_column} AS id, name FROM {table}")
        loaded = batch.frames.get(table)
        if loaded is not None and loaded.height:
            known = pl.concat([known.cast(pl.Utf8), loaded.select(pl.col(id_column).alias("id"), "name").cast(pl.Utf8)])
        if known.height == 0:
            continue
        ids = set(known["id"].to_list())
        unique = known.unique().group_by("name").agg(pl.col("id").unique()).filter(pl.col("id").list.len() == 1)
        mapping = {n: i[0] for n, i in unique.iter_rows() if n is not None and n not in ids}
        if mapping:
            allocations = allocations.with_columns(pl.col(column).replace(mapping))
    batch.frames["allocations"] = allocations



#: Tables where a detailed return outranks a summary of the same facts: Annex A List 8 gives only a child's
#: current placement (and when care began), while the SSDA903 return gives every episode. Loading both as
#: episodes would make the summary overlap the detail.
DETAIL_OVER_SUMMARY: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "lac_episodes": (frozenset({"ssda903-csv", "ssda903-xml", "dfe-csc-api-json"}), frozenset({"annex-a"})),
}


def prefer_detail(batch: Batch) -> int:
    """Set aside summary rows for children whose detailed records are in the same load; returns how many.

    Each file that loses rows this way gets one warning finding saying how many and why, so nothing goes unseen.
    """
    formats = {f.path: f.format for f in batch.files}
    dropped = 0
    for name, (detailed, summary) in DETAIL_OVER_SUMMARY.items():
        frame = batch.frames.get(name)
        if frame is None or frame.height == 0:
            continue
        # a workbook's rows name "<file> [<sheet>]"
        fmt = frame["source_file"].str.replace(r" \[[^\]]*\]$", "").replace_strict(formats, default="",
                                                                                      return_dtype=pl.Utf8)
        is_detail = fmt.is_in(list(detailed))
        is_summary = fmt.is_in(list(summary))
        children = frame.filter(is_detail)["child_id"].unique()
        lose = is_summary & frame["child_id"].is_in(children.implode())
        if not lose.any():
            continue
        for (file,), part in frame.filter(lose).group_by(["source_file"], maintain_order=True):
            batch.findings.append(Finding(
                str(file), None, None, None,
                f"{name} from a summary only where no detailed return has them: {part.height:,} rows not used, "
                "because the SSDA903 return in this load holds those children's episodes", "warning",
                "summary-superseded", name))
        dropped += int(lose.sum())
        batch.frames[name] = frame.filter(~lose)
    return dropped


def stitch(batch: Batch) -> int:
    """One record per natural key across every file of the load; returns how many were superseded.

    Several collection years of the same return overlap (an episode open at 31 March is in both years): the
    record from the latest collection year wins, which is how a later return updates an earlier one. Two rows
    with the same key in the *same file* are a genuine duplicate: the later is kept, the earlier is quarantined
    with a finding, and nothing is dropped unseen. ``children`` are merged field by field instead, since each
    source carries only part of a child's identity.
    """
    order = {f.path: (f.collection_year or 0, i) for i, f in enumerate(batch.files)}
    rank = pl.DataFrame({"source_file": list(order), "__year": [v[0] for v in order.values()],
                         "__file": [v[1] for v in order.values()]},
                        schema={"source_file": pl.Utf8, "__year": pl.Int64, "__file": pl.Int64})
    superseded = 0
    for name, frame in list(batch.frames.items()):
        if frame.height == 0:
            continue
        t = TABLES_BY_NAME[name]
        # a workbook's records name "<file> [<sheet>]": rank them by their file
        ranked = (frame.with_columns(pl.col("source_file").str.replace(r" \[[^\]]*\]$", "").alias("__base"))
                  .join(rank.rename({"source_file": "__base"}), on="__base", how="left")
                  .sort(["__year", "__file", "source_row"], nulls_last=False))
        if name == "children":
            data = [c.name for c in t.columns if c.name not in t.key]
            merged = ranked.group_by(list(t.key), maintain_order=True).agg(
                [pl.col(c).drop_nulls().last().alias(c) for c in data]
                + [pl.col("source_file").last(), pl.col("source_row").last()]
            )
            superseded += ranked.height - merged.height
            batch.frames[name] = merged.select(frame.columns)
            continue
        in_file = list(t.key) + ["source_file"]
        earlier = ranked.filter((pl.len().over(in_file) > 1) & (pl.col("source_row") != pl.col("source_row").max().over(in_file)))
        if earlier.height:
            for rec in earlier.iter_rows(named=True):
                key = ", ".join(f"{k}={rec[k]}" for k in t.key)
                batch.findings.append(Finding(rec["source_file"], rec["source_row"], None, key,
                                              "one record per " + ", ".join(t.key)
                                              + " (a later row in this file has the same key and was kept)",
                                              "error", "duplicate", name, rec.get("child_id")))
                batch.quarantine.append({"file": rec["source_file"], "row": rec["source_row"], "table": name,
                                         "raw": {k: None if v is None else str(v) for k, v in rec.items()
                                                 if not k.startswith("__")}})
        # Within one collection year, sources complement each other (the CIN census has no "child seen"; Annex A
        # has it): a value given fills one not given. A later collection year replaces the record whole, because
        # a later return may rightly empty a field (an episode reopened has no end date any more).
        clean = ranked.filter(~((pl.len().over(in_file) > 1)
                                & (pl.col("source_row") != pl.col("source_row").max().over(in_file))))
        data = [c.name for c in t.columns if c.name not in t.key]
        kept = (clean.group_by(list(t.key) + ["__year"], maintain_order=True)
                .agg([pl.col(c).drop_nulls().last().alias(c) for c in data]
                     + [pl.col("source_file").last(), pl.col("source_row").last()])
                .unique(subset=list(t.key), keep="last", maintain_order=True))
        superseded += ranked.height - kept.height - earlier.height
        batch.frames[name] = kept.select(frame.columns)
    return superseded


