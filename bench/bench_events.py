"""EventBridge and Scheduler: trigger latency, fan-out through many rules, schedule lateness.

Every figure stands beside a baseline measured in the same run, in the same process, on uvloop,
with the store a file in a temporary data directory and the real clock:

1. PutEvents -> handler start: a custom bus with one prefix rule whose target is a function with a
   trivial handler; the time from just before ``PutEvents`` to the start of the invocation it
   causes, through the service call and through the AWS endpoint over HTTP (one boto3 client, in a
   thread). Baseline: Lambda ``Invoke`` with ``InvocationType=Event`` of the same function, the
   same two ways. The cases take turns, sample by sample, so a burst of load falls on all alike.
2. Fan-out: a bus with 1,000 rules of distinct patterns (exact source values, ``prefix``,
   ``numeric`` ranges, ``anything-but``), each with an SQS target (20 queues), each event matching
   one or two of them (1.6 on average); 8 producers call ``PutEvents`` with 10 entries each,
   concurrently. Accepted events per second, and matched deliveries per second until every delivery
   is in its queue. Baselines: the same with a bus of 1 rule, and bare ``PatternIndex.match`` calls
   per second over the same events and rules (the floor of matching alone). AWS allows 300 rules a
   bus unless the quota is raised; the benchmark raises it.
3. Schedule lateness: Scheduler ``at()`` schedules with SQS targets. ``at()`` has second precision,
   so 500 schedules over 5 seconds fire in bursts of 100 on each second: with a PutEvents load
   running, then again without it; then one schedule a second under load, the latency of a lone
   fire. For each fire, the time from its scheduled instant to the moment the SQS deliverer was
   handed it (a wrapper around the registered deliverer records it): p50, p99 and max lateness, the
   first fire of each second apart, and the count of early fires, which must be 0. Baseline:
   ``asyncio.sleep`` timers on the same loop, in the same conditions, due on the same seconds
   shifted by half a second, as many as there are schedules.

    python bench/bench_events.py [--quick] [--out bench/results/events.json]
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local_cloud import add_function, client
from stats import percentile, print_table, run_benchmark, run_folders, summary_ms
from triggerfish.app import App, Settings
from triggerfish.core.delivery import Delivery
from triggerfish.core.patterns import PatternIndex, compile_pattern
from triggerfish.core.payloads.eventbridge import eventbridge_event
from triggerfish.services.events.models import Location
from triggerfish.services.sqs.source import SqsDeliverer

RESULTS = Path(__file__).parent / "results" / "events.json"
HERE = Location()
ACCOUNT, REGION = HERE.account, HERE.region
ROLE = f"arn:aws:iam::{ACCOUNT}:role/bench"
AIMS = {"latency_p50_ms": 5.0, "lateness_p50_ms": 2.0, "lateness_p99_ms": 10.0}
QUEUES = 20
FANOUT_RULES = 1000
STATUSES = ("new", "paid", "shipped")


def queue_arn(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


async def _cloud(folder: Path, *, port: int | None = None) -> App:
    app = App(Settings(data_dir=folder / "data", port=port))
    await app.start()
    return app


class RecordingDeliverer:
    """The registered SQS deliverer with a stopwatch in front: when each delivery was handed over."""

    def __init__(self, inner: SqsDeliverer) -> None:
        self._inner = inner
        self.handed: list[tuple[float, str, str]] = []  # (time.time(), ARN, body)
        self.delivered = 0
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        self.handed.append((time.time(), arn, delivery.body))
        await self._inner.deliver(arn, delivery)
        self.delivered += 1
        for count, waiter in self._waiters:
            if self.delivered >= count and not waiter.done():
                waiter.set_result(None)

    def exists(self, arn: str) -> bool:
        return self._inner.exists(arn)

    async def wait_for(self, count: int, timeout: float) -> None:
        if self.delivered >= count:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append((count, waiter))
        await asyncio.wait_for(waiter, timeout)


def _recording(app: App) -> RecordingDeliverer:
    recorder = RecordingDeliverer(SqsDeliverer(app.sqs))
    app.deliveries.register("sqs", recorder)
    return recorder


# -- 1. PutEvents -> handler start ---------------------------------------------------------------


async def trigger_latency(folder: Path, samples: int) -> dict[str, Any]:
    app = await _cloud(folder, port=0)
    try:
        return await _trigger_latency(app, folder, samples)
    finally:
        await app.stop()


async def _trigger_latency(app: App, folder: Path, samples: int) -> dict[str, Any]:
    arn = (await add_function(app, folder)).arn
    starts: asyncio.Queue[float] = asyncio.Queue()
    app.lambda_.invoker.add_listener(lambda invocation: starts.put_nowait(invocation.started_at))
    await app.events.create_event_bus("bench", scope=HERE)
    pattern = json.dumps({"source": [{"prefix": "bench."}]})
    await app.events.put_rule("to-noop", scope=HERE, event_bus_name="bench", event_pattern=pattern)
    await app.events.put_targets("to-noop", [{"Id": "noop", "Arn": arn}], scope=HERE, event_bus_name="bench")
    entry = {"EventBusName": "bench", "Source": "bench.latency", "DetailType": "tick", "Detail": '{"n": 1}'}

    async def put_events() -> float:
        sent = time.time()
        result = await app.events.put_events([entry], scope=HERE)
        assert result.failed_count == 0, result.entries
        return sent

    async def invoke() -> float:
        sent = time.time()
        await app.lambda_.invoke("noop", b'{"n": 1}', invocation_type="Event")
        return sent

    events_client, lambda_client = client(app, "events"), client(app, "lambda")

    def http_put_events() -> float:
        sent = time.time()
        answer = events_client.put_events(Entries=[entry])
        assert answer["FailedEntryCount"] == 0, answer
        return sent

    def http_invoke() -> float:
        sent = time.time()
        answer = lambda_client.invoke(FunctionName="noop", InvocationType="Event", Payload=b'{"n": 1}')
        assert answer["StatusCode"] == 202, answer
        return sent

    cases: dict[str, Callable[[], Awaitable[float]]] = {
        "Invoke (Event), service call": invoke,
        "PutEvents, service call": put_events,
        "Invoke (Event), boto3 over HTTP": lambda: asyncio.to_thread(http_invoke),
        "PutEvents, boto3 over HTTP": lambda: asyncio.to_thread(http_put_events),
    }
    latencies: dict[str, list[float]] = {name: [] for name in cases}
    # warm up: the environment, the connection pool, the code paths
    for _ in range(5):
        for call in cases.values():
            await call()
            await starts.get()
    for _ in range(samples):
        for name, call in cases.items():
            await asyncio.sleep(0.005)  # idle in between: nothing queued, every loop asleep
            sent = await call()
            latencies[name].append((await starts.get() - sent) * 1000)
    events_client.close()
    lambda_client.close()
    rows = {name: summary_ms(values) for name, values in latencies.items()}
    for via in ("service call", "boto3 over HTTP"):
        put, floor = rows[f"PutEvents, {via}"], rows[f"Invoke (Event), {via}"]
        put["baseline"] = f"Invoke (Event), {via}"
        put["ratio_p50_to_baseline"] = put["p50_ms"] / floor["p50_ms"]
        put["overhead_p50_ms"] = put["p50_ms"] - floor["p50_ms"]
    return {"samples": samples, "aim_p50_ms": AIMS["latency_p50_ms"], "cases": rows}


# -- 2. fan-out through 1,000 rules ---------------------------------------------------------------


def fanout_patterns(rules: int) -> list[dict[str, Any]]:
    """``rules`` distinct patterns in four shapes, a quarter of them each; an event of group ``g``
    meets one or two of the rules whose number is ``g`` modulo a quarter of ``rules`` (see
    :func:`fanout_entries`). One rule alone matches every event."""
    if rules == 1:
        return [{"source": [{"prefix": "app"}]}]
    groups = rules // 4
    patterns: list[dict[str, Any]] = []
    for number in range(rules):
        group, shape = number % groups, number // groups
        if shape == 0:
            patterns.append({"source": [f"app{group}"], "detail": {"status": ["new"]}})
        elif shape == 1:
            detail = {"sku": [{"prefix": f"s{group}-"}], "status": ["paid"]}
            patterns.append({"source": [f"app{group}"], "detail": detail})
        elif shape == 2:
            patterns.append({"detail": {"group": [group], "amount": [{"numeric": [">", 400]}]}})
        else:
            patterns.append({"source": [f"app{group}"], "detail": {"status": [{"anything-but": ["new", "paid"]}]}})
    return patterns


def fanout_entries(count: int, groups: int) -> list[dict[str, Any]]:
    """PutEvents entries for a bus of :func:`fanout_patterns`: by its status an event meets the rule
    of its group in the first, second or fourth shape, and for amounts over 400 (three in five) the
    one in the third shape too."""
    entries = []
    for number in range(count):
        group = (number * 7919) % groups
        detail = {
            "sku": f"s{group}-{number}",
            "status": STATUSES[number % 3],
            "amount": (number * 37) % 1000,
            "group": group,
        }
        entries.append(
            {"EventBusName": "fanout", "Source": f"app{group}", "DetailType": "order", "Detail": json.dumps(detail)}
        )
    return entries


def envelope(entry: dict[str, Any], number: int) -> dict[str, Any]:
    return dict(
        eventbridge_event(
            event_id=f"00000000-0000-0000-0000-{number:012d}",
            source=entry["Source"],
            detail_type=entry["DetailType"],
            detail=json.loads(entry["Detail"]),
            account=ACCOUNT,
            region=REGION,
            time=time.time(),
        )
    )


def raw_matching(patterns: Sequence[dict[str, Any]], entries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Bare ``PatternIndex.match`` over the envelopes of ``entries``: calls per second, and the number
    of matches all the events make (the deliveries the service must make for them)."""
    index = PatternIndex()
    for number, pattern in enumerate(patterns):
        index.add(number, compile_pattern(pattern))
    events = [envelope(entry, number) for number, entry in enumerate(entries)]
    matched = sum(len(index.match(event)) for event in events)
    rounds, started = 0, time.perf_counter()
    while True:
        for event in events:
            index.match(event)
        rounds += 1
        elapsed = time.perf_counter() - started
        if elapsed >= 0.5:
            break
    return {"matches": matched, "per_second": rounds * len(events) / elapsed}


