"""Requests per second and latency of the AWS endpoint, beside bare HTTP servers in the same run.

Four servers answer one keep-alive HTTP/1.1 client that sends requests back to back:

- a raw asyncio server that answers every request with "ok" (the floor of Python HTTP serving);
- a bare uvicorn app answering "ok", configured as triggerfish configures its own uvicorn;
- ``triggerfish serve``: ``GetFunction`` (a cheap call through routing, parsing and serialising);
- ``triggerfish serve``: a warm synchronous ``Invoke`` of a function that returns at once.

Ratios to the bare servers hold on a noisy machine where absolute figures do not.

    python bench/bench_endpoint.py [--requests N] [--out bench/results/endpoint.json]
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import math
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import boto3

BIN = Path(sys.executable).parent
RESULTS = Path(__file__).parent / "results" / "endpoint.json"
AUTH = "AWS4-HMAC-SHA256 Credential=bench/20250101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0"
FUNCTION = "bench"

RAW_ASYNCIO = """
import asyncio, sys
RESPONSE = b"HTTP/1.1 200 OK\\r\\ncontent-length: 2\\r\\ncontent-type: text/plain\\r\\n\\r\\nok"
async def serve(reader, writer):
    while True:
        head = await reader.readuntil(b"\\r\\n\\r\\n")
        length = 0
        for line in head.split(b"\\r\\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if length:
            await reader.readexactly(length)
        writer.write(RESPONSE)
        await writer.drain()
async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", int(sys.argv[1]))
    print("ready", flush=True)
    await server.serve_forever()
try:
    import uvloop
    uvloop.run(main())
except ImportError:
    asyncio.run(main())
"""

BARE_UVICORN = """
import sys, uvicorn
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), lifespan="off", log_level="warning",
            access_log=False, http="httptools", ws="none")
"""


@dataclass(frozen=True)
class Result:
    case: str
    requests: int
    seconds: float
    requests_per_second: float
    p50_us: float
    p99_us: float


def percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_listening(port: int, path: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"nothing answered on port {port}")


@contextmanager
def running(command: list[str], port: int, ready_path: str, cwd: Path) -> Iterator[None]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    try:
        wait_listening(port, ready_path, process)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(case: str, port: int, method: str, path: str, body: bytes, requests: int) -> Result:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": AUTH, "Content-Type": "application/json"}
    for _ in range(max(10, requests // 20)):  # warm up: connection, caches, the execution environment
        connection.request(method, path, body=body, headers=headers)
        connection.getresponse().read()
    samples: list[float] = []
    started = time.perf_counter()
    for _ in range(requests):
        begin = time.perf_counter_ns()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        samples.append((time.perf_counter_ns() - begin) / 1000)
        if response.status != 200:
            raise RuntimeError(f"{case}: HTTP {response.status}")
    seconds = time.perf_counter() - started
    connection.close()
    samples.sort()
    return Result(case, requests, seconds, requests / seconds, percentile(samples, 50), percentile(samples, 99))


def create_function(url: str) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("app.py", "def handler(event, context):\n    return event\n")
    client = boto3.client(
        "lambda", endpoint_url=url, region_name="us-east-1", aws_access_key_id="b", aws_secret_access_key="b"
    )
    client.create_function(
        FunctionName=FUNCTION,
        Runtime=f"python{sys.version_info.major}.{sys.version_info.minor}",
        Role="arn:aws:iam::000000000000:role/bench",
        Handler="app.handler",
        Code={"ZipFile": archive.getvalue()},
    )
    client.get_waiter("function_active_v2").wait(FunctionName=FUNCTION)


def run(requests: int) -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="triggerfish-bench-") as folder:
        work = Path(folder)
        for case, source in (("raw asyncio 'ok'", RAW_ASYNCIO), ("bare uvicorn 'ok'", BARE_UVICORN)):
            port = free_port()
            with running([sys.executable, "-c", source, str(port)], port, "/", work):
                results.append(measure(case, port, "GET", "/", b"", requests))
        port = free_port()
        serve = [str(BIN / "triggerfish"), "serve", "--port", str(port), "--data-dir", str(work / "data")]
        with running(serve, port, "/_triggerfish/health", work):
            create_function(f"http://127.0.0.1:{port}")
            get = f"/2015-03-31/functions/{FUNCTION}"
            results.append(measure("GetFunction via endpoint", port, "GET", get, b"", requests))
            invoke = f"/2015-03-31/functions/{FUNCTION}/invocations"
            results.append(measure("warm sync Invoke via endpoint", port, "POST", invoke, b'{"n": 1}', requests))
    return results


def print_table(results: list[Result]) -> None:
    floor = results[1].requests_per_second
    headers = ("case", "req/s", "p50 us", "p99 us", "x bare uvicorn")
    rows = [
        (
            r.case,
            f"{r.requests_per_second:,.0f}",
            f"{r.p50_us:,.1f}",
            f"{r.p99_us:,.1f}",
            f"{floor / r.requests_per_second:.2f}",
        )
        for r in results
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    print("\nAWS endpoint, one keep-alive client, requests back to back")
    print("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True))))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    results = run(args.requests)
    print_table(results)
    report: dict[str, Any] = {
        "benchmark": "endpoint",
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count()},
        "results": [asdict(r) for r in results],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
