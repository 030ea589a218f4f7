"""What an invocation costs: warm sync invokes, cold starts and asynchronous events, on uvloop.

1. Warm: per-call latency of ``LambdaService.invoke`` and of the lower ``EnvironmentPool.invoke``
   with a no-op handler, with one and with two concurrent callers (two callers keep two
   environments busy). Baselines in the same run: calling the same handler function directly in
   this process, and a raw round trip over a socket pair to a forked echo process driven by an
   asyncio protocol, the floor of any design that runs handlers in worker processes. The cases
   run in interleaved rounds, so a burst of load on a shared machine falls on all of them alike.
2. Cold start: a first invocation in a new environment (the function's code is reloaded before
   each, which retires its environments), in blocks alternating with blocks of the baseline: a
   fresh interpreter started with ``python -c "import json"`` and waited for until it exits.
3. Asynchronous events: concurrent submitters send ``Event`` invokes to a cloud whose store is a
   file in a temporary data directory; acknowledgements per second (a 202 means the event is
   durably stored) and events executed per second until the cloud settles. The baseline is raw
   ``sqlite3`` in one thread with the same schema and journal settings (WAL,
   ``synchronous=NORMAL``), inserting and then deleting each event, a commit per statement.

Figures are absolute and, more usefully on a noisy machine, ratios to their baselines.

    .venv/bin/python bench/bench_invoke.py [--quick] [--out bench/results/invoke.json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import importlib.util
import itertools
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import uvloop

from stats import RESULTS_DIR, CpuMeter, MachineLoad, latency_of, load_average, machine, print_table, write_json
from triggerfish.app import App, Settings
from triggerfish.runtime.spec import EnvironmentSpec, InvokeRequest
from triggerfish.services.lambda_.environment import function_environment
from triggerfish.services.lambda_.models import LATEST, FunctionConfig
from triggerfish.services.lambda_.records import Invocation
from triggerfish.store.sqlite.named_queries import load_queries
from triggerfish.store.sqlite.schema import bundled_migrations, migrate

HANDLER_MODULE = "bench_noop"
HANDLER = f"{HANDLER_MODULE}.handler"
HANDLER_SOURCE = "def handler(event, context):\n    return None\n"
WARM_FUNCTION = "bench-warm"
POOL_FUNCTION = "bench-pool"
COLD_FUNCTION = "bench-cold"
ASYNC_FUNCTION = "bench-async"
PAYLOAD = b"{}"
# About the size of an invoke request frame (header, meta with request id, ARN and deadline, body).
ECHO_MESSAGE = b"x" * 160

COLD_BLOCK = 10

AIM_WARM_P50_US = 100.0
AIM_COLD_P50_MS = 10.0
AIM_EXECUTED_PER_SECOND = 5_000.0

Call = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class Plan:
    warm_calls: int  # per caller and case, over all rounds
    rounds: int
    warmup_calls: int
    round_seconds: float  # one case's share of a round stops early after this long
    cold_starts: int
    events: int
    submitters: int
    settle_seconds: float


FULL = Plan(
    warm_calls=10_000,
    rounds=5,
    warmup_calls=1_000,
    round_seconds=3.0,
    cold_starts=60,
    events=20_000,
    submitters=64,
    settle_seconds=60.0,
)
QUICK = Plan(
    warm_calls=300,
    rounds=2,
    warmup_calls=50,
    round_seconds=1.0,
    cold_starts=5,
    events=500,
    submitters=16,
    settle_seconds=30.0,
)


# -- the floor: a raw round trip to a forked process -----------------------------------------------


class EchoProcess:
    """A forked process that writes back whatever it reads. Fork these before any thread starts."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            ours.close()
            code = 0
            try:
                while data := theirs.recv(65536):
                    theirs.sendall(data)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        theirs.close()
        self.sock = ours
        self.pid = pid

    def close(self) -> None:
        self.sock.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