async def fanout(
    folder: Path, rules: int, entries: Sequence[dict[str, Any]], expected: int, producers: int = 8
) -> dict[str, Any]:
    """``expected``: how many deliveries the events make (the matches :func:`raw_matching` counted)."""
    app = await _cloud(folder)
    try:
        return await _fanout(app, rules, entries, expected, producers)
    finally:
        await app.stop()


async def _fanout(
    app: App, rules: int, entries: Sequence[dict[str, Any]], expected: int, producers: int
) -> dict[str, Any]:
    recorder = _recording(app)
    # AWS's 300 rules a bus is an adjustable quota (EventBridge quotas); this bus is meant to hold 1,000
    app.events.rules.max_rules_per_bus = max(rules, app.events.rules.max_rules_per_bus)
    for number in range(QUEUES):
        await app.sqs.create_queue(f"fanout-{number}")
    await app.events.create_event_bus("fanout", scope=HERE)
    setup = time.perf_counter()
    for number, pattern in enumerate(fanout_patterns(rules)):
        name = f"rule-{number:04d}"
        await app.events.put_rule(name, scope=HERE, event_bus_name="fanout", event_pattern=json.dumps(pattern))
        target = {"Id": "q", "Arn": queue_arn(f"fanout-{number % QUEUES}")}
        await app.events.put_targets(name, [target], scope=HERE, event_bus_name="fanout")
    setup = time.perf_counter() - setup
    batches = iter([list(entries[offset : offset + 10]) for offset in range(0, len(entries), 10)])

    async def produce() -> None:
        for batch in batches:
            result = await app.events.put_events(batch, scope=HERE)
            assert result.failed_count == 0, result.entries

    started = time.perf_counter()
    await asyncio.gather(*(produce() for _ in range(producers)))
    accepted = time.perf_counter() - started
    await recorder.wait_for(expected, 300)
    delivered = time.perf_counter() - started
    assert recorder.delivered == expected, (recorder.delivered, expected)
    return {
        "rules": rules,
        "events": len(entries),
        "producers": producers,
        "deliveries": expected,
        "matches_per_event": expected / len(entries),
        "setup_seconds": setup,
        "accept_seconds": accepted,
        "deliver_seconds": delivered,
        "accepted_per_second": len(entries) / accepted,
        "deliveries_per_second": expected / delivered,
    }


