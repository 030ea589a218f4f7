"""``triggerfish up`` on the example app: deploy, invoke, hot reload, redeploy, Ctrl-C, restart."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from up_process import UpProcess, free_port

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "orders"

pytestmark = pytest.mark.slow  # each test starts the command in a new process


@pytest.fixture
def app(tmp_path: Path) -> Path:
    copy = tmp_path / "orders"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns(".triggerfish", "__pycache__"))
    return copy


@pytest.fixture
def start(triggerfish_command: list[str], command_environment: dict[str, str]) -> Iterator[object]:
    started: list[UpProcess] = []

    def _start(app: Path, *extra: str) -> UpProcess:
        process = UpProcess(triggerfish_command, command_environment, app, *extra)
        started.append(process)
        return process

    yield _start
    for process in started:
        process.close()


def _invoke(up: UpProcess, name: str, event: object) -> dict[str, object]:
    response = up.client().invoke(FunctionName=name, Payload=json.dumps(event).encode())
    assert "FunctionError" not in response, response["Payload"].read()
    result: dict[str, object] = json.loads(response["Payload"].read())
    return result


def _receive_one(up: UpProcess, queue: str) -> dict[str, Any]:
    sqs = up.client("sqs")
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    for _ in range(4):
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10, AttributeNames=["All"]).get("Messages", [])
        if messages:
            message: dict[str, Any] = messages[0]
            return message
    raise AssertionError(f"nothing arrived in {queue}")


def test_serverless_app_runs_reloads_and_keeps_state(app: Path, start) -> None:  # type: ignore[no-untyped-def]
    http_port = free_port()
    up = start(app, "--http-port", str(http_port))
    summary = up.wait_ready()
    for name in ("orders-dev-place", "orders-dev-fulfil", "orders-dev-notify", "orders-dev-auditFailure"):
        assert name in summary
    destinations = "async on success → orders-dev-notify, on failure → sqs orders-dev-failed-orders"
    assert f"orders-dev-fulfil: {destinations}" in summary
    assert "sqs orders-dev-failed-orders → orders-dev-auditFailure (batch 10, partial batch failures)" in summary
    assert "events on bus orders-dev → orders-dev-track" in summary
    assert "schedule cron(* * * * ? *) → orders-dev-report" in summary
    assert "s3 orders-dev-uploads s3:ObjectCreated:* (prefix incoming/ suffix .json) → orders-dev-ingest" in summary
    assert "sns orders-dev-shipments → orders-dev-invoice" in summary
    assert "sns orders-dev-shipments → orders-dev-expressDesk (filtered)" in summary
    stream = "dynamodb stream orders-dev-orders → orders-dev-tally (batch 100, TRIM_HORIZON, bisect, retries 2"
    assert stream in summary

    assert re.search(rf"POST /orders\s+http://127\.0\.0\.1:{http_port}/orders\s+→ orders-dev-place", summary)
    order = urllib.request.Request(
        f"http://127.0.0.1:{http_port}/orders",
        data=b'{"orderId": "o-0", "items": ["mug"]}',
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(order, timeout=30) as response:
        assert (response.status, json.loads(response.read())["orderId"]) == (202, "o-0")
    up.wait_for(r"notify\s+│ order o-0 shipped 1 item\(s\)")

    placed = _invoke(up, "orders-dev-place", {"orderId": "o-1", "items": ["book"]})
    assert placed == {"orderId": "o-1", "status": "accepted", "items": 1}
    # the async chain runs: fulfil, then its on-success destination, each with its own log lines
    up.wait_for(r"notify\s+│ order o-1 shipped 1 item\(s\)")
    up.wait_for(r"notify\s+│ REPORT RequestId: ")
    # place announced the order on the bus; the rule's prefix pattern sent it to track
    up.wait_seen(r"track\s+│ tracking order o-1 \(OrderPlaced from orders.place")

    # shipped orders fan out through the topic: every one is invoiced, only express ones reach the desk
    up.wait_seen(r"invoice\s+│ invoicing order o-1 \(OrderShipped\)")

    # the orders table's stream keeps the totals: o-0 and o-1 were placed, then shipped
    dynamodb = up.client("dynamodb")
    deadline = time.monotonic() + 30
    while _count(dynamodb, "status#shipped") < 2:
        assert time.monotonic() < deadline, up.text
        time.sleep(0.1)
    up.wait_seen(r"tally\s+│ tallied \d+ change\(s\)")
    shipped = dynamodb.query(
        TableName="orders-dev-orders",
        IndexName="byStatus",
        KeyConditionExpression="#s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "shipped"}},
    )["Items"]
    assert {item["orderId"]["S"] for item in shipped} >= {"o-0", "o-1"}

    # a file of orders uploaded under incoming/ is ingested, and each order placed
    batch = [{"orderId": "o-up", "items": ["kettle"], "priority": "express"}]
    up.client("s3").put_object(Bucket="orders-dev-uploads", Key="incoming/batch.json", Body=json.dumps(batch).encode())
    up.wait_seen(r"ingest\s+│ ingested 1 order\(s\) from s3://orders-dev-uploads/incoming/batch\.json")
    up.wait_seen(r"expressDesk\s+│ express desk: order o-up is express")
    assert "express desk: order o-1 " not in up.text

    # a failure the auditor cannot handle comes back from the queue, then lands in its dead-letter queue
    _invoke(up, "orders-dev-place", {"orderId": "o-poison", "items": ["poison"]})
    up.wait_for(r"auditFailure\s+│ order o-poison cannot be audited \(receive 3\)", timeout=60)
    dead = _receive_one(up, "orders-dev-failed-orders-dlq")
    record = json.loads(dead["Body"])
    assert record["requestPayload"] == {"orderId": "o-poison", "items": ["poison"], "priority": "standard"}
    assert dead["Attributes"]["ApproximateReceiveCount"] == "4"

    handlers = app / "src" / "orders.py"
    handlers.write_text(handlers.read_text().replace('"status": "accepted"', '"status": "received"'))
    up.wait_for(r"↻ reloaded .*orders-dev-place")
    assert _invoke(up, "orders-dev-place", {"orderId": "o-2", "items": ["pen"]})["status"] == "received"

    definition = app / "serverless.yml"
    definition.write_text(definition.read_text().replace("memorySize: 256", "memorySize: 512"))
    up.wait_for(r"↻ redeployed: updated .*PlaceLambdaFunction")
    assert up.client().get_function(FunctionName="orders-dev-place")["Configuration"]["MemorySize"] == 512
    revision = up.client().get_function(FunctionName="orders-dev-place")["Configuration"]["RevisionId"]

    assert up.interrupt() == 0
    assert "triggerfish: stopped" in up.text
    # the functions' own tracebacks are their log; triggerfish itself never prints one
    assert not [line for line in up.output if "Traceback" in line and " │ " not in line]

    again = start(app)
    again.wait_ready()
    configuration = again.client().get_function(FunctionName="orders-dev-place")["Configuration"]
    assert configuration["RevisionId"] == revision  # nothing changed, nothing redeployed
    assert configuration["MemorySize"] == 512
    assert _invoke(again, "orders-dev-place", {"orderId": "o-3", "items": ["cup"]})["status"] == "received"
    assert again.interrupt() == 0


def test_sam_form_of_the_example(app: Path, start) -> None:  # type: ignore[no-untyped-def]
    up = start(app / "template.yaml")
    summary = up.wait_ready()
    assert "sam" in summary
    functions = {f["FunctionName"]: f for f in up.client().list_functions()["Functions"]}
    place = next(f for name, f in functions.items() if name.startswith("orders-PlaceFunction-"))
    assert place["MemorySize"] == 256 and place["Timeout"] == 10  # from Globals
    assert place["Environment"]["Variables"]["OUT_OF_STOCK"] == "anvil,rocket-skates"
    result = _invoke(up, place["FunctionName"], {"orderId": "s-1", "items": ["anvil"]})
    assert result["status"] == "accepted"
    # anvil is out of stock: fulfil fails twice (one retry), then the failure destination runs
    up.wait_for(r"AuditFailureFunction\s+│ order s-1 failed after 2 attempt\(s\): RuntimeError", timeout=60)
    assert up.interrupt() == 0


def test_invoke_a_function_of_the_running_app(
    app: Path, start, triggerfish_command: list[str], command_environment: dict[str, str], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    up = start(app)
    up.wait_ready()
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"orderId": "cli-1", "items": ["a", "b"]}))
    done = subprocess.run(
        [*triggerfish_command, "invoke", "place", "--event", str(event), "--endpoint", up.endpoint],
        capture_output=True,
        text=True,
        env=command_environment,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"orderId": "cli-1", "status": "accepted", "items": 2}
    assert "REPORT RequestId:" in done.stderr

    missing = subprocess.run(
        [*triggerfish_command, "invoke", "nope", "--endpoint", up.endpoint],
        capture_output=True,
        text=True,
        env=command_environment,
        timeout=60,
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("triggerfish: no function 'nope' in the running app")
    assert up.interrupt() == 0


def test_invalid_definition_is_one_line_naming_file_and_resource(tmp_path: Path, start) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "template.yaml").write_text(
        "Resources:\n"
        "  Broken:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Handler: app.handler\n"
        "      Code: ./src\n"
        "      Role: !GetAtt Missing.Arn\n"
    )
    up = start(tmp_path)
    assert up.wait_exit() == 1
    assert "Traceback" not in up.text
    assert up.text.startswith("triggerfish: template.yaml: Resources.Broken: ")
    assert "Missing" in up.text


def test_no_definition_found(tmp_path: Path, start) -> None:  # type: ignore[no-untyped-def]
    up = start(tmp_path)
    assert up.wait_exit() == 1
    assert up.text.strip() == f"triggerfish: no serverless.yml, template.yaml or template.yml in {tmp_path.resolve()}"


def _count(dynamodb: Any, metric: str) -> int:
    item = dynamodb.get_item(TableName="orders-dev-totals", Key={"metric": {"S": metric}}).get("Item")
    return int(item["count"]["N"]) if item else 0