class EchoClient(asyncio.Protocol):
    """Sends a message and resolves once as many bytes have come back."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._expected = 0
        self._received = 0
        self._waiter: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self._received += len(data)
        if self._received >= self._expected and self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(ConnectionError("the echo process went away"))

    async def round_trip(self) -> None:
        assert self.transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self._received = 0
        self._expected = len(ECHO_MESSAGE)
        self.transport.write(ECHO_MESSAGE)
        await self._waiter


class WarningCounter(logging.Handler):
    """Counts what triggerfish logs at WARNING and above, instead of printing every traceback."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[0] if record.exc_info else None
        what = error.__name__ if error is not None else record.getMessage()[:60]
        self.counts[f"{record.name}: {what}"] += 1


@contextlib.contextmanager
def counting_warnings() -> Iterator[WarningCounter]:
    logger = logging.getLogger("triggerfish")
    counter = WarningCounter()
    propagate = logger.propagate
    logger.addHandler(counter)
    logger.propagate = False
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.propagate = propagate


# -- measuring ---------------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    callers: list[Call]
    samples: list[int] = field(default_factory=list)
    seconds: float = 0.0
    cpu: CpuMeter = field(default_factory=CpuMeter)

    def cpu_per_call(self) -> dict[str, float | None]:
        calls = len(self.samples)
        return {
            "own_cpu_us_per_call": self.cpu.own_ns / calls / 1000 if calls else None,
            "children_cpu_us_per_call": self.cpu.children_ns / calls / 1000 if calls else None,
        }


async def _caller(call: Call, iterations: int, deadline_ns: int, samples: list[int]) -> None:
    clock = time.perf_counter_ns
    for _ in range(iterations):
        started = clock()
        await call()
        samples.append(clock() - started)
        if started > deadline_ns:
            return


async def run_case(case: Case, iterations: int, seconds: float, *, keep: bool = True) -> None:
    """Every caller of ``case`` calls ``iterations`` times at once, each stopping after ``seconds``."""
    samples: list[int] = []
    gc.collect()
    if keep:
        case.cpu.start()
    started = time.perf_counter_ns()
    deadline = started + int(seconds * 1e9)
    await asyncio.gather(*(_caller(call, iterations, deadline, samples) for call in case.callers))
    if keep:
        case.seconds += (time.perf_counter_ns() - started) / 1e9
        case.cpu.stop()
        case.samples += samples


def direct_calls(handler: Callable[[Any, Any], object], iterations: int) -> list[int]:
    clock = time.perf_counter_ns
    event: dict[str, Any] = {}
    samples: list[int] = []
    for _ in range(iterations):
        started = clock()
        handler(event, None)
        samples.append(clock() - started)
    return samples


