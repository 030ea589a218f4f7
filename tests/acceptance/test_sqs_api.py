"""The SQS API through ``triggerfish serve``, driven by boto3 and the aws CLI as a user would (spec §2.1)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from up_process import free_port

pytestmark = pytest.mark.slow

VENV_BIN = Path(sys.executable).parent
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
STARTUP_TIMEOUT = 30.0
ACCOUNT = "000000000000"


@dataclass
class Server:
    url: str
    port: int
    data_dir: Path
    process: subprocess.Popen[bytes]


def _start(root: Path, port: int) -> Server:
    command = [str(VENV_BIN / "triggerfish"), "serve", "--port", str(port), "--data-dir", str(root / "data")]
    log = (root / "serve.log").open("ab")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    log.close()
    server = Server(f"http://127.0.0.1:{port}", port, root / "data", process)
    _wait_ready(server)
    return server


def _wait_ready(server: Server) -> None:
    import urllib.request

    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"triggerfish serve exited with {server.process.returncode}")
        try:
            with urllib.request.urlopen(f"{server.url}/_triggerfish/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError("triggerfish serve did not become ready")


def _stop(server: Server) -> None:
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = _start(tmp_path_factory.mktemp("sqs"), free_port())
    try:
        yield running
    finally:
        _stop(running)
    assert running.process.returncode in (0, -signal.SIGTERM)


def _client(url: str) -> Any:
    return boto3.client(
        "sqs",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}, read_timeout=60),
    )


@pytest.fixture(scope="module")
def sqs(server: Server) -> Iterator[Any]:
    client = _client(server.url)
    yield client
    client.close()


def attributes_md5(attributes: Mapping[str, Mapping[str, Any]]) -> str:
    """The SQS developer guide's digest of message attributes, written out independently."""
    digest = hashlib.md5(usedforsecurity=False)

    def field(data: bytes) -> None:
        digest.update(struct.pack(">I", len(data)) + data)

    for name in sorted(attributes):
        value = attributes[name]
        field(name.encode())
        field(value["DataType"].encode())
        if "BinaryValue" in value:
            digest.update(b"\x02")
            field(value["BinaryValue"])
        else:
            digest.update(b"\x01")
            field(value["StringValue"].encode())
    return digest.hexdigest()


