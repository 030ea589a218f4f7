"""S3 notifications and SNS fan-out through ``triggerfish up``, driven by boto3 and the aws CLI as a user
would (spec §3, §5).

One app runs for the whole module, deployed from a small serverless.yml: ``thumbs`` is notified of
``.png`` uploads under ``logos/`` of the ``media-uploads`` bucket; ``audit`` logs what SNS hands it.
The tests upload with the aws CLI (``cp``, ``sync``, a 50 MB multipart upload) and boto3, build a
topic with several kinds of subscribers, and read what arrived from queues, an HTTP server on
127.0.0.1 and the functions' log lines.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from queue_reading import nothing_more, receive
from up_process import UpProcess

pytestmark = pytest.mark.slow  # the app runs in a subprocess

ACCOUNT, REGION = "000000000000", "us-east-1"
VENV_BIN = Path(sys.executable).parent
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": REGION}

SERVERLESS_YML = """\
service: media
provider:
  name: aws
  runtime: python3.11
functions:
  thumbs:
    handler: handler.thumbs
    events:
      - s3:
          bucket: media-uploads
          event: s3:ObjectCreated:*
          rules:
            - prefix: logos/
            - suffix: .png
  audit:
    handler: handler.audit
"""

HANDLER = """\
def thumbs(event, context):
    for record in event["Records"]:
        s3 = record["s3"]
        print(f"thumb {record['eventName']} {s3['bucket']['name']} {s3['object']['key']} {s3['object']['size']}")


def audit(event, context):
    for record in event["Records"]:
        sns = record["Sns"]
        print(f"audit {sns['Message']} subject={sns['Subject']}")
"""


@pytest.fixture(scope="module")
def up(
    tmp_path_factory: pytest.TempPathFactory, triggerfish_command: list[str], command_environment: dict[str, str]
) -> Iterator[UpProcess]:
    app = tmp_path_factory.mktemp("media")
    (app / "serverless.yml").write_text(SERVERLESS_YML)
    (app / "handler.py").write_text(HANDLER)
    process = UpProcess(triggerfish_command, command_environment, app, "--no-watch")
    try:
        process.wait_ready()
        yield process
    finally:
        process.close()


def aws(up: UpProcess, *args: str, timeout: float = 120) -> str:
    env = {**os.environ, **CREDENTIALS}
    command = [str(VENV_BIN / "aws"), "--endpoint-url", up.endpoint, *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_uploads_notify_by_prefix_and_suffix_with_url_encoded_keys(up: UpProcess, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG" + b"0" * 96)
    aws(up, "s3", "cp", str(logo), "s3://media-uploads/logos/acme.png")
    up.wait_seen(r"thumb ObjectCreated:Put media-uploads logos/acme\.png 100")

    s3 = up.client("s3")
    s3.put_object(Bucket="media-uploads", Key="other/acme.png", Body=b"not a logo")
    s3.put_object(Bucket="media-uploads", Key="logos/acme.jpg", Body=b"wrong suffix")
    s3.put_object(Bucket="media-uploads", Key="logos/café menu.png", Body=b"x" * 7)
    # spaces become '+', other characters are percent-encoded UTF-8 (spec §3.3)
    up.wait_seen(r"thumb ObjectCreated:Put media-uploads logos/caf%C3%A9\+menu\.png 7")
    assert "other/acme.png" not in up.text and "acme.jpg" not in up.text


def test_sync_of_nested_folders_and_a_multipart_upload(up: UpProcess, tmp_path: Path) -> None:
    site = tmp_path / "site"
    for relative in ("index.html", "css/main.css", "img/icons/a.svg", "img/icons/b c.svg"):
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"content of {relative}\n")
    aws(up, "s3", "mb", "s3://media-site")
    aws(up, "s3", "sync", str(site), "s3://media-site/www")
    listed = aws(up, "s3", "ls", "--recursive", "s3://media-site/www/")
    keys = sorted(line.split(maxsplit=3)[3] for line in listed.splitlines())
    assert keys == ["www/css/main.css", "www/img/icons/a.svg", "www/img/icons/b c.svg", "www/index.html"]
    assert aws(up, "s3", "sync", str(site), "s3://media-site/www").strip() == ""  # nothing changed

    big = tmp_path / "big.bin"
    with big.open("wb") as file:
        for _ in range(50):
            file.write(os.urandom(1024 * 1024))
    aws(up, "s3", "cp", str(big), "s3://media-site/big.bin")
    head = up.client("s3").head_object(Bucket="media-site", Key="big.bin")
    assert head["ContentLength"] == 50 * 1024 * 1024
    assert re.fullmatch(r'"[0-9a-f]{32}-\d+"', head["ETag"])  # a multipart ETag: md5 of the parts' md5s, -N
    back = tmp_path / "back.bin"
    aws(up, "s3", "cp", "s3://media-site/big.bin", str(back))
    assert hashlib.sha256(back.read_bytes()).digest() == hashlib.sha256(big.read_bytes()).digest()


def test_a_topic_fans_out_to_exactly_the_right_subscribers(up: UpProcess) -> None:
    sns, sqs = up.client("sns"), up.client("sqs")
    topic = sns.create_topic(Name="orders")["TopicArn"]
    for name in ("orders-raw", "orders-big"):
        sqs.create_queue(QueueName=name)
    audit = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:media-dev-audit"
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=audit)
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-raw",
        Attributes={"RawMessageDelivery": "true"},
    )
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-big",
        Attributes={"FilterPolicy": json.dumps({"total": [{"numeric": [">=", 100]}]})},
    )

    def publish(message: str, total: int) -> None:
        attributes = {"total": {"DataType": "Number", "StringValue": str(total)}}
        sns.publish(TopicArn=topic, Message=message, MessageAttributes=attributes)

    publish("small order", 20)
    publish("big order", 250)
    up.wait_seen(r"audit small order subject=None")
    up.wait_seen(r"audit big order subject=None")
    raw = receive(sqs, "orders-raw", 2)
    assert sorted(message["Body"] for message in raw) == ["big order", "small order"]
    assert all(message["MessageAttributes"]["total"]["DataType"] == "Number" for message in raw)
    (big,) = receive(sqs, "orders-big", 1)
    envelope = json.loads(big["Body"])
    assert envelope["Type"] == "Notification" and envelope["Message"] == "big order"
    assert envelope["TopicArn"] == topic and envelope["MessageAttributes"]["total"]["Value"] == "250"
    assert nothing_more(sqs, "orders-big")


def visit(url: str) -> None:
    with urllib.request.urlopen(url, timeout=30) as answer:
        answer.read()


class Subscriber(BaseHTTPRequestHandler):
    """An HTTP endpoint that confirms its subscription by visiting the SubscribeURL, as apps do."""

    received: ClassVar[list[tuple[dict[str, str], dict[str, Any]]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((dict(self.headers.items()), body))
        self.send_response(200)
        self.end_headers()
        if body["Type"] == "SubscriptionConfirmation":
            threading.Thread(target=visit, args=(body["SubscribeURL"],), daemon=True).start()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_subscriber() -> ThreadingHTTPServer:
    Subscriber.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Subscriber)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def confirmed(sns: Any, topic: str, timeout: float = 15.0) -> str:
    """The ARN of the topic's one subscription once its endpoint has confirmed it."""
    deadline = time.monotonic() + timeout
    while True:
        (subscription,) = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        if subscription["SubscriptionArn"] != "PendingConfirmation":
            return str(subscription["SubscriptionArn"])
        assert time.monotonic() < deadline, "the subscription was never confirmed"
        time.sleep(0.1)


