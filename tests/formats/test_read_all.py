"""Reading a load in parallel gives exactly what reading it in one process gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseboard.formats import read_all


def test_parallel_and_sequential_reads_agree(peer_samples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [peer_samples / "cin-census", peer_samples / "ssda903-validator-fake" / "episodes.csv",
             peer_samples / "ssda903-validator-fake" / "header.csv"]
    sequential = read_all.read_files(paths, workers=1)
    monkeypatch.setattr(read_all, "PARALLEL_BYTES", 0)
    parallel = read_all.read_files(paths, workers=2)
    assert [f.path for f in parallel.files] == [f.path for f in sequential.files]
    assert parallel.findings == sequential.findings
    assert parallel.frames.keys() == sequential.frames.keys()
    for name, frame in sequential.frames.items():
        assert parallel.frames[name].equals(frame), name


def test_a_file_problem_in_a_worker_is_a_finding_not_a_crash(tmp_path: Path, peer_samples: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<?xml version='1.0'?>\n<Message>\n<Header><CollectionDetails><Collection>CIN")
    monkeypatch.setattr(read_all, "PARALLEL_BYTES", 0)
    batch = read_all.read_files([broken, peer_samples / "cin-census" / "CIN_Census_2024.xml"], workers=2)
    assert [(f.file, f.severity) for f in batch.fatal] == [(str(broken), "fatal")]
    assert batch.frames["children"].height == 2
