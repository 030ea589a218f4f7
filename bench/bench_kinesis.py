"""Kinesis: records per second end to end through a Lambda event source mapping.

Every figure stands beside a baseline measured in the same run, in the same process, on uvloop, with
the store a file in a temporary data directory and the real clock. 8 producers call the service
concurrently; the time runs from the first put until the function has been handed every record:

1. Kinesis: ``PutRecords`` of 100 records per call into a stream of 4 shards, read by a mapping with
   BatchSize 100 (one batch in flight per shard, order kept per shard).
2. Baseline: SQS, the same bodies by ``SendMessageBatch`` (10 per call, SQS's limit) into a queue read by
   a mapping with BatchSize 100 and a 1 s batching window (which SQS needs above 10), the same function.

    python bench/bench_kinesis.py [--quick] [--out bench/results/kinesis.json]
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from local_cloud import add_function
from stats import print_table, run_benchmark, run_folders
from triggerfish.app import App, Settings
from triggerfish.services.kinesis.records import PutEntry
from triggerfish.services.lambda_.records import Invocation
from triggerfish.services.sqs.models import OutgoingMessage

RESULTS = Path(__file__).parent / "results" / "kinesis.json"
SCOPE = "000000000000/us-east-1"
PRODUCERS = 8
SHARDS = 4
BATCH = 100


async def _cloud(folder: Path) -> App:
    app = App(Settings(data_dir=folder / "data", port=None))
    await app.start()
    await add_function(app, folder)
    return app


async def _end_to_end(
    app: App, records: int, marker: bytes, put: Callable[[int, int], Awaitable[None]], chunk: int
) -> dict[str, Any]:
    """Run the producers (``put(first, count)``) and wait until every record reached the function."""
    done = asyncio.Event()
    delivered = 0
    invocations = 0

    def count(invocation: Invocation) -> None:
        nonlocal delivered, invocations
        delivered += invocation.event.count(marker)
        invocations += 1
        if delivered >= records:
            done.set()

    app.lambda_.invoker.add_listener(count)
    per_producer = records // PRODUCERS

    async def produce(index: int) -> None:
        first = index * per_producer
        for offset in range(0, per_producer, chunk):
            await put(first + offset, min(chunk, per_producer - offset))

    started = time.perf_counter()
    await asyncio.gather(*(produce(i) for i in range(PRODUCERS)))
    sent = time.perf_counter() - started
    await asyncio.wait_for(done.wait(), 600)
    elapsed = time.perf_counter() - started
    return {
        "records": records,
        "put_seconds": sent,
        "seconds": elapsed,
        "per_second": records / elapsed,
        "invocations": invocations,
        "delivered": delivered,
    }


async def kinesis(folder: Path, records: int) -> dict[str, Any]:
    app = await _cloud(folder)
    try:
        await app.kinesis.create_stream(SCOPE, "bench", shard_count=SHARDS)
        arn = "arn:aws:kinesis:us-east-1:000000000000:stream/bench"
        await app.lambda_.mappings.create("noop", arn, batch_size=BATCH, starting_position="TRIM_HORIZON")

        async def put(first: int, count: int) -> None:
            entries = [PutEntry(f"record {n}".encode(), f"key-{n % 64}") for n in range(first, first + count)]
            await app.kinesis.put_records(SCOPE, "bench", entries)

        return await _end_to_end(app, records, b'"aws:kinesis:record"', put, 100)
    finally:
        await app.stop()


async def sqs(folder: Path, records: int) -> dict[str, Any]:
    app = await _cloud(folder)
    try:
        url = await app.sqs.create_queue("bench", {"VisibilityTimeout": "60"})
        arn = "arn:aws:sqs:us-east-1:000000000000:bench"
        await app.lambda_.mappings.create("noop", arn, batch_size=BATCH, maximum_batching_window=1)

        async def put(first: int, count: int) -> None:
            entries = [(str(n), OutgoingMessage(body=f"record {n}")) for n in range(first, first + count)]
            await app.sqs.send_message_batch(url, entries)

        return await _end_to_end(app, records, b'"messageId"', put, 10)
    finally:
        await app.stop()


async def run(records: int, root: Path) -> dict[str, Any]:
    folders = run_folders(root)
    baseline = await sqs(next(folders), records)
    measured = await kinesis(next(folders), records)
    measured["ratio_to_baseline"] = measured["per_second"] / baseline["per_second"]
    return {"cases": {"SQS mapping (baseline)": baseline, "Kinesis mapping": measured}}


def _tables(report: dict[str, Any]) -> None:
    print_table(
        f"records end to end through a mapping ({PRODUCERS} producers, BatchSize {BATCH}, Kinesis {SHARDS} shards)",
        ["case", "records", "invocations", "records/s", "x baseline"],
        [
            (
                name,
                f"{row['records']:,}",
                f"{row['invocations']:,}",
                f"{row['per_second']:,.0f}",
                f"{row['ratio_to_baseline']:.2f}" if "ratio_to_baseline" in row else "baseline",
            )
            for name, row in report["cases"].items()
        ],
    )


def main(argv: Sequence[str] | None = None) -> None:
    run_benchmark(
        argv,
        description=__doc__,
        out=RESULTS,
        name="kinesis",
        run=lambda quick, root: run(4_000 if quick else 100_000, root),
        tables=_tables,
    )


if __name__ == "__main__":
    main()
