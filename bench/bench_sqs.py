"""SQS to Lambda end to end: messages per second and idle latency, beside raw SQLite in the same run.

- Throughput: a no-op function mapped to a queue (durable store in a temporary data directory) at
  batch sizes 1, 10 and 100; producers call ``SendMessageBatch`` (10 entries, the SQS limit) on the
  service, concurrently, and the clock runs until the handler has completed every message.
- Idle latency: with the mapping idle, one ``SendMessage``, then the time until the invocation starts.
- Baseline: raw ``sqlite3`` (WAL, same machine, same run) inserting, claiming and deleting the same
  number of messages in transactions of the same batch size: the floor of a durable queue.

    python bench/bench_sqs.py [--quick] [--out bench/results/sqs.json]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from local_cloud import add_function
from stats import machine, percentile, print_table, write_json
from triggerfish.app import App, Settings
from triggerfish.services.lambda_.records import Invocation
from triggerfish.services.sqs.models import OutgoingMessage

RESULTS = Path(__file__).parent / "results" / "sqs.json"
AIMS = {1: 1_000, 10: 10_000, 100: 30_000}


def raw_sqlite(messages: int, batch: int, folder: Path) -> float:
    """Messages per second through insert, claim (update) and delete, one transaction per batch each."""
    path = folder / "raw.db"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(
        "CREATE TABLE messages (id TEXT PRIMARY KEY, queue TEXT, body TEXT, visible_at REAL, receives INTEGER)"
    )
    started = time.perf_counter()
    for offset in range(0, messages, batch):
        rows = [(uuid.uuid4().hex, "q", f"message {offset + i}", 0.0, 0) for i in range(min(batch, messages - offset))]
        connection.execute("BEGIN")
        connection.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?)", rows)
        connection.execute("COMMIT")
        connection.execute("BEGIN")
        claimed = connection.execute(
            "SELECT id FROM messages WHERE queue = 'q' AND visible_at <= 1 LIMIT ?", (batch,)
        ).fetchall()
        connection.executemany("UPDATE messages SET visible_at = 2, receives = receives + 1 WHERE id = ?", claimed)
        connection.execute("COMMIT")
        connection.execute("BEGIN")
        connection.executemany("DELETE FROM messages WHERE id = ?", claimed)
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return messages / elapsed


async def _cloud(folder: Path) -> App:
    app = App(Settings(data_dir=folder / "data", port=None))
    await app.start()
    await add_function(app, folder)
    return app


async def throughput(folder: Path, messages: int, batch: int, producers: int = 8) -> dict[str, Any]:
    per_producer = messages // producers
    messages = per_producer * producers
    app = await _cloud(folder)
    done = asyncio.Event()
    completed = 0

    def count(invocation: Invocation) -> None:
        nonlocal completed
        completed += invocation.event.count(b'"messageId"')
        if completed >= messages:
            done.set()

    app.lambda_.invoker.add_listener(count)
    url = await app.sqs.create_queue(f"bench-{batch}", {"VisibilityTimeout": "60"})
    arn = f"arn:aws:sqs:us-east-1:000000000000:bench-{batch}"
    await app.lambda_.mappings.create("noop", arn, batch_size=batch, maximum_batching_window=1 if batch > 10 else 0)

    async def produce(index: int) -> None:
        for offset in range(0, per_producer, 10):
            entries = [
                (str(i), OutgoingMessage(body=f"p{index} m{offset + i}")) for i in range(min(10, per_producer - offset))
            ]
            await app.sqs.send_message_batch(url, entries)

    started = time.perf_counter()
    await asyncio.gather(*(produce(i) for i in range(producers)))
    sent = time.perf_counter() - started
    await asyncio.wait_for(done.wait(), 300)
    elapsed = time.perf_counter() - started
    await app.stop()
    return {
        "batch_size": batch,
        "messages": messages,
        "send_seconds": sent,
        "seconds": elapsed,
        "per_second": messages / elapsed,
        "aim_per_second": AIMS[batch],
    }


async def idle_latency(folder: Path, samples: int) -> dict[str, Any]:
    app = await _cloud(folder)
    started: asyncio.Queue[float] = asyncio.Queue()
    app.lambda_.invoker.add_listener(lambda invocation: started.put_nowait(invocation.started_at))
    url = await app.sqs.create_queue("latency")
    await app.lambda_.mappings.create("noop", "arn:aws:sqs:us-east-1:000000000000:latency", batch_size=1)
    # one message first so the environment is warm: the idle latency is the trigger's, not a cold start
    await app.sqs.send_message(url, OutgoingMessage(body="warm-up"))
    await started.get()
    latencies: list[float] = []
    for index in range(samples):
        await asyncio.sleep(0.02)  # idle: nothing waiting, the poller asleep
        sent_at = time.time()
        await app.sqs.send_message(url, OutgoingMessage(body=f"m{index}"))
        latencies.append((await started.get() - sent_at) * 1000)
    await app.stop()
    ordered = sorted(latencies)
    return {
        "samples": samples,
        "p50_ms": percentile(ordered, 50),
        "p99_ms": percentile(ordered, 99),
        "mean_ms": statistics.fmean(ordered),
        "aim_p50_ms": 5.0,
        "aim_p99_ms": 20.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer messages (a smoke run)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    sizes = {1: 300, 10: 1_000, 100: 3_000} if args.quick else {1: 3_000, 10: 20_000, 100: 60_000}

    work = Path(tempfile.mkdtemp(prefix="triggerfish-bench-sqs-"))
    try:
        rows: list[tuple[object, ...]] = []
        cases = []
        for batch, messages in sizes.items():
            folder = work / f"b{batch}"
            folder.mkdir()
            baseline = raw_sqlite(messages, batch, folder)
            result = asyncio.run(throughput(folder, messages, batch))
            result["raw_sqlite_per_second"] = baseline
            result["ratio_to_raw"] = result["per_second"] / baseline
            cases.append(result)
            rows.append(
                (
                    f"batch size {batch}",
                    messages,
                    f"{result['per_second']:,.0f}",
                    f"{baseline:,.0f}",
                    f"{result['ratio_to_raw']:.2f}",
                    f"{AIMS[batch]:,}",
                )
            )
        latency_folder = work / "latency"
        latency_folder.mkdir()
        latency = asyncio.run(idle_latency(latency_folder, 30 if args.quick else 200))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print_table(
        "SQS -> Lambda end to end (no-op handler, durable store)",
        ["case", "messages", "messages/s", "raw sqlite/s", "x raw", "aim/s"],
        rows,
    )
    print_table(
        "idle latency, SendMessage -> handler start (ms)",
        ["samples", "p50", "p99", "mean", "aim p50", "aim p99"],
        [
            (
                latency["samples"],
                f"{latency['p50_ms']:.2f}",
                f"{latency['p99_ms']:.2f}",
                f"{latency['mean_ms']:.2f}",
                "5",
                "20",
            )
        ],
    )
    report = {"machine": machine("asyncio"), "quick": args.quick, "throughput": cases, "idle_latency": latency}
    print(f"\nwrote {write_json(args.out, report)}")


if __name__ == "__main__":
    main()