def test_an_http_subscriber_confirms_and_receives(up: UpProcess) -> None:
    server = serve_subscriber()
    try:
        sns = up.client("sns")
        topic = sns.create_topic(Name="webhooks")["TopicArn"]
        endpoint = f"http://127.0.0.1:{server.server_port}/hook"
        pending = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint)
        assert pending["SubscriptionArn"] == "pending confirmation"
        subscription = confirmed(sns, topic)
        sns.publish(TopicArn=topic, Message="hello hook", Subject="greeting")
        deadline = time.monotonic() + 15
        while len(Subscriber.received) < 2:
            assert time.monotonic() < deadline, Subscriber.received
            time.sleep(0.05)
        headers, body = Subscriber.received[1]
        assert headers["x-amz-sns-message-type"] == "Notification"
        assert headers["x-amz-sns-subscription-arn"] == subscription
        assert (body["Message"], body["Subject"], body["TopicArn"]) == ("hello hook", "greeting", topic)
    finally:
        server.shutdown()
        server.server_close()


def test_an_unreachable_subscriber_ends_in_its_dead_letter_queue(up: UpProcess) -> None:
    sns, sqs = up.client("sns"), up.client("sqs")
    sqs.create_queue(QueueName="hooks-dlq")
    topic = sns.create_topic(Name="unreachable")["TopicArn"]
    server = serve_subscriber()
    policy = {"healthyRetryPolicy": {"numRetries": 2, "minDelayTarget": 1, "maxDelayTarget": 1}}
    sns.subscribe(
        TopicArn=topic,
        Protocol="http",
        Endpoint=f"http://127.0.0.1:{server.server_port}/gone-soon",
        Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:hooks-dlq"}),
            "DeliveryPolicy": json.dumps(policy),
        },
    )
    confirmed(sns, topic)
    server.shutdown()
    server.server_close()  # nothing listens on that port any more
    sns.publish(TopicArn=topic, Message="nobody home")
    (dead,) = receive(sqs, "hooks-dlq", 1, timeout=30)
    assert "nobody home" in dead["Body"]
