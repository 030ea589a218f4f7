"""SNS: Publish -> SQS subscriber deliveries per second.

Every figure stands beside a baseline measured in the same run, in the same process, on uvloop, with
the store a file in a temporary data directory and the real clock. 8 producers call the service
concurrently, one message each call:

1. ``Publish`` to a topic with one SQS subscription (the JSON envelope), then with ten (fan-out);
   messages accepted per second, and deliveries per second until every delivery is in its queue.
2. Baseline: ``SendMessage`` of the same bodies straight to one queue, the floor of what a delivery
   to a queue costs.

    python bench/bench_sns.py [--quick] [--out bench/results/sns.json]
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stats import print_table, run_benchmark, run_folders
from triggerfish.app import App, Settings
from triggerfish.core.delivery import Delivery, MessageAttribute
from triggerfish.core.scope import Location
from triggerfish.services.sns.publishing import Message
from triggerfish.services.sqs.models import OutgoingMessage
from triggerfish.services.sqs.source import SqsDeliverer

RESULTS = Path(__file__).parent / "results" / "sns.json"
HERE = Location()
PRODUCERS = 8


class CountingDeliverer:
    """The registered SQS deliverer with a counter in front, so the end of the deliveries is seen."""

    def __init__(self, inner: SqsDeliverer) -> None:
        self._inner = inner
        self.delivered = 0
        self.target = 0
        self.done = asyncio.Event()

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        await self._inner.deliver(arn, delivery)
        self.delivered += 1
        if self.target and self.delivered >= self.target:
            self.done.set()

    def exists(self, arn: str) -> bool:
        return self._inner.exists(arn)


def _body(number: int) -> str:
    return f'{{"order": {number}, "status": "shipped", "items": ["mug", "tea"]}}'


async def _produce(count: int, send: Any) -> float:
    numbers = iter(range(count))

    async def producer() -> None:
        for number in numbers:
            await send(number)

    started = time.perf_counter()
    await asyncio.gather(*(producer() for _ in range(PRODUCERS)))
    return time.perf_counter() - started


async def publish_case(folder: Path, subscribers: int, messages: int) -> dict[str, Any]:
    app = App(Settings(data_dir=folder / "data", port=None))
    await app.start()
    try:
        counter = CountingDeliverer(SqsDeliverer(app.sqs))
        app.deliveries.register("sqs", counter)
        topic = await app.sns.create_topic("bench", scope=HERE)
        for number in range(subscribers):
            await app.sqs.create_queue(f"subscriber-{number}")
            queue = f"arn:aws:sqs:{HERE.region}:{HERE.account}:subscriber-{number}"
            await app.sns.subscribe(topic, "sqs", queue, scope=HERE)
        counter.target = subscribers * messages
        attributes = {"status": MessageAttribute("String", "shipped")}

        async def publish(number: int) -> None:
            await app.sns.publish(Message(_body(number), attributes=attributes), topic_arn=topic, scope=HERE)

        started = time.perf_counter()
        accepted = await _produce(messages, publish)
        await asyncio.wait_for(counter.done.wait(), 300)
        delivered = time.perf_counter() - started
        return {
            "case": f"Publish, {subscribers} SQS subscriber{'s' if subscribers > 1 else ''}",
            "messages": messages,
            "deliveries": counter.delivered,
            "accepted_per_second": messages / accepted,
            "deliveries_per_second": counter.delivered / delivered,
        }
    finally:
        await app.stop()


async def send_message_case(folder: Path, messages: int) -> dict[str, Any]:
    app = App(Settings(data_dir=folder / "data", port=None))
    await app.start()
    try:
        await app.sqs.create_queue("direct")
        queue = app.sqs.registry.by_arn(f"arn:aws:sqs:{HERE.region}:{HERE.account}:direct")
        assert queue is not None

        async def send(number: int) -> None:
            await app.sqs.sender.send(queue, [OutgoingMessage(body=_body(number))])

        seconds = await _produce(messages, send)
        return {
            "case": "SendMessage to one queue (baseline)",
            "messages": messages,
            "deliveries": messages,
            "accepted_per_second": messages / seconds,
            "deliveries_per_second": messages / seconds,
        }
    finally:
        await app.stop()


async def run(messages: int, root: Path) -> dict[str, Any]:
    folders = run_folders(root)
    rows = [await send_message_case(next(folders), messages)]
    for subscribers in (1, 10):
        rows.append(await publish_case(next(folders), subscribers, messages))
    baseline = rows[0]["deliveries_per_second"]
    for row in rows[1:]:
        row["deliveries_ratio_to_baseline"] = row["deliveries_per_second"] / baseline
    return {"publish_to_sqs": rows}


def _tables(report: dict[str, Any]) -> None:
    print_table(
        f"Publish -> SQS subscribers ({PRODUCERS} producers, service calls)",
        ["case", "messages", "accepted msg/s", "deliveries/s", "x baseline"],
        [
            (
                row["case"],
                row["messages"],
                f"{row['accepted_per_second']:,.0f}",
                f"{row['deliveries_per_second']:,.0f}",
                f"{row['deliveries_ratio_to_baseline']:.2f}" if "deliveries_ratio_to_baseline" in row else "baseline",
            )
            for row in report["publish_to_sqs"]
        ],
    )


def main(argv: Sequence[str] | None = None) -> None:
    run_benchmark(
        argv,
        description=__doc__,
        out=RESULTS,
        name="sns",
        run=lambda quick, root: run(200 if quick else 5000, root),
        tables=_tables,
    )


if __name__ == "__main__":
    main()
