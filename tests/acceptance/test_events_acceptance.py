"""EventBridge through ``triggerfish up``, driven by boto3 as a user would (spec §4).

One app runs for the whole module: a function that logs every event it is handed, deployed from a
tiny serverless.yml with a queue. The tests build buses, rules, targets, archives and replays on it
with boto3, put events, and read what arrived from the queues and from the function's log lines.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from queue_reading import nothing_more, receive
from up_process import UpProcess

pytestmark = pytest.mark.slow  # the app runs in a subprocess

ACCOUNT, REGION = "000000000000", "us-east-1"
FUNCTION = "relay-dev-sink"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/events-invoke"
ISO_SECONDS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")

SERVERLESS_YML = """\
service: relay
provider:
  name: aws
  runtime: python3.11
functions:
  sink:
    handler: handler.sink
resources:
  Resources:
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: relay-orders
"""

HANDLER = """\
def sink(event, context):
    replay = event.get("replay-name", "-")
    print(f"got {event['id']} {event['detail-type']} from {event['source']} replay {replay}")
"""


def queue_arn(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


@pytest.fixture(scope="module")
def up(
    tmp_path_factory: pytest.TempPathFactory, triggerfish_command: list[str], command_environment: dict[str, str]
) -> Iterator[UpProcess]:
    app = tmp_path_factory.mktemp("relay")
    (app / "serverless.yml").write_text(SERVERLESS_YML)
    (app / "handler.py").write_text(HANDLER)
    process = UpProcess(triggerfish_command, command_environment, app, "--no-watch")
    try:
        process.wait_ready()
        process.client("events").create_event_bus(Name="shop")
        yield process
    finally:
        process.close()


def wait_logged(up: UpProcess, pattern: str, count: int = 1, *, timeout: float = 15.0) -> None:
    """Wait until the app's output holds ``count`` lines matching ``pattern``, in any order."""
    compiled = re.compile(pattern, re.MULTILINE)
    deadline = time.monotonic() + timeout
    while len(compiled.findall(up.text)) < count:
        assert time.monotonic() < deadline, f"{count} lines matching {pattern!r} expected in:\n{up.text}"
        time.sleep(0.05)


def string_attributes(message: dict[str, Any]) -> dict[str, str]:
    attributes = message.get("MessageAttributes", {})
    assert all(value["DataType"] == "String" for value in attributes.values()), attributes
    return {name: value["StringValue"] for name, value in attributes.items()}


def test_a_prefix_rule_on_a_custom_bus_delivers_to_a_function_and_a_queue(up: UpProcess) -> None:
    events, sqs = up.client("events"), up.client("sqs")
    pattern = {"source": [{"prefix": "shop."}]}
    rule_arn = events.put_rule(Name="orders", EventBusName="shop", EventPattern=json.dumps(pattern))["RuleArn"]
    assert rule_arn == f"arn:aws:events:{REGION}:{ACCOUNT}:rule/shop/orders"
    up.client().add_permission(
        FunctionName=FUNCTION,
        StatementId="shop-orders",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
        SourceArn=rule_arn,
    )
    targets = [{"Id": "sink", "Arn": FUNCTION_ARN}, {"Id": "queue", "Arn": queue_arn("relay-orders")}]
    assert events.put_targets(Rule="orders", EventBusName="shop", Targets=targets)["FailedEntryCount"] == 0

    answer = events.put_events(
        Entries=[
            {"EventBusName": "shop", "Source": "inventory", "DetailType": "StockChanged", "Detail": '{"sku": "mug"}'},
            {
                "EventBusName": "shop",
                "Source": "shop.orders",
                "DetailType": "OrderPlaced",
                "Detail": json.dumps({"orderId": "o-1", "total": 12.5}),
                "Resources": ["arn:aws:example:::order/o-1"],
            },
        ]
    )
    assert answer["FailedEntryCount"] == 0
    event_id = answer["Entries"][1]["EventId"]

    (message,) = receive(sqs, "relay-orders", 1)
    envelope = json.loads(message["Body"])
    assert ISO_SECONDS.fullmatch(envelope.pop("time"))
    assert envelope == {
        "version": "0",
        "id": event_id,
        "detail-type": "OrderPlaced",
        "source": "shop.orders",
        "account": ACCOUNT,
        "region": REGION,
        "resources": ["arn:aws:example:::order/o-1"],
        "detail": {"orderId": "o-1", "total": 12.5},
    }
    wait_logged(up, rf"sink\s+│ got {event_id} OrderPlaced from shop\.orders replay -$")
    # routing is done when PutEvents answers: the inventory event had its chance and matched nothing
    assert nothing_more(sqs, "relay-orders")
    assert "StockChanged" not in up.text


def test_a_deleted_queue_target_sends_the_event_straight_to_its_dead_letter_queue(up: UpProcess) -> None:
    events, sqs = up.client("events"), up.client("sqs")
    sqs.create_queue(QueueName="relay-gone-dlq")
    gone = sqs.create_queue(QueueName="relay-gone")["QueueUrl"]
    rule_arn = events.put_rule(Name="to-gone", EventBusName="shop", EventPattern='{"source": ["shop.gone"]}')["RuleArn"]
    target = {"Id": "gone", "Arn": queue_arn("relay-gone"), "DeadLetterConfig": {"Arn": queue_arn("relay-gone-dlq")}}
    events.put_targets(Rule="to-gone", EventBusName="shop", Targets=[target])
    sqs.delete_queue(QueueUrl=gone)

    answer = events.put_events(
        Entries=[{"EventBusName": "shop", "Source": "shop.gone", "DetailType": "x", "Detail": "{}"}]
    )
    event_id = answer["Entries"][0]["EventId"]

    (letter,) = receive(sqs, "relay-gone-dlq", 1)
    assert json.loads(letter["Body"])["id"] == event_id  # the event itself, not the target's input
    attributes = string_attributes(letter)
    assert attributes.pop("ERROR_MESSAGE")
    # a target that does not exist is not retried (EventBridge user guide, dead-letter queues)
    assert attributes == {
        "RULE_ARN": rule_arn,
        "TARGET_ARN": queue_arn("relay-gone"),
        "ERROR_CODE": "NO_RESOURCE",
        "RETRY_ATTEMPTS": "0",
    }


