"""SQS event source mappings with real functions in real execution environments, over the in-memory
queue twin on the virtual clock: partial batch failures, filters, throttling, FIFO order, settling."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from invocation_harness import unique

import triggerfish
from triggerfish.cloud import Cloud

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "services"))
from esm_fakes import FakeQueue

HANDLERS = '''
import json
import os
from pathlib import Path


def _log(event):
    with open(os.environ["LOG"], "a") as log:
        for record in event["Records"]:
            log.write(record["body"] + "\\n")


def partial(event, context):
    """Reports every message whose body contains "fail" as failed."""
    _log(event)
    failed = [r["messageId"] for r in event["Records"] if "fail" in r["body"]]
    return {"batchItemFailures": [{"itemIdentifier": i} for i in failed]}


def record(event, context):
    _log(event)


def fail_once(event, context):
    """Fails the first time it sees a body listed in FAIL_ONCE; order is logged as delivered."""
    once = set(os.environ.get("FAIL_ONCE", "").split(","))
    for record in event["Records"]:
        marker = Path(os.environ["LOG"] + "." + record["body"])
        if record["body"] in once and not marker.exists():
            marker.write_text("failed")
            raise RuntimeError("first attempt of " + record["body"])
    _log(event)
'''


class Queues:
    """The queue twin on the cloud's event loop, driven from the test's thread."""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.fake = FakeQueue(cloud.app.clock)
        cloud.app.lambda_.mappings.attach("sqs", self.fake)

    def create(self, name: str, **settings: Any) -> str:
        return self.fake.create(name, **settings)

    def send(self, arn: str, *bodies: str, group: str | None = None) -> None:
        async def sending() -> None:
            for body in bodies:
                self.fake.send(arn, body, group=group)

        self.cloud.run(sending())

    def bodies(self, arn: str) -> list[str]:
        return self.fake.bodies(arn)


@pytest.fixture(scope="module")
def code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("esm_handlers")
    (directory / "handlers.py").write_text(textwrap.dedent(HANDLERS))
    return directory


@pytest.fixture(scope="module")
def cloud() -> Iterator[Cloud]:
    with triggerfish.local(virtual_clock=True, port=None) as local_cloud:
        yield local_cloud


@pytest.fixture(scope="module")
def queues(cloud: Cloud) -> Iterator[Queues]:
    made = Queues(cloud)
    yield made
    cloud.run(made.fake.close())


def _function(cloud: Cloud, code: Path, tmp_path: Path, handler: str, **settings: Any) -> tuple[str, Path]:
    name = unique("esm")
    log = tmp_path / f"{name}.log"
    environment = {"LOG": str(log), **settings.pop("environment", {})}
    cloud.create_function(name, handler=f"handlers.{handler}", code_dir=code, environment=environment, **settings)
    return name, log


def _lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_partial_batch_failure_returns_only_the_failed_messages(
    cloud: Cloud, queues: Queues, code: Path, tmp_path: Path
) -> None:
    name, log = _function(cloud, code, tmp_path, "partial")
    queue = queues.create(unique("partial"), visibility_timeout=30)
    mapping = cloud.create_event_source_mapping(
        name, queue, enabled=False, function_response_types=["ReportBatchItemFailures"]
    )
    queues.send(queue, "ok-1", "fail-2", "ok-3")
    cloud.update_event_source_mapping(mapping.uuid, enabled=True)
    cloud.settle()
    assert sorted(_lines(log)) == ["fail-2", "ok-1", "ok-3"]
    assert queues.bodies(queue) == ["fail-2"]
    cloud.advance(30)
    cloud.settle()
    assert _lines(log)[3:] == ["fail-2"]
    (invocation,) = [i for i in cloud.invocations_of(name) if len(i.event_json()["Records"]) == 1]  # type: ignore[index]
    assert invocation.event_json()["Records"][0]["attributes"]["ApproximateReceiveCount"] == "2"  # type: ignore[index]


def test_filtered_out_messages_are_dropped_without_an_invocation(
    cloud: Cloud, queues: Queues, code: Path, tmp_path: Path
) -> None:
    name, log = _function(cloud, code, tmp_path, "record")
    queue = queues.create(unique("filtered"))
    cloud.create_event_source_mapping(name, queue, filter_patterns=['{"body": {"kind": ["order"]}}'])
    queues.send(queue, '{"kind": "order", "n": 1}', '{"kind": "noise"}', "plain text")
    cloud.settle()
    assert _lines(log) == ['{"kind": "order", "n": 1}']
    assert queues.bodies(queue) == []
    assert len(cloud.invocations_of(name)) == 1


def test_a_throttled_function_makes_messages_wait(cloud: Cloud, queues: Queues, code: Path, tmp_path: Path) -> None:
    name, log = _function(cloud, code, tmp_path, "record")
    cloud.set_concurrency(name, 0)
    queue = queues.create(unique("throttled"))
    cloud.create_event_source_mapping(name, queue)
    queues.send(queue, "patient")
    cloud.settle()
    cloud.advance(600)
    cloud.settle()
    assert _lines(log) == []
    assert queues.bodies(queue) == ["patient"]
    assert queues.fake.receive_count(queue, "patient") == 0
    cloud.set_concurrency(name, None)
    cloud.settle()
    assert _lines(log) == ["patient"]
    assert queues.bodies(queue) == []


def test_fifo_order_holds_under_failures(cloud: Cloud, queues: Queues, code: Path, tmp_path: Path) -> None:
    name, log = _function(cloud, code, tmp_path, "fail_once", environment={"FAIL_ONCE": "a2"})
    queue = queues.create(unique("ordered") + ".fifo", visibility_timeout=30)
    mapping = cloud.create_event_source_mapping(name, queue, batch_size=1, enabled=False)
    queues.send(queue, "a1", "a2", "a3", group="a")
    queues.send(queue, "b1", "b2", group="b")
    cloud.update_event_source_mapping(mapping.uuid, enabled=True)
    cloud.settle()
    assert sorted(_lines(log)) == ["a1", "b1", "b2"]
    cloud.advance(30)
    cloud.settle()
    assert [line for line in _lines(log) if line.startswith("a")] == ["a1", "a2", "a3"]
    assert queues.bodies(queue) == []


def test_settle_waits_for_every_visible_message(cloud: Cloud, queues: Queues, code: Path, tmp_path: Path) -> None:
    name, log = _function(cloud, code, tmp_path, "record")
    queue = queues.create(unique("settling"))
    cloud.create_event_source_mapping(name, queue, batch_size=5, maximum_concurrency=2)
    queues.send(queue, *[f"m{i}" for i in range(40)])
    cloud.settle()
    assert sorted(_lines(log)) == sorted(f"m{i}" for i in range(40))
    assert queues.bodies(queue) == []
