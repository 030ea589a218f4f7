"""S3: upload -> handler start latency, and PUT / GET throughput beside the raw disk.

Every figure stands beside a baseline measured in the same run, in the same process, on uvloop, with
the store a file in a temporary data directory and the real clock; S3 is driven the way users drive
it, by boto3 over HTTP (one client, in a thread):

1. Upload -> handler start: a bucket whose notification configuration sends ``s3:ObjectCreated:*``
   under ``uploads/`` to a function with a trivial handler; the time from just before ``PutObject``
   (1 KB) to the start of the invocation it causes. Baseline: Lambda ``Invoke`` with
   ``InvocationType=Event`` of the same function over HTTP. The two take turns, sample by sample.
2. Throughput: ``PutObject`` then ``GetObject`` (the body read to the end) of many 4 KB objects one
   after another, and of one 64 MB object a few times. Baseline: the same bytes written to a file of
   the same folder (flushed to disk with ``fsync`` and renamed into place, as the object store does)
   and read back, with plain Python file calls.

    python bench/bench_s3.py [--quick] [--out bench/results/s3.json]
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local_cloud import add_function, client
from stats import print_table, run_benchmark, run_folders, take_turns
from triggerfish.app import App, Settings

RESULTS = Path(__file__).parent / "results" / "s3.json"
AIMS = {"latency_p50_ms": 10.0}
MB = 1024 * 1024


async def _cloud(folder: Path) -> App:
    app = App(Settings(data_dir=folder / "data", port=0))
    await app.start()
    return app


# -- 1. upload -> handler start --------------------------------------------------------------------


async def upload_latency(folder: Path, samples: int) -> dict[str, Any]:
    app = await _cloud(folder)
    try:
        return await _upload_latency(app, folder, samples)
    finally:
        await app.stop()


async def _upload_latency(app: App, folder: Path, samples: int) -> dict[str, Any]:
    function = await add_function(app, folder)
    starts: asyncio.Queue[float] = asyncio.Queue()
    app.lambda_.invoker.add_listener(lambda invocation: starts.put_nowait(invocation.started_at))
    s3, lambda_client = client(app, "s3", path_style=True), client(app, "lambda")
    await asyncio.to_thread(s3.create_bucket, Bucket="bench-uploads")
    rules = [{"Name": "prefix", "Value": "uploads/"}]
    configuration = {"LambdaFunctionArn": function.arn, "Events": ["s3:ObjectCreated:*"]}
    configuration["Filter"] = {"Key": {"FilterRules": rules}}
    await asyncio.to_thread(
        s3.put_bucket_notification_configuration,
        Bucket="bench-uploads",
        NotificationConfiguration={"LambdaFunctionConfigurations": [configuration]},
    )
    body = b"x" * 1024
    numbers = itertools.count()

    def put_object() -> float:
        sent = time.time()
        s3.put_object(Bucket="bench-uploads", Key=f"uploads/{next(numbers)}.bin", Body=body)
        return sent

    def invoke() -> float:
        sent = time.time()
        answer = lambda_client.invoke(FunctionName="noop", InvocationType="Event", Payload=b"{}")
        assert answer["StatusCode"] == 202, answer
        return sent

    cases: dict[str, Callable[[], float]] = {
        "Invoke (Event), boto3 over HTTP": invoke,
        "PutObject -> handler": put_object,
    }
    rows = await take_turns(cases, starts, samples)
    s3.close()
    lambda_client.close()
    return {"samples": samples, "aim_p50_ms": AIMS["latency_p50_ms"], "cases": rows}


# -- 2. throughput ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    name: str
    size: int
    count: int


def _rate(load: Load, seconds: float) -> dict[str, Any]:
    return {
        "seconds": seconds,
        "objects_per_second": load.count / seconds,
        "mb_per_second": load.size * load.count / MB / seconds,
    }


def raw_files(folder: Path, load: Load, body: bytes) -> dict[str, Any]:
    """Write ``load.count`` files (temporary name, fsync, rename, as the object store does), then read them."""
    folder.mkdir()
    started = time.perf_counter()
    for number in range(load.count):
        temporary, final = folder / f"{number}.tmp", folder / f"{number}.bin"
        with open(temporary, "wb") as file:
            for offset in range(0, len(body), 8 * MB):
                file.write(body[offset : offset + 8 * MB])
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, final)
    written = time.perf_counter() - started
    started = time.perf_counter()
    for number in range(load.count):
        with open(folder / f"{number}.bin", "rb") as file:
            while file.read(MB):
                pass
    read = time.perf_counter() - started
    return {"write": _rate(load, written), "read": _rate(load, read)}


def s3_objects(s3: Any, load: Load, body: bytes) -> dict[str, Any]:
    bucket = "bench-" + load.name.replace(" ", "").lower()
    s3.create_bucket(Bucket=bucket)
    started = time.perf_counter()
    for number in range(load.count):
        s3.put_object(Bucket=bucket, Key=f"objects/{number}.bin", Body=body)
    written = time.perf_counter() - started
    started = time.perf_counter()
    for number in range(load.count):
        stream = s3.get_object(Bucket=bucket, Key=f"objects/{number}.bin")["Body"]
        size = 0
        for chunk in stream.iter_chunks(MB):
            size += len(chunk)
        assert size == load.size, (size, load.size)
    read = time.perf_counter() - started
    return {"write": _rate(load, written), "read": _rate(load, read)}


async def throughput(folder: Path, loads: Sequence[Load]) -> list[dict[str, Any]]:
    app = await _cloud(folder)
    s3 = client(app, "s3", path_style=True)
    try:
        rows = []
        for load in loads:
            body = os.urandom(load.size)
            raw = raw_files(folder / f"raw-{load.name}", load, body)
            served = await asyncio.to_thread(s3_objects, s3, load, body)
            rows.append(
                {
                    "case": load.name,
                    "size": load.size,
                    "count": load.count,
                    "s3": served,
                    "raw": raw,
                    "put_ratio_to_raw_write": served["write"]["mb_per_second"] / raw["write"]["mb_per_second"],
                    "get_ratio_to_raw_read": served["read"]["mb_per_second"] / raw["read"]["mb_per_second"],
                }
            )
        return rows
    finally:
        s3.close()
        await app.stop()


# -- running ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    latency_samples: int
    loads: tuple[Load, ...]


QUICK = Sizes(10, (Load("4 KB", 4 * 1024, 50), Load("8 MB", 8 * MB, 1)))
FULL = Sizes(200, (Load("4 KB", 4 * 1024, 1000), Load("64 MB", 64 * MB, 3)))


async def run(sizes: Sizes, root: Path) -> dict[str, Any]:
    folders = run_folders(root)
    latency = await upload_latency(next(folders), sizes.latency_samples)
    return {"upload_latency": latency, "throughput": await throughput(next(folders), sizes.loads)}


def _tables(report: dict[str, Any]) -> None:
    latency = report["upload_latency"]
    print_table(
        f"upload -> handler start (ms, {latency['samples']} samples each, aim p50 <= {AIMS['latency_p50_ms']:g})",
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
    rows = []
    for row in report["throughput"]:
        for side, s3_key, raw_key, ratio in (
            ("PUT", "write", "write", "put_ratio_to_raw_write"),
            ("GET", "read", "read", "get_ratio_to_raw_read"),
        ):
            served, raw = row["s3"][s3_key], row["raw"][raw_key]
            rows.append(
                (
                    f"{side} {row['case']} x {row['count']}",
                    f"{served['objects_per_second']:,.0f}",
                    f"{served['mb_per_second']:,.1f}",
                    f"{raw['mb_per_second']:,.1f}",
                    f"{row[ratio]:.2f}",
                )
            )
    print_table(
        "S3 throughput, boto3 over HTTP, beside raw files (fsync + rename / read)",
        ["case", "objects/s", "MB/s", "raw MB/s", "x raw"],
        rows,
    )


def main(argv: Sequence[str] | None = None) -> None:
    run_benchmark(
        argv,
        description=__doc__,
        out=RESULTS,
        name="s3",
        run=lambda quick, root: run(QUICK if quick else FULL, root),
        tables=_tables,
        extra={"aims": AIMS},
    )


if __name__ == "__main__":
    main()