class _Failing(BaseHTTPRequestHandler):
    """An API destination's endpoint that always fails with a 500, keeping each body it was sent."""

    bodies: list[bytes]

    def do_POST(self) -> None:
        self.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def failing_endpoint() -> Iterator[tuple[str, list[bytes]]]:
    bodies: list[bytes] = []
    handler = type("Handler", (_Failing,), {"bodies": bodies})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", bodies
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_a_target_that_keeps_failing_is_retried_then_dead_lettered(
    up: UpProcess, failing_endpoint: tuple[str, list[bytes]]
) -> None:
    url, bodies = failing_endpoint
    events, sqs = up.client("events"), up.client("sqs")
    sqs.create_queue(QueueName="relay-hook-dlq")
    connection = events.create_connection(
        Name="hook",
        AuthorizationType="API_KEY",
        AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "secret"}},
    )["ConnectionArn"]
    destination = events.create_api_destination(
        Name="hook", ConnectionArn=connection, InvocationEndpoint=url, HttpMethod="POST"
    )["ApiDestinationArn"]
    rule_arn = events.put_rule(Name="to-hook", EventBusName="shop", EventPattern='{"source": ["shop.hook"]}')["RuleArn"]
    target = {
        "Id": "hook",
        "Arn": destination,
        "RoleArn": ROLE,
        "RetryPolicy": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 60},
        "DeadLetterConfig": {"Arn": queue_arn("relay-hook-dlq")},
    }
    events.put_targets(Rule="to-hook", EventBusName="shop", Targets=[target])

    entry = {"EventBusName": "shop", "Source": "shop.hook", "DetailType": "Ping", "Detail": '{"n": 1}'}
    event_id = events.put_events(Entries=[entry])["Entries"][0]["EventId"]

    (letter,) = receive(sqs, "relay-hook-dlq", 1, timeout=20)
    assert json.loads(letter["Body"])["id"] == event_id
    attributes = string_attributes(letter)
    assert "HTTP 500" in attributes.pop("ERROR_MESSAGE")
    # 5xx answers are retried; after the first attempt and MaximumRetryAttempts retries the event is
    # dead-lettered, saying which limit ran out (EventBridge user guide, dead-letter queues)
    assert attributes == {
        "RULE_ARN": rule_arn,
        "TARGET_ARN": destination,
        "ERROR_CODE": "ERROR_FROM_TARGET",
        "EXHAUSTED_RETRY_CONDITION": "MaximumRetryAttempts",
        "RETRY_ATTEMPTS": "2",
    }
    assert len(bodies) == 3
    assert all(json.loads(body)["id"] == event_id for body in bodies)


def test_an_archive_replays_its_events_to_the_rules_again(up: UpProcess) -> None:
    events, sqs = up.client("events"), up.client("sqs")
    bus_arn = events.describe_event_bus(Name="shop")["Arn"]
    replayable = {"source": ["shop.replay"]}
    archive_arn = events.create_archive(
        ArchiveName="shop-replays", EventSourceArn=bus_arn, EventPattern=json.dumps(replayable)
    )["ArchiveArn"]
    sqs.create_queue(QueueName="relay-replays")
    rule_arn = events.put_rule(Name="replayed", EventBusName="shop", EventPattern=json.dumps(replayable))["RuleArn"]
    targets = [{"Id": "queue", "Arn": queue_arn("relay-replays")}, {"Id": "sink", "Arn": FUNCTION_ARN}]
    events.put_targets(Rule="replayed", EventBusName="shop", Targets=targets)

    started = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(seconds=1)
    entries = [
        {"EventBusName": "shop", "Source": "shop.replay", "DetailType": "Counted", "Detail": json.dumps({"n": n})}
        for n in (1, 2)
    ]
    ids = [entry["EventId"] for entry in events.put_events(Entries=entries)["Entries"]]
    originals = [json.loads(message["Body"]) for message in receive(sqs, "relay-replays", 2)]
    assert sorted(event["id"] for event in originals) == sorted(ids)
    assert not any("replay-name" in event for event in originals)

    events.start_replay(
        ReplayName="again",
        EventSourceArn=archive_arn,
        EventStartTime=started,
        EventEndTime=dt.datetime.now(dt.UTC),  # after both events: their times are whole seconds before it
        Destination={"Arn": bus_arn, "FilterArns": [rule_arn]},
    )
    deadline = time.monotonic() + 15
    while (state := events.describe_replay(ReplayName="again")["State"]) != "COMPLETED":
        assert state in ("STARTING", "RUNNING") and time.monotonic() < deadline, state
        time.sleep(0.1)

    replayed = [json.loads(message["Body"]) for message in receive(sqs, "relay-replays", 2)]
    # the same events, ids and all, now carrying the name of the replay that sent them (§4.5)
    assert sorted(event["id"] for event in replayed) == sorted(ids)
    assert all(event["replay-name"] == "again" for event in replayed)
    assert sorted(event["detail"]["n"] for event in replayed) == [1, 2]
    wait_logged(up, rf"sink\s+│ got ({'|'.join(ids)}) Counted from shop\.replay replay again$", 2)
    assert nothing_more(sqs, "relay-replays")