# -- 3. schedule lateness under load --------------------------------------------------------------


@dataclass(frozen=True)
class LatenessPlan:
    case: str
    schedules: int
    seconds: int
    lead: float  # how far ahead of now the first scheduled second is, to leave time to create them all
    load_producers: int = 4  # 0: no PutEvents load
    load_pause: float = 0.005


def _at(epoch: int) -> str:
    return f"at({dt.datetime.fromtimestamp(epoch, dt.UTC):%Y-%m-%dT%H:%M:%S})"


async def lateness(folder: Path, plan: LatenessPlan) -> dict[str, Any]:
    app = await _cloud(folder)
    try:
        return await _lateness(app, plan)
    finally:
        await app.stop()


async def _lateness(app: App, plan: LatenessPlan) -> dict[str, Any]:
    recorder = _recording(app)
    fired_arn = queue_arn("fired")
    await app.sqs.create_queue("fired")
    await app.sqs.create_queue("load")
    await app.events.put_rule("load", scope=HERE, event_pattern=json.dumps({"source": ["load"]}))
    await app.events.put_targets("load", [{"Id": "q", "Arn": queue_arn("load")}], scope=HERE)

    first = math.ceil(time.time() + plan.lead)
    instants = [first + number % plan.seconds for number in range(plan.schedules)]
    body = '{"n": %d, "scheduled": "<aws.scheduler.scheduled-time>"}'
    for number, instant in enumerate(instants):
        fields = {
            "Name": f"late-{number:04d}",
            "ScheduleExpression": _at(instant),
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {"Arn": fired_arn, "RoleArn": ROLE, "Input": body % number},
        }
        await app.scheduler.create_schedule(fields, scope=HERE)
    if time.time() >= first:
        raise RuntimeError(f"creating {plan.schedules} schedules took longer than the {plan.lead} s lead")

    # the floor: plain timers on the same loop, half a second off the schedules' seconds
    async def sleeper(due: float) -> float:
        await asyncio.sleep(due - time.time())
        return time.time() - due

    sleepers = [asyncio.create_task(sleeper(instant + 0.5)) for instant in instants]
    stop = asyncio.Event()
    put = 0

    async def load() -> None:
        nonlocal put
        entry = {"Source": "load", "DetailType": "tick", "Detail": '{"load": true}'}
        while not stop.is_set():
            result = await app.events.put_events([entry] * 10, scope=HERE)
            assert result.failed_count == 0, result.entries
            put += 10
            await asyncio.sleep(plan.load_pause)

    loaders = [asyncio.create_task(load()) for _ in range(plan.load_producers)]
    load_started = time.time()
    deadline = first + plan.seconds + 30
    while sum(1 for _, arn, _ in recorder.handed if arn == fired_arn) < plan.schedules:
        if time.time() > deadline:
            raise RuntimeError("not every schedule fired in time")
        await asyncio.sleep(0.05)
    floor = await asyncio.gather(*sleepers)
    stop.set()
    await asyncio.gather(*loaders)
    load_seconds = time.time() - load_started

    late: dict[int, list[float]] = {}  # by scheduled second, in the order fired
    seen: set[int] = set()
    for handed_at, arn, text in recorder.handed:
        if arn != fired_arn:
            continue
        fired = json.loads(text)
        seen.add(fired["n"])
        scheduled = dt.datetime.strptime(fired["scheduled"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        late.setdefault(int(scheduled.timestamp()), []).append((handed_at - scheduled.timestamp()) * 1000)
    assert len(seen) == plan.schedules, "a schedule fired twice or not at all"
    return {
        "case": plan.case,
        "schedules": plan.schedules,
        "seconds": plan.seconds,
        "per_second": plan.schedules / plan.seconds,
        "load_events_per_second": put / load_seconds if plan.load_producers else 0.0,
        "aim_p50_ms": AIMS["lateness_p50_ms"],
        "aim_p99_ms": AIMS["lateness_p99_ms"],
        "schedules_late": _lateness_summary([value for values in late.values() for value in values]),
        # the first fire of each second: the timer alone, before the rest of its burst queues behind it
        "first_of_each_second_late": _lateness_summary([values[0] for values in late.values()]),
        "asyncio_sleep_late": _lateness_summary([value * 1000 for value in floor]),
    }


def _lateness_summary(values_ms: Sequence[float]) -> dict[str, Any]:
    ordered = sorted(values_ms)
    return {
        "fires": len(ordered),
        "early": sum(1 for value in ordered if value < 0),
        "p50_ms": percentile(ordered, 50),
        "p99_ms": percentile(ordered, 99),
        "max_ms": ordered[-1] if ordered else math.nan,
        "min_ms": ordered[0] if ordered else math.nan,
    }


# -- running --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    latency_samples: int
    fanout_events: int
    lateness: tuple[LatenessPlan, ...]


BURST, IDLE, SPARSE = "bursts, under load", "bursts, no load", "one a second, under load"
QUICK = Sizes(
    10,
    200,
    (LatenessPlan(BURST, 20, 1, 1.0), LatenessPlan(IDLE, 20, 1, 1.0, 0), LatenessPlan(SPARSE, 2, 2, 1.0)),
)
FULL = Sizes(
    200,
    20_000,
    (LatenessPlan(BURST, 500, 5, 5.0), LatenessPlan(IDLE, 500, 5, 5.0, 0), LatenessPlan(SPARSE, 5, 5, 1.0)),
)


async def run(sizes: Sizes, root: Path) -> dict[str, Any]:
    folders = run_folders(root)
    latency = await trigger_latency(next(folders), sizes.latency_samples)
    entries = fanout_entries(sizes.fanout_events, FANOUT_RULES // 4)
    fan: dict[str, Any] = {"cases": [], "raw_match": []}
    for rules in (1, FANOUT_RULES):
        raw = {"rules": rules, **raw_matching(fanout_patterns(rules), entries)}
        fan["raw_match"].append(raw)
        fan["cases"].append(await fanout(next(folders), rules, entries, raw["matches"]))
    late = [await lateness(next(folders), plan) for plan in sizes.lateness]
    return {"trigger_latency": latency, "fanout": fan, "schedule_lateness": late}


def _tables(report: dict[str, Any]) -> None:
    latency = report["trigger_latency"]
    print_table(
        f"trigger -> handler start (ms, {latency['samples']} samples each, aim p50 <= {AIMS['latency_p50_ms']:g})",
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
    fan = report["fanout"]
    raw = {row["rules"]: row for row in fan["raw_match"]}
    print_table(
        "PutEvents fan-out (10 entries a call, 8 producers, SQS targets)",
        ["rules", "events", "matches/event", "accepted ev/s", "deliveries/s", "raw match/s"],
        [
            (
                row["rules"],
                row["events"],
                f"{row['matches_per_event']:.2f}",
                f"{row['accepted_per_second']:,.0f}",
                f"{row['deliveries_per_second']:,.0f}",
                f"{raw[row['rules']]['per_second']:,.0f}",
            )
            for row in fan["cases"]
        ],
    )
    late = report["schedule_lateness"]
    rows = []
    for run in late:
        load = f"{run['load_events_per_second']:,.0f}" if run["load_events_per_second"] else "-"
        for name, key in (
            (f"Scheduler at(): {run['case']}", "schedules_late"),
            ("  first fire of each second", "first_of_each_second_late"),
            ("  asyncio.sleep (baseline)", "asyncio_sleep_late"),
        ):
            row = run[key]
            rows.append(
                (
                    name,
                    f"{run['per_second']:g}",
                    load,
                    row["fires"],
                    row["early"],
                    f"{row['p50_ms']:.2f}",
                    f"{row['p99_ms']:.2f}",
                    f"{row['max_ms']:.2f}",
                )
            )
    print_table(
        f"schedule lateness (ms), fire -> SQS deliverer; aim p50 <= {AIMS['lateness_p50_ms']:g}, "
        f"p99 <= {AIMS['lateness_p99_ms']:g}, never early",
        ["case", "fires/s", "load ev/s", "fires", "early", "p50", "p99", "max"],
        rows,
    )


def main(argv: Sequence[str] | None = None) -> None:
    run_benchmark(
        argv,
        description=__doc__,
        out=RESULTS,
        name="events",
        run=lambda quick, root: run(QUICK if quick else FULL, root),
        tables=_tables,
        extra={"aims": AIMS},
    )


if __name__ == "__main__":
    main()