def load_handler(code_dir: Path) -> Callable[[Any, Any], object]:
    spec = importlib.util.spec_from_file_location(HANDLER_MODULE, code_dir / f"{HANDLER_MODULE}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return cast(Callable[[Any, Any], object], module.handler)


def environment_spec(function: FunctionConfig) -> EnvironmentSpec:
    """The spec the Lambda service would build for ``function``, for driving the pool directly."""
    return EnvironmentSpec(
        function_name=function.name,
        version=LATEST,
        handler=function.handler,
        code_dir=function.code_dir,
        runtime=function.runtime,
        timeout=float(function.timeout),
        memory_mb=function.memory_size,
        env=function_environment(function, None),
        revision=function.revision_id,
        log_group=function.log_group,
    )


# -- 1. warm invokes ---------------------------------------------------------------------------------


async def warm_section(app: App, plan: Plan, code_dir: Path, echoes: Sequence[EchoProcess]) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    service = app.lambda_
    await service.create_function(WARM_FUNCTION, handler=HANDLER, code_dir=code_dir)
    pool_function = await service.create_function(POOL_FUNCTION, handler=HANDLER, code_dir=code_dir)
    first = await service.invoke(WARM_FUNCTION, PAYLOAD)
    if first.status_code != 200 or first.function_error or first.payload != b"null":
        raise RuntimeError(f"the no-op handler did not answer null: {first}")

    clients: list[EchoClient] = []
    for echo in echoes:
        client = EchoClient()
        await loop.connect_accepted_socket(lambda client=client: client, echo.sock)
        clients.append(client)

    spec = environment_spec(pool_function)
    ids = itertools.count()

    def pool_call() -> Awaitable[object]:
        request = InvokeRequest(f"{next(ids):08x}-0000-4000-8000-000000000000", PAYLOAD, pool_function.arn)
        return app.pool.invoke(spec, request)

    def service_call() -> Awaitable[object]:
        return service.invoke(WARM_FUNCTION, PAYLOAD)

    cases = [
        Case("raw socketpair round trip", [clients[0].round_trip]),
        Case("raw socketpair round trip", [client.round_trip for client in clients[:2]]),
        Case("EnvironmentPool.invoke", [pool_call]),
        Case("EnvironmentPool.invoke", [pool_call, pool_call]),
        Case("LambdaService.invoke", [service_call]),
        Case("LambdaService.invoke", [service_call, service_call]),
    ]
    handler = load_handler(code_dir)
    direct = Case("direct call of the handler", [])
    direct_calls(handler, plan.warmup_calls)
    for case in cases:
        await run_case(case, plan.warmup_calls, plan.round_seconds, keep=False)

    per_round = max(1, plan.warm_calls // plan.rounds)
    load = MachineLoad().start()
    for _ in range(plan.rounds):
        gc.collect()
        direct.cpu.start()
        direct.samples += direct_calls(handler, per_round)
        direct.cpu.stop()
        for case in cases:
            await run_case(case, per_round, plan.round_seconds)
    for client in clients:
        if client.transport is not None:
            client.transport.close()

    direct_latency = latency_of(direct.samples)
    raw = {len(case.callers): latency_of(case.samples) for case in cases if case.name.startswith("raw")}
    rows: list[dict[str, Any]] = [
        {
            "case": direct.name,
            "callers": 1,
            **direct_latency.as_dict(),
            "calls_per_second": None,
            **direct.cpu_per_call(),
        }
    ]
    for case in cases:
        latency = latency_of(case.samples)
        rows.append(
            {
                "case": case.name,
                "callers": len(case.callers),
                **latency.as_dict(),
                "calls_per_second": len(case.samples) / case.seconds if case.seconds else None,
                **case.cpu_per_call(),
            }
        )
    for row in rows:
        floor = raw[row["callers"]]
        row["overhead_p50_us"] = row["p50_us"] - direct_latency.p50_us
        row["overhead_p99_us"] = row["p99_us"] - direct_latency.p99_us
        row["ratio_p50_to_raw"] = row["p50_us"] / floor.p50_us
        row["ratio_p99_to_raw"] = row["p99_us"] / floor.p99_us
    service_p50 = next(row["p50_us"] for row in rows if row["case"] == "LambdaService.invoke")
    return {
        "baselines": ["direct call of the handler", "raw socketpair round trip"],
        "echo_message_bytes": len(ECHO_MESSAGE),
        "cases": rows,
        "aim_p50_us": AIM_WARM_P50_US,
        "aim_met": service_p50 <= AIM_WARM_P50_US,
        "load": load.stop(),
    }


# -- 2. cold starts ----------------------------------------------------------------------------------


def fresh_interpreter() -> int:
    started = time.perf_counter_ns()
    subprocess.run([sys.executable, "-c", "import json"], check=True, stdin=subprocess.DEVNULL)
    return time.perf_counter_ns() - started


async def cold_section(app: App, plan: Plan, code_dir: Path) -> dict[str, Any]:
    service = app.lambda_
    await service.create_function(COLD_FUNCTION, handler=HANDLER, code_dir=code_dir)

    async def cold_start() -> tuple[int, Invocation]:
        await service.reload_code(COLD_FUNCTION)  # retires the function's environments
        started = time.perf_counter_ns()
        result = await service.invoke(COLD_FUNCTION, PAYLOAD)
        elapsed = time.perf_counter_ns() - started
        record = service.invoker.invocations[-1]
        if result.status_code != 200 or result.function_error or not record.cold:
            raise RuntimeError(f"expected a successful cold start, got {result} ({record})")
        return elapsed, record

    for _ in range(3):
        fresh_interpreter()
        await cold_start()
    load = MachineLoad().start()
    cold: list[int] = []
    init_ms: list[float] = []
    interpreter: list[int] = []
    # Alternating blocks rather than single runs: right after a fresh interpreter has run, the
    # next cold start is slower (caches), which is not what a server sees between cold starts.
    while len(cold) < plan.cold_starts:
        block = min(COLD_BLOCK, plan.cold_starts - len(cold))
        interpreter += [fresh_interpreter() for _ in range(block)]
        for _ in range(block):
            gc.collect()
            elapsed, record = await cold_start()
            cold.append(elapsed)
            init_ms.append(record.init_ms or 0.0)

    baseline = latency_of(interpreter)
    cold_latency = latency_of(cold)
    init_latency = latency_of([int(ms * 1_000_000) for ms in init_ms])
    rows = [
        {"case": 'fresh interpreter: python -c "import json"', **baseline.as_dict()},
        {"case": "cold start: reload code, invoke", **cold_latency.as_dict()},
        {"case": "  of which init (fork to ready)", **init_latency.as_dict()},
    ]
    for row in rows:
        row["ratio_p50_to_interpreter"] = row["p50_us"] / baseline.p50_us
        row["ratio_p99_to_interpreter"] = row["p99_us"] / baseline.p99_us
    return {
        "baseline": rows[0]["case"],
        "interpreter": sys.executable,
        "cases": rows,
        "aim_p50_ms": AIM_COLD_P50_MS,
        "aim_met": cold_latency.p50_us / 1000 <= AIM_COLD_P50_MS,
        "load": load.stop(),
    }


# -- 3. asynchronous events --------------------------------------------------------------------------


def raw_sqlite_events(path: Path, events: int) -> dict[str, Any]:
    """Insert then delete each event with a commit per statement, on one connection in this thread."""
    conn = sqlite3.connect(path, isolation_level=None)
    (mode,) = conn.execute("PRAGMA journal_mode = WAL").fetchone()
    conn.execute("PRAGMA synchronous = NORMAL")
    migrate(conn, bundled_migrations())
    sql = load_queries("async_events.sql")
    insert, delete = sql["insert"], sql["delete"]
    function = f"arn:aws:lambda:us-east-1:000000000000:function:{ASYNC_FUNCTION}"
    started = time.perf_counter_ns()
    for n in range(events):
        now = time.time()
        event_id = f"{n:08x}-0000-4000-8000-000000000000"
        conn.execute(
            insert,
            {
                "id": event_id,
                "function": function,
                "payload": PAYLOAD,
                "enqueued_at": now,
                "due_at": now,
                "attempts": 0,
                "invoke_count": 0,
                "last_result": None,
            },
        )
        conn.execute(delete, {"id": event_id})
    seconds = (time.perf_counter_ns() - started) / 1e9
    conn.close()
    return {
        "case": "raw sqlite3: insert + delete, commit each",
        "journal_mode": mode,
        "events": events,
        "seconds": seconds,
        "per_second": events / seconds,
    }


@dataclass
class EventRun:
    submitted: int = 0
    executed: int = 0
    function_errors: int = 0
    ack_seconds: float = 0.0
    settle_seconds: float = 0.0
    all_executed_seconds: float | None = None
    settled: bool = False
    acks: list[int] = field(default_factory=list)
    environments: dict[str, int] = field(default_factory=dict)
    operations_per_commit: float | None = None


async def submit_and_settle(app: App, plan: Plan, code_dir: Path) -> EventRun:
    service = app.lambda_
    await service.create_function(ASYNC_FUNCTION, handler=HANDLER, code_dir=code_dir)
    await service.invoke(ASYNC_FUNCTION, PAYLOAD)
    per_submitter = max(1, plan.events // plan.submitters)
    run = EventRun(submitted=per_submitter * plan.submitters)
    clock = time.perf_counter_ns
    started = 0

    def on_invocation(record: Invocation) -> None:
        if record.function_name != ASYNC_FUNCTION or record.invocation_type != "Event":
            return
        run.executed += 1
        run.function_errors += record.function_error is not None
        if run.executed == run.submitted:
            run.all_executed_seconds = (clock() - started) / 1e9

    service.invoker.add_listener(on_invocation)

    async def submitter() -> None:
        for _ in range(per_submitter):
            sent = clock()
            result = await service.invoke(ASYNC_FUNCTION, PAYLOAD, invocation_type="Event")
            run.acks.append(clock() - sent)
            if result.status_code != 202:
                raise RuntimeError(f"an Event invoke answered {result.status_code}")

    gc.collect()
    started = clock()
    await asyncio.gather(*(submitter() for _ in range(plan.submitters)))
    run.ack_seconds = (clock() - started) / 1e9
    run.settled = await app.settle(plan.settle_seconds)
    run.settle_seconds = (clock() - started) / 1e9
    run.environments = app.pool.counts()
    writer = getattr(app.store, "writer", None)
    if writer is not None and writer.batches:
        run.operations_per_commit = writer.operations / writer.batches
    return run


async def async_section(plan: Plan, data_dir: Path, code_dir: Path) -> dict[str, Any]:
    load = MachineLoad().start()
    raw = raw_sqlite_events(data_dir / "raw.db", plan.events)
    app = App(Settings(data_dir=data_dir / "cloud", port=None))
    await app.start()
    with counting_warnings() as warnings:
        try:
            run = await submit_and_settle(app, plan, code_dir)
        finally:
            await app.stop()

    acknowledged = run.submitted / run.ack_seconds
    executed = run.executed / run.settle_seconds
    rows = [
        raw,
        {
            "case": f"Event invokes acknowledged (202), {plan.submitters} submitters",
            "events": run.submitted,
            "seconds": run.ack_seconds,
            "per_second": acknowledged,
        },
        {
            "case": "Event invokes executed, until settled",
            "events": run.executed,
            "seconds": run.settle_seconds,
            "per_second": executed,
        },
    ]
    for row in rows:
        row["ratio_to_raw"] = row["per_second"] / raw["per_second"]
    return {
        "baseline": raw["case"],
        "submitters": plan.submitters,
        "cases": rows,
        "acknowledged_per_second": acknowledged,
        "executed_per_second": executed,
        "submitted": run.submitted,
        "executed": run.executed,
        "function_errors": run.function_errors,
        "settled": run.settled,
        "all_executed_after_seconds": run.all_executed_seconds,
        "ack_latency": latency_of(run.acks).as_dict(),
        "environments_after": run.environments,
        "store_operations_per_commit": run.operations_per_commit,
        "warnings_logged": dict(warnings.counts),
        "aim_executed_per_second": AIM_EXECUTED_PER_SECOND,
        "aim_met": run.settled and executed >= AIM_EXECUTED_PER_SECOND,
        "load": load.stop(),
    }


# -- running and reporting ---------------------------------------------------------------------------


async def run(plan: Plan, scratch: Path, code_dir: Path, echoes: Sequence[EchoProcess]) -> dict[str, Any]:
    report: dict[str, Any] = {}
    app = App(Settings(data_dir=None, port=None))
    await app.start()
    try:
        report["warm"] = await warm_section(app, plan, code_dir, echoes)
        report["cold"] = await cold_section(app, plan, code_dir)
    finally:
        await app.stop()
    report["async_events"] = await async_section(plan, scratch, code_dir)
    return report


def describe_load(load: dict[str, Any]) -> str:
    text = f"load average {load['before'][:1]} -> {load['after'][:1]}"
    if "cpu_busy_percent" in load:
        text += f", CPUs {load['cpu_busy_percent']:.0f}% busy, {load['steal_percent']:.1f}% stolen"
    return text


def print_report(report: dict[str, Any]) -> None:
    print(f"load average (1, 5, 15 min): {report['load']['start']} at the start, {report['load']['end']} at the end")
    warm = report["warm"]
    print_table(
        f"Warm invoke, no-op handler ({describe_load(warm['load'])})",
        [
            "case",
            "callers",
            "calls",
            "p50 µs",
            "p99 µs",
            "mean µs",
            "calls/s",
            "p50-direct",
            "p50 x raw",
            "p99 x raw",
            "cpu µs/call",
            "workers' cpu",
        ],
        [
            [
                row["case"],
                row["callers"],
                row["samples"],
                row["p50_us"],
                row["p99_us"],
                row["mean_us"],
                row["calls_per_second"],
                row["overhead_p50_us"],
                row["ratio_p50_to_raw"],
                row["ratio_p99_to_raw"],
                row["own_cpu_us_per_call"],
                row["children_cpu_us_per_call"],
            ]
            for row in warm["cases"]
        ],
    )
    print(f"aim: LambdaService.invoke p50 <= {warm['aim_p50_us']:.0f} µs: {'met' if warm['aim_met'] else 'missed'}")

    cold = report["cold"]
    print_table(
        f"Cold start ({describe_load(cold['load'])})",
        ["case", "runs", "p50 ms", "p99 ms", "mean ms", "p50 x interpreter"],
        [
            [
                row["case"],
                row["samples"],
                row["p50_us"] / 1000,
                row["p99_us"] / 1000,
                row["mean_us"] / 1000,
                row["ratio_p50_to_interpreter"],
            ]
            for row in cold["cases"]
        ],
    )
    print(f"aim: cold start p50 <= {cold['aim_p50_ms']:.0f} ms: {'met' if cold['aim_met'] else 'missed'}")

    events = report["async_events"]
    print_table(
        f"Asynchronous events, durable store ({describe_load(events['load'])})",
        ["case", "events", "seconds", "per second", "x raw"],
        [
            [row["case"], row["events"], row["seconds"], row["per_second"], row["ratio_to_raw"]]
            for row in events["cases"]
        ],
    )
    ack = events["ack_latency"]
    print(
        f"acknowledgement latency p50 {ack['p50_us']:,.0f} µs, p99 {ack['p99_us']:,.0f} µs; "
        f"settled: {events['settled']}; environments afterwards: {events['environments_after']}; "
        f"store operations per commit: {events['store_operations_per_commit'] or 0:.1f}"
    )
    for what, count in sorted(events["warnings_logged"].items()):
        print(f"logged {count:,} times: {what}")
    print(f"aim: executed >= {events['aim_executed_per_second']:,.0f}/s: {'met' if events['aim_met'] else 'missed'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run; its figures mean little")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "invoke.json")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL

    load_start = load_average()
    # Forked before the cloud starts any thread.
    echoes = [EchoProcess(), EchoProcess()]
    try:
        with tempfile.TemporaryDirectory(prefix="triggerfish-bench-") as folder:
            scratch = Path(folder)
            code_dir = scratch / "code"
            code_dir.mkdir()
            (code_dir / f"{HANDLER_MODULE}.py").write_text(HANDLER_SOURCE, encoding="utf-8")
            sections = uvloop.run(run(plan, scratch, code_dir, echoes))
    finally:
        for echo in echoes:
            echo.close()

    report = {
        "benchmark": "invoke: warm sync invoke, cold start, asynchronous events",
        "quick": args.quick,
        "machine": machine("uvloop"),
        "load": {"start": load_start, "end": load_average()},
        **sections,
    }
    print_report(report)
    print(f"\nwritten to {write_json(args.out, report)}")


if __name__ == "__main__":
    main()
