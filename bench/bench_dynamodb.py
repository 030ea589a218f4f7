"""DynamoDB: PutItem / GetItem / Query per second beside raw SQLite, and item write -> stream handler start.

Every figure stands beside a baseline measured in the same run, in the same process, on uvloop, with
the store a file in a temporary data directory and the real clock:

1. Operations per second: ``PutItem`` of small items (a partition key, a sort key and four attributes),
   ``GetItem`` of them by key, and ``Query`` of one partition (begins_with on the sort key, 10 items
   per answer), called on the service by 8 concurrent producers as the AWS endpoint calls it.
   Baseline: the same rows in a raw SQLite table (WAL, one commit per write, like DynamoDB's
   acknowledged write) from one connection: INSERT, SELECT by key, SELECT of a key range.
2. Item write -> stream handler start: a table with a NEW_AND_OLD_IMAGES stream mapped to a function
   with a trivial handler; the time from just before ``PutItem`` (boto3 over HTTP) to the start of the
   invocation the change causes. Baseline: Lambda ``Invoke`` with ``InvocationType=Event`` of the same
   function over HTTP. The two take turns, sample by sample.

    python bench/bench_dynamodb.py [--quick] [--out bench/results/dynamodb.json]
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local_cloud import add_function, client
from stats import print_table, run_benchmark, run_folders, take_turns
from triggerfish.app import App, Settings

RESULTS = Path(__file__).parent / "results" / "dynamodb.json"
SCOPE = "000000000000/us-east-1"
AIMS = {"stream_latency_p50_ms": 10.0}
PRODUCERS = 8
PARTITIONS = 100


async def _cloud(folder: Path) -> App:
    app = App(Settings(data_dir=folder / "data", port=0))
    await app.start()
    return app


def _item(number: int) -> dict[str, Any]:
    return {
        "pk": {"S": f"customer-{number % PARTITIONS}"},
        "sk": {"S": f"order-{number:08d}"},
        "status": {"S": "placed"},
        "total": {"N": str(number % 997)},
        "items": {"L": [{"S": "book"}, {"S": "pen"}]},
        "express": {"BOOL": number % 2 == 0},
    }


# -- 1. operations per second ------------------------------------------------------------------------


def raw_sqlite(path: Path, count: int, queries: int) -> dict[str, float]:
    """The floor: the same rows in plain SQLite, one commit per write, from one connection."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE items (pk TEXT, sk TEXT, body TEXT, PRIMARY KEY (pk, sk)) WITHOUT ROWID")
    bodies = [str(_item(n)) for n in range(count)]
    started = time.perf_counter()
    for number in range(count):
        item = _item(number)
        conn.execute("INSERT INTO items VALUES (?, ?, ?)", (item["pk"]["S"], item["sk"]["S"], bodies[number]))
    put = time.perf_counter() - started
    started = time.perf_counter()
    for number in range(count):
        item = _item(number)
        row = conn.execute("SELECT body FROM items WHERE pk = ? AND sk = ?", (item["pk"]["S"], item["sk"]["S"]))
        assert row.fetchone() is not None
    get = time.perf_counter() - started
    started = time.perf_counter()
    for number in range(queries):
        rows = conn.execute(
            "SELECT body FROM items WHERE pk = ? AND sk >= ? AND sk < ? ORDER BY sk LIMIT 10",
            (f"customer-{number % PARTITIONS}", "order-", "order."),
        ).fetchall()
        assert len(rows) == min(10, count // PARTITIONS)
    query = time.perf_counter() - started
    conn.close()
    return {"PutItem": count / put, "GetItem": count / get, "Query": queries / query}


async def _producers(count: int, call: Callable[[int], Awaitable[None]]) -> float:
    numbers = iter(range(count))

    async def producer() -> None:
        for number in numbers:
            await call(number)

    started = time.perf_counter()
    await asyncio.gather(*(producer() for _ in range(PRODUCERS)))
    return time.perf_counter() - started


async def service_rates(app: App, count: int, queries: int) -> dict[str, float]:
    items = app.dynamodb.items
    await app.dynamodb.create_table(
        SCOPE,
        {
            "TableName": "bench",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )

    async def put(number: int) -> None:
        await items.put_item(SCOPE, {"TableName": "bench", "Item": _item(number)})

    async def get(number: int) -> None:
        item = _item(number)
        found = await items.get_item(SCOPE, {"TableName": "bench", "Key": {"pk": item["pk"], "sk": item["sk"]}})
        assert "Item" in found

    async def query(number: int) -> None:
        answer = await items.query(
            SCOPE,
            {
                "TableName": "bench",
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
                "ExpressionAttributeValues": {
                    ":pk": {"S": f"customer-{number % PARTITIONS}"},
                    ":prefix": {"S": "order-"},
                },
                "Limit": 10,
            },
        )
        assert answer["Count"] == min(10, count // PARTITIONS)

    return {
        "PutItem": count / await _producers(count, put),
        "GetItem": count / await _producers(count, get),
        "Query": queries / await _producers(queries, query),
    }


async def operations(folder: Path, count: int, queries: int) -> list[dict[str, Any]]:
    raw = raw_sqlite(folder / "raw.db", count, queries)
    app = await _cloud(folder)
    try:
        served = await service_rates(app, count, queries)
    finally:
        await app.stop()
    return [
        {
            "operation": name,
            "per_second": served[name],
            "raw_sqlite_per_second": raw[name],
            "ratio_to_raw_sqlite": served[name] / raw[name],
        }
        for name in ("PutItem", "GetItem", "Query")
    ]


# -- 2. item write -> stream handler start -----------------------------------------------------------


async def stream_latency(folder: Path, samples: int) -> dict[str, Any]:
    app = await _cloud(folder)
    try:
        return await _stream_latency(app, folder, samples)
    finally:
        await app.stop()


async def _stream_latency(app: App, folder: Path, samples: int) -> dict[str, Any]:
    await add_function(app, folder)
    starts: asyncio.Queue[float] = asyncio.Queue()
    app.lambda_.invoker.add_listener(lambda invocation: starts.put_nowait(invocation.started_at))
    dynamodb, lambda_client = client(app, "dynamodb"), client(app, "lambda")
    table = await asyncio.to_thread(
        dynamodb.create_table,
        TableName="changes",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    stream_arn = table["TableDescription"]["LatestStreamArn"]
    await asyncio.to_thread(
        lambda_client.create_event_source_mapping,
        FunctionName="noop",
        EventSourceArn=stream_arn,
        StartingPosition="LATEST",
        BatchSize=1,
    )
    numbers = itertools.count()

    def put_item() -> float:
        sent = time.time()
        dynamodb.put_item(TableName="changes", Item={"pk": {"S": f"item-{next(numbers)}"}, "n": {"N": "1"}})
        return sent

    def invoke() -> float:
        sent = time.time()
        answer = lambda_client.invoke(FunctionName="noop", InvocationType="Event", Payload=b"{}")
        assert answer["StatusCode"] == 202, answer
        return sent

    cases: dict[str, Callable[[], float]] = {
        "Invoke (Event), boto3 over HTTP": invoke,
        "PutItem -> stream handler": put_item,
    }
    rows = await take_turns(cases, starts, samples)
    dynamodb.close()
    lambda_client.close()
    return {"samples": samples, "aim_p50_ms": AIMS["stream_latency_p50_ms"], "cases": rows}


# -- running ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    items: int
    queries: int
    latency_samples: int


QUICK = Sizes(items=1000, queries=500, latency_samples=10)
FULL = Sizes(items=20_000, queries=10_000, latency_samples=200)


async def run(sizes: Sizes, root: Path) -> dict[str, Any]:
    folders = run_folders(root)
    rates = await operations(next(folders), sizes.items, sizes.queries)
    return {"operations": rates, "stream_latency": await stream_latency(next(folders), sizes.latency_samples)}


def _tables(report: dict[str, Any]) -> None:
    print_table(
        f"DynamoDB operations per second ({PRODUCERS} producers, service calls) beside raw SQLite",
        ["operation", "per second", "raw SQLite", "x raw"],
        [
            (
                row["operation"],
                f"{row['per_second']:,.0f}",
                f"{row['raw_sqlite_per_second']:,.0f}",
                f"{row['ratio_to_raw_sqlite']:.2f}",
            )
            for row in report["operations"]
        ],
    )
    latency = report["stream_latency"]
    print_table(
        f"item write -> stream handler start (ms, {latency['samples']} samples each, "
        f"aim p50 <= {AIMS['stream_latency_p50_ms']:g})",
        ["case", "p50", "p99", "mean", "x baseline p50"],
        [
            (
                name,
                f"{row['p50_ms']:.2f}",
                f"{row['p99_ms']:.2f}",
                f"{row['mean_ms']:.2f}",
                f"{row['ratio_p50_to_baseline']:.2f}" if "ratio_p50_to_baseline" in row else "baseline",
            )
            for name, row in latency["cases"].items()
        ],
    )


def main(argv: Sequence[str] | None = None) -> None:
    run_benchmark(
        argv,
        description=__doc__,
        out=RESULTS,
        name="dynamodb",
        run=lambda quick, root: run(QUICK if quick else FULL, root),
        tables=_tables,
        extra={"aims": AIMS},
    )


if __name__ == "__main__":
    main()
