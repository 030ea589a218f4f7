"""EventBridge with boto3 over real HTTP: the events provider behind the endpoint's server on 127.0.0.1,
state in a SQLite file that outlives a restart. The pattern vectors of ``tests/conformance/data``
go through TestEventPattern over the wire."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from invocation_harness import RecordingDeliverer

from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.providers.events import EventsProvider
from triggerfish.aws.server import HttpServer
from triggerfish.core.clock import SystemClock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.work import WorkTracker
from triggerfish.services.events import EventsService
from triggerfish.services.ticker import Ticker
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

T = TypeVar("T")
ACCOUNT, REGION = "000000000000", "us-east-1"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders"
PATTERNS = Path(__file__).parents[1] / "conformance" / "data" / "patterns"
ENVELOPE = ("id", "account", "source", "time", "region", "detail-type")


class Endpoint:
    """The events provider on a real HTTP server, on an event loop of its own thread."""

    def __init__(self, data_dir: Path | None) -> None:
        self._data_dir = data_dir
        self.recorder = RecordingDeliverer()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.run(self._start())

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(30)

    async def _start(self) -> None:
        self.store: Store = open_store(self._data_dir)
        await self.store.open()
        clock, deliveries = SystemClock(), DeliveryRegistry()
        deliveries.register("sqs", self.recorder)
        self.tracker = WorkTracker()
        self.ticker = Ticker(clock, self.tracker)
        await self.ticker.start()
        self.service = EventsService(
            self.store.documents, clock, deliveries, self.tracker, self.ticker, self.store.pending("events")
        )
        await self.service.start()
        self.http = HttpServer(AwsApp({"events": EventsProvider(self.service)}), "127.0.0.1", 0)
        await self.http.start()

    def client(self) -> Any:
        return boto3.client(
            "events",
            endpoint_url=self.http.url,
            region_name=REGION,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1}),
        )

    def wait_for_deliveries(self, count: int) -> None:
        async def wait() -> None:
            while len(self.recorder.deliveries) < count:
                await self.tracker.wait_changed(0.05)

        self.run(asyncio.wait_for(wait(), 10))

    async def _stop(self) -> None:
        await self.http.stop()
        await self.service.close()
        await self.ticker.close()
        await self.store.close()

    def close(self) -> None:
        self.run(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[Endpoint]:
    running = Endpoint(tmp_path / "data")
    yield running
    running.close()


@pytest.fixture(scope="module")
def shared() -> Iterator[Endpoint]:
    running = Endpoint(None)
    yield running
    running.close()


def error_of(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def test_buses_permissions_and_tags_round_trip(endpoint: Endpoint) -> None:
    events = endpoint.client()
    created = events.create_event_bus(Name="orders", Description="test bus", Tags=[{"Key": "team", "Value": "a"}])
    arn = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/orders"
    assert (created["EventBusArn"], created["Description"]) == (arn, "test bus")
    for i in range(3):
        events.create_event_bus(Name=f"orders-{i}")
    described = events.describe_event_bus(Name="orders")
    assert (described["Name"], described["Arn"], described["Description"]) == ("orders", arn, "test bus")
    assert described["CreationTime"] == described["LastModifiedTime"]
    assert events.describe_event_bus()["Name"] == "default"

    first = events.list_event_buses(NamePrefix="orders", Limit=2)
    rest = events.list_event_buses(NamePrefix="orders", Limit=2, NextToken=first["NextToken"])
    assert [b["Name"] for b in first["EventBuses"] + rest["EventBuses"]] == [
        "orders",
        "orders-0",
        "orders-1",
        "orders-2",
    ]
    assert "NextToken" not in rest
    assert events.list_event_buses()["EventBuses"][0]["Name"] == "default"

    updated = events.update_event_bus(Name="orders", Description="new")
    assert (updated["Arn"], updated["Description"]) == (arn, "new")

    events.put_permission(EventBusName="orders", Action="events:PutEvents", Principal="111111111111", StatementId="s1")
    events.put_permission(EventBusName="orders", Action="events:PutEvents", Principal="*", StatementId="s2")
    policy = json.loads(events.describe_event_bus(Name="orders")["Policy"])
    assert [s["Principal"] for s in policy["Statement"]] == [{"AWS": "arn:aws:iam::111111111111:root"}, "*"]
    events.remove_permission(EventBusName="orders", StatementId="s1")
    assert len(json.loads(events.describe_event_bus(Name="orders")["Policy"])["Statement"]) == 1
    assert error_of(events.remove_permission, EventBusName="orders", StatementId="nope") == (
        "ResourceNotFoundException",
        "Statement with the provided id does not exist.",
    )
    events.remove_permission(EventBusName="orders", RemoveAllPermissions=True)
    assert "Policy" not in events.describe_event_bus(Name="orders")

    events.tag_resource(ResourceARN=arn, Tags=[{"Key": "env", "Value": "dev"}])
    events.untag_resource(ResourceARN=arn, TagKeys=["team"])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]

    assert error_of(events.create_event_bus, Name="orders") == (
        "ResourceAlreadyExistsException",
        "Event bus orders already exists.",
    )
    assert error_of(events.delete_event_bus, Name="default") == (
        "ValidationException",
        "Cannot delete event bus default.",
    )
    events.delete_event_bus(Name="orders")
    events.delete_event_bus(Name="orders")  # already gone: still a success
    assert error_of(events.describe_event_bus, Name="orders") == (
        "ResourceNotFoundException",
        "Event bus orders does not exist.",
    )


def test_rules_and_targets_round_trip(endpoint: Endpoint) -> None:
    events = endpoint.client()
    events.create_event_bus(Name="orders")
    pattern = json.dumps({"source": ["shop"]})
    rule_arn = events.put_rule(Name="r1", EventBusName="orders", EventPattern=pattern, Description="d")["RuleArn"]
    assert rule_arn == f"arn:aws:events:{REGION}:{ACCOUNT}:rule/orders/r1"
    for name in ("r2", "r3"):
        events.put_rule(Name=name, EventBusName="orders", EventPattern=pattern)
    described = events.describe_rule(Name="r1", EventBusName="orders")
    assert described == {
        "Name": "r1",
        "Arn": rule_arn,
        "EventPattern": pattern,
        "State": "ENABLED",
        "Description": "d",
        "EventBusName": "orders",
        "CreatedBy": ACCOUNT,
        "ResponseMetadata": described["ResponseMetadata"],
    }
    page1 = events.list_rules(EventBusName="orders", Limit=2)
    page2 = events.list_rules(EventBusName="orders", Limit=2, NextToken=page1["NextToken"])
    assert [r["Name"] for r in page1["Rules"] + page2["Rules"]] == ["r1", "r2", "r3"]
    assert events.list_rules(EventBusName="orders", NamePrefix="r2")["Rules"][0]["Arn"].endswith("/r2")

    events.disable_rule(Name="r1", EventBusName="orders")
    assert events.describe_rule(Name="r1", EventBusName="orders")["State"] == "DISABLED"
    events.enable_rule(Name="r1", EventBusName="orders")

    target = {"Id": "t1", "Arn": QUEUE, "InputPath": "$.detail", "RetryPolicy": {"MaximumRetryAttempts": 3}}
    put = events.put_targets(Rule="r1", EventBusName="orders", Targets=[target])
    assert (put["FailedEntryCount"], put["FailedEntries"]) == (0, [])
    events.put_targets(Rule="r2", EventBusName="orders", Targets=[{"Id": "t1", "Arn": QUEUE}])
    assert events.list_targets_by_rule(Rule="r1", EventBusName="orders")["Targets"] == [target]
    names = events.list_rule_names_by_target(TargetArn=QUEUE, EventBusName="orders", Limit=1)
    more = events.list_rule_names_by_target(TargetArn=QUEUE, EventBusName="orders", NextToken=names["NextToken"])
    assert names["RuleNames"] + more["RuleNames"] == ["r1", "r2"]

    seven = [{"Id": f"x{i}", "Arn": QUEUE} for i in range(7)]
    code, message = error_of(events.put_targets, Rule="r1", EventBusName="orders", Targets=seven)
    assert (code, message) == ("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
    code, message = error_of(events.put_targets, Rule="r1", Targets=[{"Id": "!@#$@!#$", "Arn": QUEUE}])
    assert code == "ValidationException" and "at 'targets.1.member.id'" in message
    assert error_of(events.delete_rule, Name="r1", EventBusName="orders") == (
        "ValidationException",
        "Rule can't be deleted since it has targets.",
    )
    removed = events.remove_targets(Rule="r1", EventBusName="orders", Ids=["t1"])
    assert removed["FailedEntryCount"] == 0
    events.delete_rule(Name="r1", EventBusName="orders")
    assert error_of(events.describe_rule, Name="r1", EventBusName="orders") == (
        "ResourceNotFoundException",
        "Rule r1 does not exist on EventBus orders.",
    )
    assert error_of(events.put_rule, Name="s", EventBusName="orders", ScheduleExpression="rate(5 minutes)") == (
        "ValidationException",
        "ScheduleExpression is supported only on the default event bus.",
    )
    assert error_of(events.put_rule, Name="s", ScheduleExpression="cron(0 1 * * * *)") == (
        "ValidationException",
        "Parameter ScheduleExpression is not valid.",
    )
    code, message = error_of(events.put_rule, Name="p", EventPattern='{"source": "shop"}')
    assert code == "InvalidEventPatternException" and message.startswith("Event pattern is not valid. Reason: ")
    events.tag_resource(ResourceARN=rule_arn.replace("/r1", "/r2"), Tags=[{"Key": "k", "Value": "v"}])
    assert events.list_tags_for_resource(ResourceARN=rule_arn.replace("/r1", "/r2"))["Tags"] == [
        {"Key": "k", "Value": "v"}
    ]


def test_put_events_answers_entry_by_entry_and_delivers(endpoint: Endpoint) -> None:
    events = endpoint.client()
    events.put_rule(Name="shop", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="shop", Targets=[{"Id": "q", "Arn": QUEUE}])
    answer = events.put_events(
        Entries=[
            {"Source": "shop", "DetailType": "order", "Detail": json.dumps({"id": 7})},
            {"DetailType": "order", "Detail": "{}"},
            {"Source": "shop", "DetailType": "order", "Detail": "[1]"},
            {"Source": "aws.s3", "DetailType": "order", "Detail": "{}"},
            {"Source": "shop", "DetailType": "order", "Detail": "{}", "EventBusName": "nowhere"},
        ]
    )
    assert answer["FailedEntryCount"] == 3
    entries = answer["Entries"]
    assert "EventId" in entries[0] and "EventId" in entries[4]
    assert [(e.get("ErrorCode"), e.get("ErrorMessage")) for e in entries[1:4]] == [
        ("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."),
        ("MalformedDetail", "Detail is malformed."),
        ("NotAuthorizedForSourceException", "Not authorized for the source."),
    ]
    endpoint.wait_for_deliveries(1)
    ((arn, delivery),) = endpoint.recorder.deliveries
    delivered = json.loads(delivery.body)
    assert (arn, delivered["id"], delivered["detail"]) == (QUEUE, entries[0]["EventId"], {"id": 7})

    huge = {"Source": "s", "DetailType": "d", "Detail": json.dumps({"x": "y" * 300_000})}
    assert error_of(events.put_events, Entries=[huge]) == (
        "ValidationException",
        "Total size of the entries in the request is over the limit.",
    )
    code, message = error_of(events.put_events, Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}"}] * 11)
    assert code == "ValidationException" and "at 'entries'" in message


def test_buses_rules_and_targets_survive_a_restart(tmp_path: Path) -> None:
    first = Endpoint(tmp_path / "data")
    events = first.client()
    events.create_event_bus(Name="orders", Description="kept")
    events.put_rule(Name="r1", EventBusName="orders", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="r1", EventBusName="orders", Targets=[{"Id": "t1", "Arn": QUEUE, "Input": '{"a": 1}'}])
    events.put_permission(Action="events:PutEvents", Principal="111111111111", StatementId="s1")
    first.close()

    second = Endpoint(tmp_path / "data")
    try:
        events = second.client()
        assert events.describe_event_bus(Name="orders")["Description"] == "kept"
        assert events.describe_rule(Name="r1", EventBusName="orders")["State"] == "ENABLED"
        targets = events.list_targets_by_rule(Rule="r1", EventBusName="orders")["Targets"]
        assert targets == [{"Id": "t1", "Arn": QUEUE, "Input": '{"a": 1}'}]
        assert "111111111111" in events.describe_event_bus()["Policy"]
        events.put_events(Entries=[{"Source": "shop", "DetailType": "d", "Detail": "{}", "EventBusName": "orders"}])
        second.wait_for_deliveries(1)
        assert second.recorder.records_to(QUEUE) == [{"a": 1}]
    finally:
        second.close()


def _rows(name: str) -> list[dict[str, Any]]:
    with (PATTERNS / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _text(row: dict[str, Any], raw: str, parsed: str) -> str:
    return str(row[raw]) if raw in row else json.dumps(row[parsed])


def _whole_event(row: dict[str, Any]) -> bool:
    event = json.loads(row["event_raw"]) if "event_raw" in row else row.get("event")
    return isinstance(event, dict) and all(name in event for name in ENVELOPE)


MATCH_ROWS = [row for row in _rows("cases.jsonl") if _whole_event(row)]
VALIDITY_ROWS = _rows("validity.jsonl")
# rows about the pattern alone are tried with an event that has every envelope field
SAMPLE_EVENT = dict.fromkeys(ENVELOPE, "x") | {"detail": {}}


@pytest.mark.parametrize("row", MATCH_ROWS, ids=[f"{n:03d}-{r.get('name', '')}"[:60] for n, r in enumerate(MATCH_ROWS)])
def test_pattern_vectors_over_the_wire(shared: Endpoint, row: dict[str, Any]) -> None:
    answer = shared.client().test_event_pattern(
        EventPattern=_text(row, "pattern_raw", "pattern"), Event=_text(row, "event_raw", "event")
    )
    assert answer["Result"] is row["match"]


@pytest.mark.parametrize(
    "row", VALIDITY_ROWS, ids=[f"{n:03d}-{r.get('name', '')}"[:60] for n, r in enumerate(VALIDITY_ROWS)]
)
def test_pattern_validity_over_the_wire(shared: Endpoint, row: dict[str, Any]) -> None:
    events = shared.client()
    pattern = _text(row, "pattern_raw", "pattern")
    event = _text(row, "event_raw", "event") if "event" in row or "event_raw" in row else json.dumps(SAMPLE_EVENT)
    if row.get("invalid_part") == "event":
        assert error_of(events.test_event_pattern, EventPattern=pattern, Event=event) == (
            "ValidationException",
            row["error_message"],
        )
    elif row["valid"]:
        assert isinstance(events.test_event_pattern(EventPattern=pattern, Event=event)["Result"], bool)
    else:
        code, message = error_of(events.test_event_pattern, EventPattern=pattern, Event=event)
        assert code == "InvalidEventPatternException"
        expected = row.get("error_message")
        if row.get("error_code") == "InvalidEventPatternException":
            assert message == expected
        else:
            assert message.startswith("Event pattern is not valid. Reason: " + (expected or ""))
