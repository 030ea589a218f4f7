"""CloudWatch Logs, SES and the moto fallback, each beside a baseline measured in the same run.

Everything runs in one process on uvloop with the store a file in a temporary data directory and the
real clock; the endpoint is served on 127.0.0.1 and called with boto3 from worker threads, as a
handler or a test would.

1. Function logs on the invoke path: sync invokes of a handler that prints five lines, with every line
   going to CloudWatch Logs (as always), against the same with log capture switched off (baseline).
2. Live logs: the time from sending PutLogEvents until a follower (FilterLogEvents, as ``aws logs tail
   --follow`` calls it) has the event, against SQS: from sending SendMessage until a long-polling
   ReceiveMessage has the message (baseline; both are a long poll answered by a write).
3. SES SendEmail (a stored message with its MIME text) against SQS SendMessage (baseline; both one
   durable write per call).
4. The moto fallback: STS GetCallerIdentity against SQS GetQueueUrl (baseline; an answer from memory).
5. Email in: an SMTP message to a receipt rule until the rule's function runs, against an async
   Invoke until the function runs (baseline).

    python bench/bench_logs_ses.py [--quick] [--out bench/results/logs_ses.json]
"""

from __future__ import annotations

import asyncio
import itertools
import smtplib
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from local_cloud import add_function, client
from stats import print_table, run_benchmark, run_folders, summary_ms
from triggerfish.app import App, Settings
from triggerfish.runtime.logs import NullSink
from triggerfish.services.lambda_.records import Invocation
from triggerfish.services.ses.receiving.codec import rule_from_wire

RESULTS = Path(__file__).parent / "results" / "logs_ses.json"
REGION, ACCOUNT = "us-east-1", "000000000000"
HANDLER = "def handler(event, context):\n    for n in range(5):\n        print('line', n)\n    return None\n"


async def _cloud(folder: Path, *, smtp: bool = False) -> App:
    app = App(Settings(data_dir=folder / "data", port=0, smtp_port=0 if smtp else None))
    await app.start()
    await add_function(app, folder, "printer", HANDLER)
    return app


