"""Throughput of the SQLite store: async-event cycles (enqueue, claim, complete) per second.

Each cycle is one event enqueued by a producer and acknowledged durably, then claimed and
completed by a dispatcher that claims in batches, as Lambda's async queue is used. The store runs
with 1 and with 64 concurrent producers. Beside it, in the same run, raw ``sqlite3`` executes the
same statements on the same schema with the same durability settings, with no thread and no group
commit: once with a commit per statement (a durable acknowledgement per operation, as a naive
store would give), once with one transaction per cycle. Ratios against those hold on a noisy
machine where absolute figures do not.

    python bench/bench_store.py [--events N] [--uvloop] [--out bench/results/store.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from triggerfish.store.interfaces import AsyncEvent
from triggerfish.store.sqlite import SQLiteStore
from triggerfish.store.sqlite.connection import connect
from triggerfish.store.sqlite.named_queries import load_queries
from triggerfish.store.sqlite.schema import bundled_migrations, migrate

FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:bench:$LATEST"
PAYLOAD = b'{"order": 1234, "items": ["a", "b", "c"]}'
CLAIM_LIMIT = 256


@dataclass(frozen=True)
class Result:
    case: str
    producers: int
    events: int
    seconds: float
    cycles_per_second: float
    operations_per_batch: float | None = None


async def store_cycles(path: Path | None, producers: int, events: int) -> Result:
    store = SQLiteStore(path)
    await store.open()
    queue = store.async_events
    per_producer = events // producers
    total = per_producer * producers
    work = asyncio.Event()
    completed = 0

    async def produce(producer: int) -> None:
        for n in range(per_producer):
            now = time.time()
            await queue.enqueue(AsyncEvent(f"{producer}-{n}", FUNCTION, PAYLOAD, now, now))
            work.set()

    async def dispatch() -> None:
        nonlocal completed
        while completed < total:
            await work.wait()
            work.clear()
            while batch := await queue.claim_due(math.inf, CLAIM_LIMIT):
                await queue.complete([event.id for event in batch])
                completed += len(batch)

    started = time.perf_counter()
    await asyncio.gather(dispatch(), *(produce(producer) for producer in range(producers)))
    seconds = time.perf_counter() - started
    writer = store.writer
    batch_size = writer.operations / writer.batches
    await store.close()
    kind = "file" if path is not None else "in-memory"
    return Result(f"triggerfish store ({kind})", producers, total, seconds, total / seconds, batch_size)


def raw_cycles(path: Path, events: int, *, commit_per_statement: bool) -> Result:
    """The same statements on one connection in this thread, committing as told."""
    conn = connect(path)
    migrate(conn, bundled_migrations())
    sql = load_queries("async_events.sql")
    transaction = load_queries("transactions.sql")
    started = time.perf_counter()
    for n in range(events):
        if not commit_per_statement:
            conn.execute(transaction["begin"])
        now = time.time()
        conn.execute(
            sql["insert"],
            {
                "id": str(n),
                "function": FUNCTION,
                "payload": PAYLOAD,
                "enqueued_at": now,
                "due_at": now,
                "attempts": 0,
                "invoke_count": 0,
                "last_result": None,
            },
        )
        (row,) = conn.execute(sql["select_due"], {"now": math.inf, "limit": 1}).fetchall()
        conn.execute(sql["mark_claimed"], {"seq": row[0]})
        conn.execute(sql["delete"], {"id": row[1]})
        if not commit_per_statement:
            conn.execute(transaction["commit"])
    seconds = time.perf_counter() - started
    conn.close()
    case = "raw sqlite3, commit per statement" if commit_per_statement else "raw sqlite3, commit per cycle"
    return Result(case, 1, events, seconds, events / seconds)


def run_async(main: Callable[[], Coroutine[Any, Any, Result]], use_uvloop: bool) -> Result:
    if use_uvloop:
        import uvloop

        return uvloop.run(main())
    return asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000, help="cycles per case (default 20000)")
    parser.add_argument("--uvloop", action="store_true", help="run the store on uvloop")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "store.json")
    args = parser.parse_args()
    events: int = args.events

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="triggerfish-bench-") as scratch:
        folder = Path(scratch)
        results.append(raw_cycles(folder / "raw-1.db", events, commit_per_statement=True))
        results.append(raw_cycles(folder / "raw-2.db", events, commit_per_statement=False))
        for producers in (1, 64):
            for path in (folder / f"store-{producers}.db", None):
                results.append(run_async(partial(store_cycles, path, producers, events), args.uvloop))

    baseline = results[0].cycles_per_second
    print(f"{'case':<38} {'producers':>9} {'events':>7} {'cycles/s':>10} {'vs raw':>7} {'ops/batch':>9}")
    for result in results:
        batch = "" if result.operations_per_batch is None else f"{result.operations_per_batch:.1f}"
        print(
            f"{result.case:<38} {result.producers:>9} {result.events:>7} "
            f"{result.cycles_per_second:>10,.0f} {result.cycles_per_second / baseline:>6.2f}x {batch:>9}"
        )

    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "benchmark": "store async-event cycles (enqueue, claim, complete)",
        "baseline": results[0].case,
        "machine": {
            "python": sys.version.split()[0],
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "loop": "uvloop" if args.uvloop else "asyncio",
        },
        "results": [{**asdict(result), "ratio_to_baseline": result.cycles_per_second / baseline} for result in results],
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