def test_create_send_receive_delete_with_digests(sqs: Any, server: Server) -> None:
    url = sqs.create_queue(QueueName="basic")["QueueUrl"]
    assert url == f"{server.url}/{ACCOUNT}/basic"
    attributes: dict[str, dict[str, Any]] = {
        "Author": {"DataType": "String", "StringValue": "John"},
        "Count": {"DataType": "Number", "StringValue": "42"},
        "Blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
    }
    sent = sqs.send_message(QueueUrl=url, MessageBody="Test message. 🐟", MessageAttributes=attributes)
    assert sent["MD5OfMessageBody"] == hashlib.md5("Test message. 🐟".encode()).hexdigest()
    assert sent["MD5OfMessageAttributes"] == attributes_md5(attributes)
    got = sqs.receive_message(
        QueueUrl=url, MessageAttributeNames=["All"], MessageSystemAttributeNames=["All"], MaxNumberOfMessages=10
    )["Messages"]
    (message,) = got
    assert message["MessageId"] == sent["MessageId"]
    assert message["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert message["MessageAttributes"] == attributes
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"
    assert set(message["Attributes"]) == {
        "SenderId",
        "SentTimestamp",
        "ApproximateReceiveCount",
        "ApproximateFirstReceiveTimestamp",
    }
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == counts["ApproximateNumberOfMessagesNotVisible"] == "0"
    assert counts["QueueArn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:basic"


def test_attribute_selection_and_its_digest(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="selection")["QueueUrl"]
    attributes = {
        name: {"DataType": "String", "StringValue": value}
        for name, value in (("Hello", "There"), ("Help.Me", "Me"), ("General", "Kenobi"))
    }
    sqs.send_message(QueueUrl=url, MessageBody="msg", MessageAttributes=attributes)
    (message,) = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["Help.*", "Hello"], VisibilityTimeout=0)[
        "Messages"
    ]
    chosen = {name: attributes[name] for name in ("Hello", "Help.Me")}
    assert message["MessageAttributes"] == chosen
    assert message["MD5OfMessageAttributes"] == attributes_md5(chosen)
    assert "Attributes" not in message
    (plain,) = sqs.receive_message(QueueUrl=url, AttributeNames=["SenderId"], VisibilityTimeout=0)["Messages"]
    assert set(plain["Attributes"]) == {"SenderId"}
    assert "MessageAttributes" not in plain and "MD5OfMessageAttributes" not in plain


def test_batches(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="batches")["QueueUrl"]
    sent = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[{"Id": "ok", "MessageBody": "fine"}, {"Id": "bad", "MessageBody": "nul \x00 inside"}],
    )
    assert [entry["Id"] for entry in sent["Successful"]] == ["ok"]
    assert sent["Failed"][0]["Id"] == "bad" and sent["Failed"][0]["Code"] == "InvalidMessageContents"
    with pytest.raises(sqs.exceptions.BatchEntryIdsNotDistinct):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "1"}, {"Id": "a", "MessageBody": "2"}])
    with pytest.raises(sqs.exceptions.TooManyEntriesInBatchRequest):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(n), "MessageBody": "x"} for n in range(11)])
    with pytest.raises(sqs.exceptions.EmptyBatchRequest):
        sqs.delete_message_batch(QueueUrl=url, Entries=[])
    (message,) = sqs.receive_message(QueueUrl=url)["Messages"]
    deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": "x", "ReceiptHandle": message["ReceiptHandle"]}])
    assert deleted["Successful"] == [{"Id": "x"}]


def test_errors_as_boto3_sees_them(sqs: Any) -> None:
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as missing:
        sqs.get_queue_url(QueueName="no-such-queue")
    assert missing.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    url = sqs.create_queue(QueueName="errors", Attributes={"DelaySeconds": "1"})["QueueUrl"]
    with pytest.raises(sqs.exceptions.QueueNameExists) as exists:
        sqs.create_queue(QueueName="errors", Attributes={"DelaySeconds": "2"})
    assert exists.value.response["Error"]["Code"] == "QueueAlreadyExists"
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.delete_message(QueueUrl=url, ReceiptHandle="not-a-handle")
    with pytest.raises(sqs.exceptions.InvalidAttributeName):
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Bogus"])
    sqs.purge_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.PurgeQueueInProgress) as purge:
        sqs.purge_queue(QueueUrl=url)
    assert purge.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(sqs.exceptions.ClientError) as invalid:
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=11)
    assert invalid.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_long_polling_returns_as_soon_as_a_message_arrives(sqs: Any, server: Server) -> None:
    url = sqs.create_queue(QueueName="long-poll")["QueueUrl"]
    sender = _client(server.url)

    def send_soon() -> None:
        time.sleep(0.3)
        sender.send_message(QueueUrl=url, MessageBody="wake up")

    thread = threading.Thread(target=send_soon)
    started = time.monotonic()
    thread.start()
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20)["Messages"]
    elapsed = time.monotonic() - started
    thread.join()
    sender.close()
    assert [m["Body"] for m in got] == ["wake up"]
    assert elapsed < 10  # far less than the 20 s it would have waited


