"""Reading every file of a load into one batch, in parallel when the load is large.

Each file is sniffed by the registry; files of one format are read together (an SSDA903 return is several
CSVs that belong together), except CIN census files, which are read one per task because each is a complete
census on its own. Large loads spread the tasks over the machine's cores in separate processes (the readers
are pure Python and CPU-bound); results are gathered in a fixed order, so a load reads the same however many
cores it had. Small loads (every test) stay in one process.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from caseboard.formats.base import Batch, Finding, FormatError
from caseboard.formats.registry import discover, known_formats, reader_for

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]

#: Loads at least this large (bytes) are read in parallel; below it, starting processes costs more than it saves.
PARALLEL_BYTES = int(os.environ.get("CASEBOARD_PARALLEL_BYTES", 40_000_000))

#: Formats whose files are independent of one another, so each file can be its own task.
ONE_TASK_PER_FILE = frozenset({"cin-census-xml"})

Task = tuple[str, str, list[Path]]  # (format, reader module, files)


def read_files(paths: list[Path], progress: Progress | None = None, *, workers: int | None = None) -> Batch:
    """Read every file into one batch; files no reader recognises, or that cannot be read, become fatal findings."""
    batch = Batch()
    files = discover(paths)
    if not files:
        batch.findings.append(Finding(", ".join(map(str, paths)) or "(nothing)", None, None, None,
                                      "at least one data file", "fatal", "no-files"))
        return batch
    tasks = _tasks(files, batch)
    size = sum(p.stat().st_size for _, _, group in tasks for p in group)
    cores = workers if workers is not None else (os.cpu_count() or 1)
    if cores > 1 and len(tasks) > 1 and size >= PARALLEL_BYTES:
        results = _parallel(tasks, cores, progress)
    else:
        results = []
        for i, task in enumerate(tasks):
            if progress:
                progress(_label(task), i / len(tasks))
            results.append(_read_task(*task))
    for part in results:
        batch.extend(part)
    return batch


def _tasks(files: list[Path], batch: Batch) -> list[Task]:
    groups: dict[str, tuple[str, list[Path]]] = {}
    for path in files:
        if not path.exists():
            batch.findings.append(Finding(str(path), None, None, None, "a file that exists", "fatal", "missing-file"))
            continue
        try:
            module = reader_for(path)
        except (OSError, UnicodeError) as exc:
            batch.findings.append(Finding(str(path), None, None, None, f"a readable file ({exc})", "fatal", "format"))
            continue
        if module is None:
            batch.findings.append(Finding(
                str(path), None, None, None,
                "a file in a format Caseboard reads: " + ", ".join(known_formats())
                + " (an extract needs a mapping file beside it)", "fatal", "format"))
            continue
        groups.setdefault(module.FORMAT, (module.__name__, []))[1].append(path)
    tasks: list[Task] = []
    for fmt, (module_name, group) in groups.items():
        if fmt in ONE_TASK_PER_FILE:
            tasks += [(fmt, module_name, [p]) for p in group]
        else:
            tasks.append((fmt, module_name, group))
    return tasks


def _label(task: Task) -> str:
    fmt, _, group = task
    return f"reading {fmt} ({len(group)} file{'s' if len(group) != 1 else ''})"


def _read_task(fmt: str, module_name: str, group: list[Path]) -> Batch:
    """One reader over its files; a file problem becomes a fatal finding in the returned batch."""
    part = Batch()
    try:
        importlib.import_module(module_name).read(group, part)
    except FormatError as exc:
        failed = Batch()
        failed.findings.append(exc.finding())
        return failed
    except Exception as exc:  # a reader bug must still not lose the user's load or show a traceback
        log.exception("reader %s failed", fmt)
        failed = Batch()
        failed.findings.append(Finding(", ".join(map(str, group)), None, None, None,
                                       f"a readable {fmt} file (reading failed: {exc})", "fatal", "format"))
        return failed
    return part


def _parallel(tasks: list[Task], cores: int, progress: Progress | None) -> list[Batch]:
    # Biggest first, so the long CIN censuses do not end up last on one core.
    order = sorted(range(len(tasks)), key=lambda i: -sum(p.stat().st_size for p in tasks[i][2]))
    results: dict[int, Batch] = {}
    with ProcessPoolExecutor(max_workers=min(cores, len(tasks)), mp_context=get_context("spawn")) as pool:
        futures = {i: pool.submit(_read_task, *tasks[i]) for i in order}
        for done, i in enumerate(order):
            results[i] = futures[i].result()
            if progress:
                progress(_label(tasks[i]), (done + 1) / len(tasks))
    return [results[i] for i in range(len(tasks))]
