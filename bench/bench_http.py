"""A trivial handler behind an HTTP API, beside a bare HTTP server answering "ok", in the same run.

- Baseline: a bare uvicorn app answering "ok", configured as triggerfish configures its own uvicorn.
- Measured: ``triggerfish serve``, an HTTP API quick-created with boto3 in front of a function that returns
  ``{"statusCode": 200, "body": "ok"}``, reached at ``<api-id>.execute-api.localhost`` on the endpoint port.

The load generator (``loadgen.py``) runs in its own process: one connection for latency, then 64
connections for throughput. Lambda semantics hold: each concurrent request needs an execution
environment of its own, so 64 connections warm up to 64 environments.

    python bench/bench_http.py [--seconds 5] [--quick] [--out bench/results/http.json]
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import boto3

from bench_endpoint import free_port, running
from stats import machine, print_table, write_json

HERE = Path(__file__).parent
BIN = Path(sys.executable).parent
RESULTS = HERE / "results" / "http.json"
FUNCTION = "hello"
HANDLER = 'def handler(event, context):\n    return {"statusCode": 200, "body": "ok"}\n'
AIMS = {"p50_us": 350.0, "p99_us": 2000.0, "per_second_64": 8000.0}

BARE_UVICORN = """
import sys, uvicorn
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), lifespan="off", log_level="warning",
            access_log=False, http="httptools", ws="none", loop="uvloop")
"""


def load(port: int, path: str, host: str, connections: int, seconds: float) -> dict[str, Any]:
    command = [sys.executable, str(HERE / "loadgen.py"), "--port", str(port), "--path", path]
    command += ["--host-header", host, "--connections", str(connections), "--seconds", str(seconds)]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=HERE).stdout
    result: dict[str, Any] = json.loads(output)
    return result


def quick_create_api(endpoint: str) -> str:
    options: dict[str, Any] = {
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "aws_access_key_id": "bench",
        "aws_secret_access_key": "bench",
    }
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("app.py", HANDLER)
    lambda_ = boto3.client("lambda", **options)
    arn = lambda_.create_function(
        FunctionName=FUNCTION,
        Runtime=f"python{sys.version_info.major}.{sys.version_info.minor}",
        Role="arn:aws:iam::000000000000:role/bench",
        Handler="app.handler",
        Code={"ZipFile": archive.getvalue()},
    )["FunctionArn"]
    lambda_.get_waiter("function_active_v2").wait(FunctionName=FUNCTION)
    lambda_.add_permission(
        FunctionName=FUNCTION,
        StatementId="api",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
    )
    api = boto3.client("apigatewayv2", **options).create_api(Name="bench", ProtocolType="HTTP", Target=arn)
    api_id: str = api["ApiId"]
    return api_id


def measure(case: str, port: int, path: str, host: str, seconds: float) -> list[dict[str, Any]]:
    load(port, path, host, 64, min(1.0, seconds))  # warm up: connections and 64 execution environments
    single = load(port, path, host, 1, seconds)
    many = load(port, path, host, 64, seconds)
    for result in (single, many):
        if set(result["statuses"]) != {"200"}:
            raise RuntimeError(f"{case}: answers other than 200: {result['statuses']}")
    return [{"case": case, **single}, {"case": case, **many}]


def run(seconds: float) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="triggerfish-bench-") as folder:
        work = Path(folder)
        port = free_port()
        with running([sys.executable, "-c", BARE_UVICORN, str(port)], port, "/", work):
            results += measure("bare uvicorn 'ok' (baseline)", port, "/", "localhost", seconds)
        port = free_port()
        serve = [str(BIN / "triggerfish"), "serve", "--port", str(port), "--data-dir", str(work / "data")]
        with running(serve, port, "/_triggerfish/health", work):
            api_id = quick_create_api(f"http://127.0.0.1:{port}")
            host = f"{api_id}.execute-api.localhost:{port}"
            results += measure("HTTP API -> Lambda handler", port, "/hello", host, seconds)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--quick", action="store_true", help="one-second runs (a smoke run)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    results = run(1.0 if args.quick else args.seconds)
    baseline = {row["connections"]: row for row in results[:2]}
    rows = [
        [
            row["case"],
            row["connections"],
            f"{row['p50_us']:,.0f}",
            f"{row['p99_us']:,.0f}",
            f"{row['per_second']:,.0f}",
            f"{row['per_second'] / baseline[row['connections']]['per_second']:.2f}x",
        ]
        for row in results
    ]
    print_table("HTTP API requests", ["case", "connections", "p50 µs", "p99 µs", "requests/s", "vs baseline"], rows)
    path = write_json(args.out, {"machine": machine("uvloop"), "aims": AIMS, "results": results})
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
