"""Shared pieces of the benchmarks: percentiles, aligned tables, machine facts and JSON results."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import uvloop

RESULTS_DIR = Path(__file__).parent / "results"


def percentile(ordered: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of already sorted values, interpolating between ranks."""
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(values_ms: Sequence[float]) -> dict[str, Any]:
    """Sample count, p50, p99, mean, min and max of latencies given in milliseconds."""
    ordered = sorted(values_ms)
    return {
        "samples": len(ordered),
        "p50_ms": percentile(ordered, 50),
        "p99_ms": percentile(ordered, 99),
        "mean_ms": statistics.fmean(ordered) if ordered else math.nan,
        "min_ms": ordered[0] if ordered else math.nan,
        "max_ms": ordered[-1] if ordered else math.nan,
    }


async def take_turns(
    cases: Mapping[str, Callable[[], float]], starts: asyncio.Queue[float], samples: int, *, warm_up: int = 5
) -> dict[str, dict[str, Any]]:
    """Latency from a call to the start of the invocation it causes, for cases that take turns sample by
    sample. Each case is a blocking call (run in a thread) that returns when it sent its request; ``starts``
    yields the start time of each invocation. The first case is the baseline the others are compared with."""
    latencies: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(warm_up):  # warm up: the environment, the connection pool, the code paths
        for call in cases.values():
            await asyncio.to_thread(call)
            await starts.get()
    for _ in range(samples):
        for name, call in cases.items():
            await asyncio.sleep(0.005)  # idle in between: nothing queued, every loop asleep
            sent = await asyncio.to_thread(call)
            latencies[name].append((await starts.get() - sent) * 1000)
    rows = {name: summary_ms(values) for name, values in latencies.items()}
    baseline = next(iter(rows))
    for name, row in rows.items():
        if name != baseline:
            row["baseline"] = baseline
            row["ratio_p50_to_baseline"] = row["p50_ms"] / rows[baseline]["p50_ms"]
    return rows


def run_folders(root: Path) -> Iterator[Path]:
    """A fresh folder under ``root`` for each run of a benchmark: ``run0``, ``run1``..."""
    for number in itertools.count():
        folder = root / f"run{number}"
        folder.mkdir()
        yield folder


@dataclass(frozen=True)
class Latency:
    """Latency of many calls, in microseconds."""

    samples: int
    p50_us: float
    p99_us: float
    mean_us: float
    min_us: float
    max_us: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def latency_of(samples_ns: Sequence[int]) -> Latency:
    """Summarise per-call durations measured with :func:`time.perf_counter_ns`."""
    ordered = sorted(ns / 1000 for ns in samples_ns)
    if not ordered:
        return Latency(0, math.nan, math.nan, math.nan, math.nan, math.nan)
    return Latency(
        samples=len(ordered),
        p50_us=percentile(ordered, 50),
        p99_us=percentile(ordered, 99),
        mean_us=sum(ordered) / len(ordered),
        min_us=ordered[0],
        max_us=ordered[-1],
    )


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (empty where the platform has none)."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return []


class MachineLoad:
    """How busy every CPU of the machine was between :meth:`start` and :meth:`stop`, from
    ``/proc/stat`` (Linux; empty elsewhere): our own work included, plus time stolen by the host."""

    def __init__(self) -> None:
        self._start: list[int] = []
        self.load_before: list[float] = []

    def start(self) -> MachineLoad:
        self.load_before = load_average()
        self._start = _cpu_jiffies()
        return self

    def stop(self) -> dict[str, Any]:
        report: dict[str, Any] = {"before": self.load_before, "after": load_average()}
        end = _cpu_jiffies()
        if self._start and end:
            delta = [after - before for before, after in zip(self._start, end, strict=True)]
            total = sum(delta) or 1
            idle = delta[3] + delta[4]  # idle, iowait
            steal = delta[7] if len(delta) > 7 else 0
            report["cpu_busy_percent"] = round(100 * (total - idle) / total, 1)
            report["steal_percent"] = round(100 * steal / total, 1)
        return report


def _cpu_jiffies() -> list[int]:
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
    except OSError:
        return []
    return [int(value) for value in fields[1:]] if fields and fields[0] == "cpu" else []


def descendants(pid: int | None = None) -> list[int]:
    """The processes below ``pid`` (default: this one), read from ``/proc`` (Linux; else empty)."""
    found: list[int] = []
    pending = [os.getpid() if pid is None else pid]
    while pending:
        parent = pending.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as children:
                    kids = [int(kid) for kid in children.read().split()]
            except OSError:
                continue
            found += kids
            pending += kids
    return found


def cpu_ns(pids: Sequence[int]) -> dict[int, int]:
    """Nanoseconds each process has run on a CPU so far (``/proc/<pid>/schedstat``; Linux only)."""
    times: dict[int, int] = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/schedstat") as schedstat:
                times[pid] = int(schedstat.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return times


class CpuMeter:
    """CPU time used by this process and, separately, by all its descendants, between two reads.

    On a shared machine CPU time per call moves much less with other people's load than latency.
    """

    def __init__(self) -> None:
        self.own_ns = 0
        self.children_ns = 0
        self._own = 0
        self._children: dict[int, int] = {}

    def start(self) -> None:
        self._children = cpu_ns(descendants())
        self._own = time.process_time_ns()

    def stop(self) -> None:
        self.own_ns += time.process_time_ns() - self._own
        after = cpu_ns(descendants())
        self.children_ns += sum(ns - self._children.get(pid, 0) for pid, ns in after.items())


def machine(loop: str) -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loop": loop,
    }


def format_number(value: object, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print ``rows`` under ``headers``: the first column left-aligned, the others right-aligned."""
    cells = [[format_number(value) for value in row] for row in rows]
    widths = [max(len(header), *(len(row[i]) for row in cells)) for i, header in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        first, *rest = values
        aligned = (value.rjust(width) for value, width in zip(rest, widths[1:], strict=True))
        return "  ".join([first.ljust(widths[0]), *aligned])

    print(f"\n{title}")
    print(line(list(headers)))
    print("  ".join("-" * width for width in widths))
    for row in cells:
        print(line(row))


def write_json(path: Path, report: dict[str, Any]) -> Path:
    """Write ``report``; a figure that could not be measured (NaN) is written as ``null``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_finite(report), indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return path


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def run_benchmark(
    argv: Sequence[str] | None,
    *,
    description: str | None,
    out: Path,
    name: str,
    run: Callable[[bool, Path], Coroutine[Any, Any, dict[str, Any]]],
    tables: Callable[[dict[str, Any]], None],
    extra: Mapping[str, Any] | None = None,
) -> None:
    """The command line every service benchmark shares: ``--quick`` and ``--out``; ``run(quick, folder)``
    on uvloop in a temporary folder, with the machine's load measured around it; the tables printed and
    the report written with the machine, the load, ``quick`` and ``extra`` (the aims) in front."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--out", type=Path, default=out)
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix=f"triggerfish-bench-{name}-"))
    load = MachineLoad().start()
    try:
        report = uvloop.run(run(args.quick, root))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    tables(report)
    report = {"machine": machine("uvloop"), "load": load.stop(), "quick": args.quick, **(extra or {}), **report}
    print(f"\nwrote {write_json(args.out, report)}")