def _timed(call: Callable[[], object], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def invokes(folder: Path, count: int, *, capture: bool) -> dict[str, Any]:
    app = await _cloud(folder)
    try:
        if not capture:
            app.pool.sink = NullSink()  # environments made from now on write no logs anywhere
        for _ in range(20):  # warm
            await app.lambda_.invoke("printer", b"{}")
        samples = []
        for _ in range(count):
            started = time.perf_counter()
            await app.lambda_.invoke("printer", b"{}")
            samples.append((time.perf_counter() - started) * 1000)
        await app.settle()
        return summary_ms(samples)
    finally:
        await app.stop()


async def live_logs(folder: Path, count: int) -> dict[str, Any]:
    app = await _cloud(folder)
    try:
        logs = client(app, "logs")
        await asyncio.to_thread(logs.create_log_group, logGroupName="bench")
        await asyncio.to_thread(logs.create_log_stream, logGroupName="bench", logStreamName="s")
        seen: dict[str, float] = {}
        stop = threading.Event()

        def follow() -> None:
            # the calls `aws logs tail --follow` makes: the same query again, then the tokens it is given
            follower = client(app, "logs")
            query: dict[str, Any] = {"logGroupName": "bench", "interleaved": True, "startTime": 0}
            while not stop.is_set():
                answer = follower.filter_log_events(**query)
                for event in answer["events"]:
                    seen.setdefault(event["message"], time.perf_counter())
                    query["startTime"] = max(query["startTime"], event["timestamp"])
                if "nextToken" in answer:
                    query["nextToken"] = answer["nextToken"]
                else:
                    query.pop("nextToken", None)
            follower.close()

        def put(message: str) -> float:
            sent = time.perf_counter()
            logs.put_log_events(
                logGroupName="bench",
                logStreamName="s",
                logEvents=[{"timestamp": int(time.time() * 1000), "message": message}],
            )
            return sent

        thread = threading.Thread(target=follow, daemon=True)
        thread.start()
        await asyncio.to_thread(put, "warm")
        await asyncio.sleep(1.5)
        samples = []
        for n in range(count):
            sent = await asyncio.to_thread(put, f"event {n}")
            while f"event {n}" not in seen:
                await asyncio.sleep(0.0005)
            samples.append((seen[f"event {n}"] - sent) * 1000)
        stop.set()
        await asyncio.to_thread(put, "last")  # wakes the follower's open request
        await asyncio.to_thread(thread.join, 30)
        return summary_ms(samples)
    finally:
        await app.stop()


async def sqs_long_poll(folder: Path, count: int) -> dict[str, Any]:
    app = await _cloud(folder)
    try:
        sqs = client(app, "sqs")
        url = (await asyncio.to_thread(sqs.create_queue, QueueName="bench"))["QueueUrl"]
        seen: dict[str, float] = {}
        stop = threading.Event()

        def receive() -> None:
            receiver = client(app, "sqs")
            while not stop.is_set():
                for message in receiver.receive_message(QueueUrl=url, WaitTimeSeconds=20).get("Messages", []):
                    seen.setdefault(message["Body"], time.perf_counter())
                    receiver.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            receiver.close()

        def send(body: str) -> float:
            sent = time.perf_counter()
            sqs.send_message(QueueUrl=url, MessageBody=body)
            return sent

        thread = threading.Thread(target=receive, daemon=True)
        thread.start()
        await asyncio.sleep(0.5)
        samples = []
        for n in range(count):
            sent = await asyncio.to_thread(send, f"event {n}")
            while f"event {n}" not in seen:
                await asyncio.sleep(0.0005)
            samples.append((seen[f"event {n}"] - sent) * 1000)
        stop.set()
        await asyncio.to_thread(send, "last")
        await asyncio.to_thread(thread.join, 30)
        return summary_ms(samples)
    finally:
        await app.stop()


async def endpoint_calls(folder: Path, count: int) -> dict[str, dict[str, Any]]:
    """SES SendEmail and SQS SendMessage; STS (moto) GetCallerIdentity and SQS GetQueueUrl."""
    app = await _cloud(folder)
    try:
        ses, sqs, sts = client(app, "ses"), client(app, "sqs"), client(app, "sts")

        def measure() -> dict[str, dict[str, Any]]:
            ses.verify_domain_identity(Domain="example.com")
            url = sqs.create_queue(QueueName="bench")["QueueUrl"]
            numbers = itertools.count()
            mail = {
                "Source": "a@example.com",
                "Destination": {"ToAddresses": ["b@example.com"]},
                "Message": {"Subject": {"Data": "hello"}, "Body": {"Text": {"Data": "a short note"}}},
            }
            for _ in range(20):
                ses.send_email(**mail)
                sqs.send_message(QueueUrl=url, MessageBody="warm")
                sts.get_caller_identity()
                sqs.get_queue_url(QueueName="bench")
            return {
                "SQS SendMessage": summary_ms(
                    _timed(lambda: sqs.send_message(QueueUrl=url, MessageBody=f"m {next(numbers)}"), count)
                ),
                "SES SendEmail": summary_ms(_timed(lambda: ses.send_email(**mail), count)),
                "SQS GetQueueUrl": summary_ms(_timed(lambda: sqs.get_queue_url(QueueName="bench"), count)),
                "STS GetCallerIdentity (moto)": summary_ms(_timed(sts.get_caller_identity, count)),
            }

        return await asyncio.to_thread(measure)
    finally:
        await app.stop()


async def arrivals(folder: Path, count: int) -> dict[str, dict[str, Any]]:
    """Until the function runs: an SMTP message through a receipt rule, and an async Invoke."""
    app = await _cloud(folder, smtp=True)
    try:
        await app.ses.verify_domain(REGION, "example.com")
        await app.receipt_rules.create_rule_set(REGION, "bench")
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:printer"
        rule = {"Name": "all", "Enabled": True, "Actions": [{"LambdaAction": {"FunctionArn": arn}}]}
        await app.receipt_rules.create_rule(REGION, "bench", rule_from_wire(rule))
        await app.receipt_rules.set_active(REGION, "bench")
        assert app.smtp is not None
        port = app.smtp.port
        started: dict[str, float] = {}
        ran: dict[str, float] = {}

        def listener(invocation: Invocation) -> None:
            for key in started:
                if key.encode() in invocation.event and key not in ran:
                    ran[key] = time.perf_counter()

        app.lambda_.invoker.add_listener(listener)

        def mail(key: str) -> None:
            with smtplib.SMTP("127.0.0.1", port) as smtp:
                started[key] = time.perf_counter()
                smtp.sendmail("a@example.net", ["in@example.com"], f"Subject: {key}\r\n\r\nhello")

        async def each(prefix: str, send: Callable[[str], Any]) -> dict[str, Any]:
            samples = []
            for n in range(count):
                key = f"{prefix}-{n}"
                await send(key)
                while key not in ran:
                    await asyncio.sleep(0.0005)
                samples.append((ran[key] - started[key]) * 1000)
            return summary_ms(samples)

        async def invoke(key: str) -> None:
            started[key] = time.perf_counter()
            await app.lambda_.invoke("printer", f'{{"key": "{key}"}}'.encode(), invocation_type="Event")

        async def smtp(key: str) -> None:
            await asyncio.to_thread(mail, key)

        await each("warm-invoke", invoke)
        await each("warm-mail", smtp)
        return {"async Invoke": await each("invoke", invoke), "SMTP through a receipt rule": await each("mail", smtp)}
    finally:
        await app.stop()


async def run(count: int, root: Path) -> dict[str, Any]:
    folders = run_folders(root)
    cases: dict[str, dict[str, Any]] = {}

    def pair(group: str, baseline: tuple[str, dict[str, Any]], measured: tuple[str, dict[str, Any]]) -> None:
        measured[1]["ratio_to_baseline"] = measured[1]["p50_ms"] / baseline[1]["p50_ms"]
        cases[f"{group}: {baseline[0]} (baseline)"] = baseline[1]
        cases[f"{group}: {measured[0]}"] = measured[1]

    without = await invokes(next(folders), count, capture=False)
    with_logs = await invokes(next(folders), count, capture=True)
    pair("invoke", ("no log capture", without), ("5 lines to CloudWatch Logs", with_logs))
    pair(
        "live",
        ("SQS long poll", await sqs_long_poll(next(folders), count)),
        ("logs follow", await live_logs(next(folders), count)),
    )
    calls = await endpoint_calls(next(folders), count)
    pair("write", ("SQS SendMessage", calls["SQS SendMessage"]), ("SES SendEmail", calls["SES SendEmail"]))
    pair(
        "read",
        ("SQS GetQueueUrl", calls["SQS GetQueueUrl"]),
        ("STS GetCallerIdentity (moto)", calls["STS GetCallerIdentity (moto)"]),
    )
    found = await arrivals(next(folders), max(20, count // 5))
    pair(
        "arrival",
        ("async Invoke", found["async Invoke"]),
        ("SMTP through a receipt rule", found["SMTP through a receipt rule"]),
    )
    return {"count": count, "cases": cases}


def _tables(report: dict[str, Any]) -> None:
    print_table(
        "CloudWatch Logs, SES and the moto fallback (p50 / p99, ms)",
        ["case", "p50", "p99", "x baseline"],
        [
            (
                name,
                f"{row['p50_ms']:.2f}",
                f"{row['p99_ms']:.2f}",
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
        name="logs",
        run=lambda quick, root: run(30 if quick else 300, root),
        tables=_tables,
    )


if __name__ == "__main__":
    main()