def test_fifo_order_and_deduplication(sqs: Any) -> None:
    url = sqs.create_queue(
        QueueName="orders.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    )["QueueUrl"]
    first = sqs.send_message(QueueUrl=url, MessageBody="one", MessageGroupId="g")
    duplicate = sqs.send_message(QueueUrl=url, MessageBody="one", MessageGroupId="g")
    assert duplicate["MessageId"] == first["MessageId"]
    assert len(first["SequenceNumber"]) >= 20
    for body in ("two", "three"):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in got] == ["one", "two", "three"]
    numbers = [int(m["Attributes"]["SequenceNumber"]) for m in got]
    assert numbers == sorted(numbers)
    assert "Messages" not in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)  # the group is in flight


def test_dead_letter_queue_and_redrive_back(sqs: Any) -> None:
    dlq_url = sqs.create_queue(QueueName="poison-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    url = sqs.create_queue(QueueName="poison", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    sent = sqs.send_message(QueueUrl=url, MessageBody="bad news")
    for _ in range(2):  # received and "failed" twice: visible again at once
        assert sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"]
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    (dead,) = sqs.receive_message(QueueUrl=dlq_url, MessageSystemAttributeNames=["All"], VisibilityTimeout=0)[
        "Messages"
    ]
    assert dead["MessageId"] == sent["MessageId"]
    assert dead["Attributes"]["DeadLetterQueueSourceArn"].endswith(":poison")
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq_url)["queueUrls"] == [url]

    handle = sqs.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
    deadline = time.monotonic() + 20
    while True:
        (task,) = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
        if task["Status"] != "RUNNING" or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert (task["Status"], task["ApproximateNumberOfMessagesMoved"]) == ("COMPLETED", 1)
    assert handle
    (back,) = sqs.receive_message(QueueUrl=url)["Messages"]
    assert back["Body"] == "bad news"


def aws(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **CREDENTIALS}
    command = [str(VENV_BIN / "aws"), "--endpoint-url", server.url, "--output", "json", "sqs", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_aws_cli(server: Server) -> None:
    created = aws(server, "create-queue", "--queue-name", "from-cli", "--attributes", "VisibilityTimeout=45")
    assert created.returncode == 0, created.stderr
    url = json.loads(created.stdout)["QueueUrl"]
    sent = aws(server, "send-message", "--queue-url", url, "--message-body", "hello from the CLI")
    assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout)["MD5OfMessageBody"] == hashlib.md5(b"hello from the CLI").hexdigest()
    received = aws(server, "receive-message", "--queue-url", url, "--wait-time-seconds", "1")
    assert received.returncode == 0, received.stderr
    (message,) = json.loads(received.stdout)["Messages"]
    assert message["Body"] == "hello from the CLI"
    attributes = aws(server, "get-queue-attributes", "--queue-url", url, "--attribute-names", "All")
    assert json.loads(attributes.stdout)["Attributes"]["VisibilityTimeout"] == "45"
    assert (
        aws(server, "delete-message", "--queue-url", url, "--receipt-handle", message["ReceiptHandle"]).returncode == 0
    )
    listed = aws(server, "list-queues", "--queue-name-prefix", "from-")
    assert json.loads(listed.stdout)["QueueUrls"] == [url]
    assert aws(server, "delete-queue", "--queue-url", url).returncode == 0
    missing = aws(server, "get-queue-url", "--queue-name", "from-cli")
    assert missing.returncode != 0
    assert "NonExistentQueue" in missing.stderr


def test_acknowledged_messages_survive_sigkill_of_serve(tmp_path: Path) -> None:
    port = free_port()
    first = _start(tmp_path, port)
    client = _client(first.url)
    try:
        url = client.create_queue(QueueName="durable")["QueueUrl"]
        ids = {client.send_message(QueueUrl=url, MessageBody=f"m{n}")["MessageId"] for n in range(20)}
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
    finally:
        client.close()
        if first.process.poll() is None:
            first.process.kill()
            first.process.wait()
    second = _start(tmp_path, port)
    client = _client(second.url)
    try:
        received: set[str] = set()
        while batch := client.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
            received.update(message["MessageId"] for message in batch)
        assert received == ids
    finally:
        client.close()
        _stop(second)
